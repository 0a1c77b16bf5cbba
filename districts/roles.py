"""The staff roles and their permissions. The data migration 0003_roles creates them; `ensure_roles` puts them
back where a database lost them (a test flush) — the same table either way."""

from django.contrib.auth.models import Group, Permission

ROLES = {
    "district_officer": [
        ("programs", "program", ["view", "add", "change"]),
        ("programs", "historicalprogram", ["view"]),
    ],
    "reviewer": [
        ("programs", "program", ["view"]),
    ],
    "administrator": [
        ("programs", "program", ["view", "add", "change", "delete"]),
        ("programs", "historicalprogram", ["view"]),
        ("programs", "lifestage", ["view", "add", "change", "delete"]),
        ("districts", "district", ["view", "add", "change"]),
        ("districts", "assignment", ["view", "add", "change"]),
        ("portal", "user", ["view", "add", "change"]),
        ("auth", "group", ["view"]),
    ],
}


def ensure_roles(group_model=Group, permission_model=Permission) -> dict[str, Group]:
    groups = {}
    for name, grants in ROLES.items():
        group, _ = group_model.objects.get_or_create(name=name)
        for app_label, model, actions in grants:
            codenames = [f"{action}_{model}" for action in actions]
            perms = permission_model.objects.filter(content_type__app_label=app_label, codename__in=codenames)
            group.permissions.add(*perms)
        groups[name] = group
    return groups


def role_group(name: str) -> Group:
    group = Group.objects.filter(name=name).first()
    return group or ensure_roles()[name]
