"""The officers' workspace is Django's admin, narrowed per role through districts.access:

- a district officer lists, creates, edits, previews, publishes and unpublishes the programs of their own district
  (or of the city), never sees another district's, and cannot change an entry's district;
- administrators see everything and alone manage stages, districts and roles.
Edits of a published program can be kept as a draft (residents keep seeing the published version), previewed
exactly as residents will see it, then published. Every change is kept (django-simple-history) and can be
restored; a save based on an outdated version is refused with what changed meanwhile.
"""

import json

from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources
from import_export.admin import ImportExportModelAdmin
from import_export.widgets import ManyToManyWidget
from simple_history.admin import SimpleHistoryAdmin

from districts.access import is_administrator, officer_district, programs_editable_by
from districts.admin_access import RoleAccess

from . import services
from .admin_program_form import CountedForm, ProgramForm, program_fieldsets, program_form_fields, stale_english
from .models import Amount, LifeStage, Program, Rule, RuleCase, Source
from .plan import notices
from .plan.changes import program_facts


@admin.register(LifeStage)
class LifeStageAdmin(RoleAccess, admin.ModelAdmin):
    access = "administrators"
    list_display = ["order", "name", "name_en", "slug"]
    list_display_links = ["name"]


class ProgramResource(resources.ModelResource):
    """CSV / Excel columns of an officer's programs. The district comes from who imports, never from the file."""

    stages = fields.Field(
        attribute="stages", column_name="stages", widget=ManyToManyWidget(LifeStage, field="slug", separator="|")
    )

    class Meta:
        model = Program
        import_id_fields = ["slug"]
        clean_model_instances = True  # model validation: errors by row and field, not a database error
        skip_unchanged = True
        report_skipped = True
        exclude = ["id", "provider", "pending_changes", "version", "is_synthetic", "created_at", "updated_at"]

    def __init__(self, *, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user

    def get_queryset(self):
        return programs_editable_by(self.user)

    def before_save_instance(self, instance, row, **kwargs):
        district = officer_district(self.user)
        if instance.pk is None:
            if district is None and not is_administrator(self.user):
                raise ValidationError(gettext("자치구 담당자만 사업을 가져올 수 있습니다."))
            instance.provider = district or instance.provider
        if district is not None and instance.provider_id != district.pk:
            raise ValidationError(gettext("다른 자치구의 사업은 가져올 수 없습니다."))

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        if instance.pk is None and not instance.provider_id:
            district = officer_district(self.user)
            if district:
                instance.provider = district

    def get_instance(self, instance_loader, row):
        # An existing slug of another district is refused, not silently created or overwritten.
        slug = row.get("slug")
        if slug and Program.objects.filter(slug=slug).exclude(pk__in=programs_editable_by(self.user)).exists():
            raise ValidationError(gettext("다른 자치구의 사업입니다: %(slug)s") % {"slug": slug})
        return super().get_instance(instance_loader, row)


class NotVerifiedFor180Days(admin.SimpleListFilter):
    title = _("확인 상태")
    parameter_name = "freshness"

    def lookups(self, request, model_admin):
        return [("stale", _("180일 넘게 확인 안 됨")), ("drafts", _("작성 중이거나 게시 전 수정이 있음"))]

    def queryset(self, request, queryset):
        from .selectors import programs_needing_attention

        if self.value() == "stale":
            return programs_needing_attention(queryset, drafts=False)
        if self.value() == "drafts":
            return programs_needing_attention(queryset, stale=False)
        return queryset


@admin.register(Source)
class SourceAdmin(RoleAccess, admin.ModelAdmin):
    """Where facts come from. Any officer may record a source and read all of them (a city press release is every
    district's source); changing or deleting one, which every fact citing it shares, is for administrators."""

    list_display = ["title", "issuer", "kind", "published_on", "url", "document_number"]
    list_filter = ["kind", "issuer"]
    search_fields = ["title", "issuer", "url", "document_number", "key"]

    access = "sources"


FACT_FIELDS = ["valid_from", "valid_until", "source", "quote"]


class RuleInline(RoleAccess, admin.StackedInline):
    access = "program_parts"  # whoever may edit the program
    model = Rule
    extra = 0
    fields = [("key", "low", "high"), ("choice", "percent"), ("text", "text_en"), ("valid_from", "valid_until"),
              ("source", "quote")]  # fmt: skip
    form = CountedForm
    verbose_name_plural = _("지원 조건 (출처와 적용 기간별)")


class AmountInline(RoleAccess, admin.StackedInline):
    access = "program_parts"  # whoever may edit the program
    model = Amount
    extra = 0
    fields = [("lump_sum", "per_payment", "frequency", "payments", "cap", "unit"),
              ("birth_order_from", "birth_order_to", "pays_household"), ("text", "text_en"),
              ("valid_from", "valid_until"), ("source", "quote")]  # fmt: skip
    form = CountedForm
    verbose_name_plural = _("지원 금액 (출처와 적용 기간별)")


class RuleCaseInline(RoleAccess, admin.StackedInline):
    access = "program_parts"  # whoever may edit the program
    model = RuleCase
    extra = 0
    fields = ["name", ("on_date", "expected", "expected_total"), "household", "cites"]
    form = CountedForm
    verbose_name_plural = _("규칙 시험 사례 (게시할 때 모두 통과해야 합니다)")


@admin.register(Program)
class ProgramAdmin(RoleAccess, ImportExportModelAdmin, SimpleHistoryAdmin):
    access = "programs"
    form = ProgramForm
    inlines = [RuleInline, AmountInline, RuleCaseInline]
    # The sources are plain selects (named by their label, working without JavaScript), not the autocomplete, whose
    # combobox has no accessible name (axe: aria-input-field-name); the stages are checkboxes (ProgramForm).
    resource_classes = [ProgramResource]
    change_form_template = "admin/programs/program/change_form.html"
    list_display = ["title", "provider", "kind", "operating_status", "publication", "has_draft", "last_verified"]
    list_filter = [NotVerifiedFor180Days, "publication", "operating_status", "kind", "provider", "stages"]
    list_select_related = ["provider"]
    search_fields = ["title", "summary", "slug"]
    readonly_fields = ["created_at", "updated_at", "preview_link"]
    list_per_page = 50
    show_full_result_count = False
    actions = ["confirm_still_true", "unpublish"]
    history_list_display = ["version", "publication"]

    class Media:
        css = {"all": ["admin_extra/program_form.css"]}
        js = ["admin_extra/char_count.js"]

    def get_fieldsets(self, request, obj=None):
        """In sections, the order an officer thinks in (programs/admin_program_form.py)."""
        readonly = self.get_readonly_fields(request, obj)
        return program_fieldsets([*program_form_fields(), "expected_version", *readonly])

    # Who sees what: everything goes through the one access function.
    def get_queryset(self, request):
        return programs_editable_by(request.user).select_related("provider")

    def get_resource_kwargs(self, request, *args, **kwargs):
        return {**super().get_resource_kwargs(request, *args, **kwargs), "user": request.user}

    def get_export_resource_kwargs(self, request, **kwargs):
        return {**super().get_export_resource_kwargs(request, **kwargs), "user": request.user}

    def get_import_resource_kwargs(self, request, **kwargs):
        return {**super().get_import_resource_kwargs(request, **kwargs), "user": request.user}

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not is_administrator(request.user):
            fields.append("provider")  # an officer's entries are always their district's
        return fields

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)  # through get_queryset: others' are not found
        if obj is not None and obj.pending_changes and request.resolver_match.url_name == "programs_program_change":
            services.with_pending_changes(obj)  # the officer goes on editing their draft
        return obj

    def history_view(self, request, object_id, extra_context=None):
        if not programs_editable_by(request.user).filter(pk=object_id).exists():
            raise Http404
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not programs_editable_by(request.user).filter(pk=object_id).exists():
            raise Http404
        with transaction.atomic():  # the version check locks the row until the restore is saved
            return super().history_form_view(request, object_id, version_id, extra_context)

    @admin.display(description=_("게시 전 수정"), boolean=True)
    def has_draft(self, obj):
        return bool(obj.pending_changes) or obj.publication == Program.Publication.DRAFT

    @admin.display(description=_("미리 보기"))
    def preview_link(self, obj):
        if not obj.pk:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("programs:preview", args=[obj.pk]),
                           gettext("주민에게 보일 모습 미리 보기"))  # fmt: skip

    # Saving: plain save, draft of a published program, or publish.
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """A program residents see never carries a fact without a source or a failing rule test case, however it is
        saved: rules, amounts and cases are saved at once (they are dated records), and a plain save of a published
        program changes it at once too. Such a save is undone as a whole and the form shown again with what it holds,
        and with the reasons above it (save_related finds them, ProgramForm shows them). A draft is not checked until
        it is published."""
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        with transaction.atomic():
            before = transaction.savepoint_create()
            response = super().changeform_view(request, object_id, form_url, extra_context)
            refused = getattr(request, "_live_refused", None)
            if not refused:
                return response
            transaction.savepoint_rollback(before)
        request._live_refused = None
        request._refuse_save = refused
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        refused = getattr(request, "_refuse_save", None)
        return type(form.__name__, (form,), {"refused_because": tuple(refused)}) if refused else form

    def _refuse_if_live_and_unsourced(self, request, program):
        live = Program.objects.filter(pk=program.pk, publication=Program.Publication.PUBLISHED).first()
        problems = services.publication_problems(live) if live is not None else []
        if problems:
            request._live_refused = [gettext("저장하지 않았습니다. 게시된 사업은 주민에게 바로 보입니다: ")
                                     + " / ".join(problems)]  # fmt: skip

    def save_model(self, request, obj, form, change):
        # The facts residents see, before this save writes anything (the change form and the history's restore
        # both come here): log_change compares them with what the save leaves (rule-change notices, issue 17).
        request._facts_before = program_facts(obj.pk) if change else None
        if not change and not is_administrator(request.user):
            obj.provider = officer_district(request.user)
        request._program_draft = False
        request._stale_english = stale_english(form) if change else []
        if request._stale_english:  # recorded on the change: the history's 변경 사유 (≤ 100 characters)
            obj._change_reason = self._stale_english_note(request)[:100]
        if (
            change
            and "_save_draft" in request.POST
            and form.initial.get("publication") == Program.Publication.PUBLISHED
        ):
            changes = {name: form.cleaned_data[name] for name in form.changed_data
                       if name not in ("stages", "expected_version", "publication")}  # fmt: skip
            stages = form.cleaned_data["stages"] if "stages" in form.changed_data else None
            services.program_save_draft(program=obj, changes=changes, stages=stages, by=request.user)
            request._program_draft = True
            return
        if "_save_draft" in request.POST:
            obj.publication = Program.Publication.DRAFT
        obj.pending_changes = {}  # the form showed the draft's values: saving them makes the draft the entry
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        if getattr(request, "_program_draft", False):
            # The stages, like the other fields, wait in the draft. Rules, amounts and cases are dated records saved
            # at once: a change residents should not see yet is entered with a later 적용 시작일.
            for formset in formsets:
                self.save_formset(request, form, formset, change=change)
            self._note_stale_english_of_inlines(request, formsets, change)
            self._refuse_if_live_and_unsourced(request, form.instance)
            return
        super().save_related(request, form, formsets, change)
        self._note_stale_english_of_inlines(request, formsets, change)
        if "_publish" in request.POST:
            try:
                with transaction.atomic():  # refused: a draft's edits are kept (saved as they are), not published
                    services.program_publish(program=form.instance, by=request.user)
            except ValidationError as refused:
                request._publish_refused = refused.messages
        self._refuse_if_live_and_unsourced(request, form.instance)

    # A Korean text changed and its English left as it was: saved, with a warning, and recorded on the change.
    def _note_stale_english_of_inlines(self, request, formsets, change):
        if not change:
            return
        for formset in formsets:
            for inline_form in formset.forms:
                if inline_form.has_changed() and not formset._should_delete_form(inline_form):
                    name = inline_form._meta.model._meta.verbose_name
                    request._stale_english += [f"{name} {label}" for label in stale_english(inline_form)]

    @staticmethod
    def _stale_english_note(request) -> str:
        return gettext("영문 확인 필요: %(fields)s") % {"fields": ", ".join(dict.fromkeys(request._stale_english))}

    def log_change(self, request, obj, message):
        if getattr(request, "_stale_english", None):
            said = LogEntry(change_message=json.dumps(message)).get_change_message() if message else ""
            message = " ".join(filter(None, [said, self._stale_english_note(request)]))
        entry = super().log_change(request, obj, message)
        # The one point after a change's every write (the program, its rules and amounts, its publication) and before
        # the commit: a published fact that changed is recorded and its residents are told after the commit. A save
        # refused because a live fact lost its source is rolled back by changeform_view, this record with it.
        before = getattr(request, "_facts_before", None)
        if before and not getattr(request, "_live_refused", None):
            notices.program_change_record(program_id=obj.pk, before=before, by=request.user)
        request._facts_before = None
        return entry

    def _warn_stale_english(self, request):
        if getattr(request, "_stale_english", None):
            fields = ", ".join(dict.fromkeys(request._stale_english))
            text = gettext(
                "저장했습니다. 다만 한국어를 고쳤는데 영문은 그대로입니다: %(fields)s. 영문도 맞는지 확인해 주세요."
            )
            self.message_user(request, text % {"fields": fields}, messages.WARNING)

    def response_change(self, request, obj):
        if getattr(request, "_live_refused", None):
            return HttpResponseRedirect(request.path)  # never sent: changeform_view undoes the save and shows the form
        self._warn_stale_english(request)
        if "_save_draft" in request.POST:
            self.message_user(request, gettext("임시 저장했습니다. 게시된 내용은 그대로입니다. 미리 본 뒤 게시하세요."),
                              messages.SUCCESS)  # fmt: skip
            return HttpResponseRedirect(request.path)
        if "_publish" in request.POST:
            self._publish_message(request)
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def _publish_message(self, request):
        refused = getattr(request, "_publish_refused", None)
        if refused:
            text = gettext("저장했지만 게시하지 않았습니다: ") + " / ".join(refused)
            self.message_user(request, text, messages.ERROR)
        else:
            self.message_user(request, gettext("게시했습니다. 주민에게 바로 보입니다."), messages.SUCCESS)

    def response_add(self, request, obj, post_url_continue=None):
        if getattr(request, "_live_refused", None):
            return HttpResponseRedirect(request.path)  # never sent (see changeform_view)
        if "_save_draft" in request.POST or "_publish" in request.POST:
            if "_publish" in request.POST:
                self._publish_message(request)
            return HttpResponseRedirect(reverse("admin:programs_program_change", args=[obj.pk]))
        return super().response_add(request, obj, post_url_continue)

    @admin.action(description=_("선택한 사업의 내용이 지금도 맞음을 확인"))
    def confirm_still_true(self, request, queryset):
        for program in queryset:
            services.program_verify(program=program, by=request.user)
        self.message_user(request, gettext("%(n)d건을 오늘 날짜로 확인했습니다.") % {"n": queryset.count()})

    @admin.action(description=_("선택한 사업 게시 중단(작성 중으로)"))
    def unpublish(self, request, queryset):
        for program in queryset:
            services.program_unpublish(program=program, by=request.user)
        self.message_user(request, gettext("%(n)d건의 게시를 중단했습니다.") % {"n": queryset.count()})


from . import admin_forms  # noqa: E402, F401  (application forms, registered on import)

# isort: split
from . import admin_audit  # noqa: E402, F401  (the access log and reason templates, registered on import)
