"""The staff roles: three groups that hold no Django permission. Who may do what is decided in districts/access.py
(the admin asks it through districts/admin_access.RoleAccess), never by a permission a group holds. The data
migrations create the groups (0003_roles; 0004_roles_hold_no_permissions took back the permissions 0003 granted,
which nothing consulted); `ensure_roles` puts them back where a database lost them (a test flush)."""

from django.contrib.auth.models import Group

from .access import ADMINISTRATORS, OFFICERS, REVIEWERS

ROLES = (OFFICERS, REVIEWERS, ADMINISTRATORS)


def ensure_roles() -> dict[str, Group]:
    return {name: Group.objects.get_or_create(name=name)[0] for name in ROLES}


def role_group(name: str) -> Group:
    group = Group.objects.filter(name=name).first()
    return group or ensure_roles()[name]
