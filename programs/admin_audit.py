"""What reviewers' offices keep in the admin, scoped through districts.access like everything else:

- the access log (개인정보 접속기록): administrators alone list, filter and search it, read-only — nobody adds,
  changes or deletes a record here (the model refuses it anyway: programs/models/review.py);
- the purge records (파기 기록): what each retention run destroyed, read-only, for administrators;
- the news mail's announcements (새 사업 소식): which program was mailed when and to how many, read-only, for
  administrators (send_news_mail alone writes them);
- the reason templates (사유 문구): a district reviewer keeps their own office's (its district set to theirs, not
  editable); administrators keep every office's.
"""

from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from districts.access import is_administrator, reviewer_district
from districts.admin_access import RoleAccess
from portal.accounts.models import User

from .models import AccessRecord, NewsAnnouncement, PurgeRecord, ReasonTemplate


class StaffUserFilter(admin.SimpleListFilter):
    """The accounts that can have looked (staff), not a DISTINCT over the whole log."""

    title = _("접속자")
    parameter_name = "user"

    def lookups(self, request, model_admin):
        return [(str(u.pk), u.email) for u in User.objects.filter(is_staff=True).order_by("email")]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(user_id=int(value))
        return queryset


@admin.register(AccessRecord)
class AccessRecordAdmin(RoleAccess, admin.ModelAdmin):
    access = "records"  # administrators read it; nobody adds, changes or deletes it here
    list_display = ["at", "user", "ip", "action", "subject", "application_reference", "target", "reason"]
    list_filter = ["action", StaffUserFilter]
    date_hierarchy = "at"
    search_fields = ["user__email", "application__reference", "reference"]
    list_select_related = ["user", "subject", "application"]
    list_per_page = 100
    show_full_result_count = False  # the log only grows: no second COUNT(*) over all of it
    actions = None  # no actions at all: no "delete selected"
    fields = ["at", "user", "ip", "action", "subject", "application", "reference", "target", "reason"]

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    @admin.display(description=_("접수번호"), ordering="application__reference")
    def application_reference(self, obj):
        if obj.application_id:
            return obj.application.reference or "—"
        # The application was destroyed at the end of its retention (purge_expired): its reference stays.
        return gettext("%(reference)s (파기됨)") % {"reference": obj.reference} if obj.reference else "—"


@admin.register(PurgeRecord)
class PurgeRecordAdmin(RoleAccess, admin.ModelAdmin):
    """What each `purge_expired --apply` destroyed (retention, 개인정보 보호법 제21조): administrators read it; the
    command alone writes it."""

    access = "records"

    list_display = ["started_at", "finished_at", "applications", "drafts", "documents", "files_deleted",
                    "files_failed", "access_records", "command", "run_by"]  # fmt: skip
    date_hierarchy = "started_at"
    search_fields = ["references"]
    actions = None

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in PurgeRecord._meta.fields]


@admin.register(NewsAnnouncement)
class NewsAnnouncementAdmin(RoleAccess, admin.ModelAdmin):
    access = "records"  # administrators read it; nobody adds, changes or deletes it here
    list_display = ["at", "program", "recipients", "baseline"]
    list_filter = ["baseline"]
    date_hierarchy = "at"
    search_fields = ["program__title", "program__slug"]
    list_select_related = ["program"]
    actions = None

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in NewsAnnouncement._meta.fields]


def _office(request):
    """None for administrators (every office); a reviewer's district; False for anyone else."""
    if is_administrator(request.user):
        return None
    return reviewer_district(request.user) or False


@admin.register(ReasonTemplate)
class ReasonTemplateAdmin(RoleAccess, admin.ModelAdmin):
    access = "reason_templates"
    list_display = ["title", "use", "district", "active", "order"]
    list_filter = ["use", "active", "district"]
    list_select_related = ["district"]
    search_fields = ["title", "text"]
    fields = ["district", "use", "title", "text", "active", "order"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("district")
        office = _office(request)
        if office is None:
            return queryset
        if office is False:
            return queryset.none()
        return queryset.filter(district=office)

    def get_list_filter(self, request):
        return self.list_filter if _office(request) is None else ["use", "active"]

    def get_readonly_fields(self, request, obj=None):
        return [] if _office(request) is None else ["district"]  # a reviewer's are always their office's

    def save_model(self, request, obj, form, change):
        office = _office(request)
        if office:
            obj.district = office
        super().save_model(request, obj, form, change)
