from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from districts.admin_access import RoleAccess

from . import second_factor
from .models import SecondFactorRecord, User


class SecondFactorRecordInline(RoleAccess, admin.TabularInline):
    """The person's enrolment links, enrolments and resets (who, when): read only, never edited or deleted."""

    access = "records"  # read by administrators only (districts/access.py ADMIN_ACCESS)
    model = SecondFactorRecord
    fk_name = "user"
    fields = readonly_fields = ["at", "action", "by"]
    extra = 0
    can_delete = False
    verbose_name_plural = _("2단계 인증 기록")


@admin.register(User)
class UserAdmin(RoleAccess, DjangoUserAdmin):
    access = "administrators"
    ordering = ["email"]
    list_display = ["email", "name", "is_staff", "is_active", "last_login"]
    search_fields = ["email", "name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("개인 정보"), {"fields": ("name",)}),
        (_("권한"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("기록"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    inlines = [SecondFactorRecordInline]
    actions = ["second_factor_link", "second_factor_reset"]

    @admin.action(description=_("2단계 인증: 인증 앱 등록 링크 보내기 (앱이 없는 직원)"))
    def second_factor_link(self, request, queryset):
        sent = 0
        for user in queryset:
            if user.is_staff and second_factor.device_of(user) is None:
                second_factor.enrolment_link_issue(user=user, by=request.user)
                sent += 1
        skipped = queryset.count() - sent
        self.message_user(request, _("등록 링크 %(n)d건을 보냈어요.") % {"n": sent})
        if skipped:
            note = _("직원이 아니거나 이미 인증 앱이 있는 %(n)d명은 건너뛰었어요. 분실이면 초기화를 쓰세요.")
            self.message_user(request, note % {"n": skipped}, messages.WARNING)

    @admin.action(description=_("2단계 인증: 인증 앱 초기화(분실) 후 새 등록 링크 보내기"))
    def second_factor_reset(self, request, queryset):
        staff = [user for user in queryset if user.is_staff]
        for user in staff:
            second_factor.device_reset(user=user, by=request.user)
        self.message_user(
            request, _("%(n)d명의 인증 앱을 지우고 새 등록 링크를 보냈어요. 기록에 남았어요.") % {"n": len(staff)}
        )
