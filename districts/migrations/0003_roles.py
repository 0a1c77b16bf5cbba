"""The staff roles, as groups with their permissions. Created here, never by hand."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

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


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, model, actions in grants:
            codenames = [f"{action}_{model}" for action in actions]
            perms = Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
            assert perms.count() == len(codenames), (app_label, model, codenames)
            group.permissions.add(*perms)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("districts", "0002_assignment"),
        ("programs", "0003_history_versions_schedule"),
        ("portal", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_roles, remove_roles)]
