"""The roles' groups hold no Django permission (issue 15): districts/access.py decides who may touch what and the
admin asks it (districts/admin_access.RoleAccess), so the permissions 0003_roles granted were never consulted — a
second answer that could only drift from the first. The groups themselves stay: they are the roles."""

from django.db import migrations

ROLES = ["district_officer", "reviewer", "administrator"]


def take_back_permissions(apps, schema_editor):
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.clear()


class Migration(migrations.Migration):
    dependencies = [("districts", "0003_roles")]
    # Going back grants nothing again: nothing read those permissions.
    operations = [migrations.RunPython(take_back_permissions, migrations.RunPython.noop)]
