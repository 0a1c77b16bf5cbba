from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .access import is_administrator, officer_district, offices_editable_by
from .admin_access import RoleAccess
from .models import Assignment, District, Office
from .services import assignment_grant, assignment_revoke


@admin.register(District)
class DistrictAdmin(RoleAccess, admin.ModelAdmin):
    access = "administrators"
    list_display = ["name", "slug", "is_city", "office_name", "phone"]


class OfficeForm(forms.ModelForm):
    """The district an officer may not choose is set before validation, so the model's rules see it (a 행정복지센터
    belongs to a borough), and a name their district already has is told by the field instead of failing the save
    (the unique constraint is not checked by the form when the district is not one of its fields)."""

    fixed_district = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.fixed_district is not None:
            self.instance.district = self.fixed_district

    def clean(self):
        cleaned = super().clean()
        if "district" not in self.fields and self.instance.district_id and cleaned.get("name"):
            taken = Office.objects.filter(district_id=self.instance.district_id, name=cleaned["name"])
            if taken.exclude(pk=self.instance.pk).exists():
                self.add_error("name", gettext("이 자치구에 같은 이름의 기관이 이미 있습니다."))
        return cleaned


@admin.register(Office)
class OfficeAdmin(RoleAccess, admin.ModelAdmin):
    """A district's 구청 and 행정복지센터 with their source. An officer sees and keeps only their own district's
    (another district's is not found), and never chooses the district: a new one is theirs."""

    access = "offices"
    form = OfficeForm

    list_display = ["name", "district", "kind", "phone", "address", "source_date"]
    list_filter = ["kind", "district"]
    list_select_related = ["district"]
    search_fields = ["name", "address"]
    fieldsets = [
        (None, {"fields": ["district", "kind", "name", "name_en", "sort_order"]}),
        (_("연락처"), {"fields": ["address", "address_en", "phone", "website"]}),
        (_("근거"), {"fields": ["source_title", "source_issuer", "source_url", "source_date", "quote"]}),
    ]

    def get_queryset(self, request):
        return offices_editable_by(request.user).select_related("district")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not is_administrator(request.user):
            fields.append("district")  # an officer's offices are always their own district's
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is None and not is_administrator(request.user):
            form = type(form.__name__, (form,), {"fixed_district": officer_district(request.user)})
        return form


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
