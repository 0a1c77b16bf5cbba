"""The project's URLs plus a plain Django admin changelist of applications at /bench-admin/ (benchmark only:
benchmarks/admin_settings.py). Defaults throughout — its counts, its pagination by OFFSET, its filters — as an
administrator would get them; scoped to the reviewer's applications so both pages list the same rows."""

from django.contrib import admin
from django.urls import path

from districts.access import applications_reviewable_by
from portal.urls import urlpatterns as portal_urlpatterns
from programs.models import Application


class BenchAdminSite(admin.AdminSite):
    def has_permission(self, request):
        return request.user.is_active and request.user.is_staff


class ApplicationChangelist(admin.ModelAdmin):
    list_display = ["reference", "status", "submitted_at", "program"]
    list_filter = ["status"]
    list_select_related = ["program"]
    search_fields = ["reference"]

    def get_queryset(self, request):
        return applications_reviewable_by(request.user)

    def has_module_permission(self, request):
        return True

    def has_view_permission(self, request, obj=None):
        return True

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


site = BenchAdminSite(name="bench_admin")
site.register(Application, ApplicationChangelist)

urlpatterns = [path("bench-admin/", site.urls), *portal_urlpatterns]
