"""The admin's permission hooks, answered by districts.access: one mixin for every ModelAdmin and inline of ours.

    @admin.register(LifeStage)
    class LifeStageAdmin(RoleAccess, admin.ModelAdmin):
        access = "administrators"  # a rule of districts.access.ADMIN_ACCESS

No admin re-decides who may list, view, add, change or delete: it names its rule, and the rule lives beside every
other answer to "who may touch what" (tests/districts/test_admin_access.py keeps it so).
"""

from .access import ADMIN_ACCESS, admin_allows


class RoleAccess:
    """has_{module,view,add,change,delete}_permission (and django-import-export's has_{import,export}_permission)
    from the rule named by `access`. For an inline, `obj` is the parent object, as Django passes it."""

    access: str = ""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.access not in ADMIN_ACCESS:
            raise TypeError(f"{cls.__qualname__}.access = {cls.access!r}: name a rule of districts.access.ADMIN_ACCESS")

    def has_module_permission(self, request):
        return admin_allows(self.access, "module", request.user)

    def has_view_permission(self, request, obj=None):
        return admin_allows(self.access, "view", request.user, obj)

    def has_add_permission(self, request, obj=None):  # a ModelAdmin is asked without obj, an inline with its parent
        return admin_allows(self.access, "add", request.user, obj)

    def has_change_permission(self, request, obj=None):
        return admin_allows(self.access, "change", request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return admin_allows(self.access, "delete", request.user, obj)

    def has_import_permission(self, request):
        return admin_allows(self.access, "import", request.user)

    def has_export_permission(self, request):
        return admin_allows(self.access, "export", request.user)
