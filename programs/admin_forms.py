"""Officers edit their programs' online application forms (questions and documents) in the admin.

Scoped like programs (districts.access.programs_editable_by): another district's form is invisible. A submitted
application keeps the snapshot of what it was asked, so editing a form never changes it."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from districts.access import is_administrator, officer_district, programs_editable_by

from .models import ApplicationForm, Question, RequiredDocument


def may_edit_form(request, form: ApplicationForm | None = None) -> bool:
    """Administrators: every form. A district officer: the forms of their own district's (or the city's) programs."""
    if is_administrator(request.user):
        return True
    district = officer_district(request.user)
    if district is None:
        return False
    return form is None or form.program.provider_id == district.pk


class FollowsTheForm:
    """Inline rows are the form's: whoever may edit the form may edit its questions and documents."""

    def has_view_permission(self, request, obj=None):
        return may_edit_form(request, obj)

    def has_add_permission(self, request, obj=None):
        return may_edit_form(request, obj)

    def has_change_permission(self, request, obj=None):
        return may_edit_form(request, obj)

    def has_delete_permission(self, request, obj=None):
        return may_edit_form(request, obj)


class QuestionInline(FollowsTheForm, admin.StackedInline):
    model = Question
    extra = 0
    fields = [("order", "key", "kind", "required"), ("label", "label_en"), ("help_text", "help_text_en"),
              ("choices", "choices_en")]  # fmt: skip


class RequiredDocumentInline(FollowsTheForm, admin.TabularInline):
    model = RequiredDocument
    extra = 0
    fields = ["order", "name", "name_en", "help_text", "help_text_en", "required"]


@admin.register(ApplicationForm)
class ApplicationFormAdmin(admin.ModelAdmin):
    list_display = ["program", "provider", "question_count", "document_count", "updated_at"]
    list_select_related = ["program__provider"]
    search_fields = ["program__title"]
    fields = ["program", "intro", "intro_en"]
    inlines = [QuestionInline, RequiredDocumentInline]

    def get_queryset(self, request):
        return ApplicationForm.objects.filter(program__in=programs_editable_by(request.user)).select_related(
            "program__provider"
        )

    def get_readonly_fields(self, request, obj=None):
        return ["program"] if obj else []  # a form stays with its program

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "program":
            kwargs["queryset"] = programs_editable_by(request.user).filter(application_form__isnull=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("제공 기관"))
    def provider(self, obj):
        return obj.program.provider

    @admin.display(description=_("질문 수"))
    def question_count(self, obj):
        return obj.questions.count()

    @admin.display(description=_("서류 수"))
    def document_count(self, obj):
        return obj.documents.count()

    def has_module_permission(self, request):
        return may_edit_form(request)

    def has_view_permission(self, request, obj=None):
        return may_edit_form(request, obj)

    def has_change_permission(self, request, obj=None):
        return may_edit_form(request, obj)

    def has_add_permission(self, request):
        return may_edit_form(request)

    def has_delete_permission(self, request, obj=None):
        return may_edit_form(request, obj)
