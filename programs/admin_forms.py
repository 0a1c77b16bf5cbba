"""Officers edit their programs' online application forms (questions and documents) in the admin.

Scoped like programs (districts.access.programs_editable_by): another district's form is invisible. A submitted
application keeps the snapshot of what it was asked, so editing a form never changes it."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from districts.access import programs_editable_by
from districts.admin_access import RoleAccess

from .models import ApplicationForm, Question, RequiredDocument


class QuestionInline(RoleAccess, admin.StackedInline):
    access = "application_forms"  # the form's: whoever may edit the form
    model = Question
    extra = 0
    fields = [("order", "key", "kind", "required"), ("label", "label_en"), ("help_text", "help_text_en"),
              ("choices", "choices_en")]  # fmt: skip


class RequiredDocumentInline(RoleAccess, admin.TabularInline):
    access = "application_forms"  # the form's: whoever may edit the form
    model = RequiredDocument
    extra = 0
    fields = ["order", "name", "name_en", "help_text", "help_text_en", "required", "max_age_days"]


@admin.register(ApplicationForm)
class ApplicationFormAdmin(RoleAccess, admin.ModelAdmin):
    access = "application_forms"
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
