from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .admin_access import RoleAccess
from .models import Assignment, District
from .services import assignment_grant, assignment_revoke


@admin.register(District)
class DistrictAdmin(RoleAccess, admin.ModelAdmin):
    access = "administrators"
    list_display = ["name", "slug", "is_city", "office_name", "phone"]


@admin.register(Assignment)
class AssignmentAdmin(RoleAccess, admin.ModelAdmin):
    """Grants and revocations of roles; rows are never changed or deleted, only revoked (and the revocation kept): a
    change is a revocation plus a new grant, both recorded."""

    access = "assignments"

    list_display = ["user", "role", "district", "granted_at", "granted_by", "granted_via", "revoked_at", "revoked_by"]
    list_filter = ["role", "district", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__email"]
    autocomplete_fields = ["user"]
    actions = ["revoke"]
    fields = ["user", "role", "district"]

    def save_model(self, request, obj, form, change):
        granted = assignment_grant(user=obj.user, role=obj.role, district=obj.district, by=request.user)
        obj.pk = granted.pk

    @admin.action(description=_("선택한 담당 지정 회수"))
    def revoke(self, request, queryset):
        for assignment in queryset.active():
            assignment_revoke(assignment=assignment, by=request.user)
        self.message_user(request, gettext("회수했습니다."), messages.SUCCESS)


# The role groups: administrators read them, superusers keep them (who holds a role is an Assignment, above).
admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(RoleAccess, DjangoGroupAdmin):
    access = "groups"
