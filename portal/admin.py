from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from districts.admin_access import RoleAccess

from .models import User


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
