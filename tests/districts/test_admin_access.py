"""One role model (issue 15): districts.access answers who may touch what, the admin asks it through one mixin, role
flags are attached to a user in one place, and the roles' groups hold no Django permission that nobody reads."""

import ast
import importlib
import re
from pathlib import Path

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group

from districts.access import ADMIN_ACCESS, ADMINISTRATORS, UserRoles, is_administrator, officer_district, user_roles
from districts.admin_access import RoleAccess
from districts.models import Assignment, Role
from districts.roles import ROLES, ensure_roles
from districts.services import assignment_grant
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
OURS = ("portal", "districts", "programs")


def sources():
    for package in OURS:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_no_admin_decides_access_by_itself():
    """has_*_permission is written once, in districts/admin_access.py."""
    found = [f"{path.relative_to(ROOT)}:{n}" for path in sources() if path.name != "admin_access.py"
             for n, line in enumerate(path.read_text().splitlines(), 1)
             if re.search(r"def has_\w+_permission", line)]  # fmt: skip
    assert found == []


def test_every_admin_of_ours_names_a_rule():
    """Every ModelAdmin of our apps (and Django's Group admin) and every inline of theirs declares its rule."""
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label in OURS or model is Group:
            assert isinstance(model_admin, RoleAccess), model
            assert model_admin.access in ADMIN_ACCESS, model
            for inline in model_admin.inlines:
                assert issubclass(inline, RoleAccess) and inline.access in ADMIN_ACCESS, inline


def test_an_admin_naming_no_rule_is_refused_when_written():
    with pytest.raises(TypeError, match="ADMIN_ACCESS"):
        type("Careless", (RoleAccess, admin.ModelAdmin), {"access": "everybody"})


def test_role_flags_are_attached_in_one_place():
    """Only districts.access.user_roles puts role flags on a user object."""
    setters = re.compile(r"\.(_roles|_is_administrator|_officer_district|_reviewer_district)\s*=")
    found = [f"{path.relative_to(ROOT)}:{n}" for path in sources()
             for n, line in enumerate(path.read_text().splitlines(), 1) if setters.search(line)]  # fmt: skip
    assert found == ["districts/access.py:" + str(_line_of("districts/access.py", "roles = user._roles ="))]


def _line_of(relative, text):
    return next(n for n, line in enumerate((ROOT / relative).read_text().splitlines(), 1) if text in line)


def test_the_role_model_imports_nothing_of_programs_at_module_level():
    """programs imports districts; the role model (access, its admin, roles, services) never imports programs."""
    for name in ["access", "admin_access", "admin", "roles", "services", "models"]:
        tree = ast.parse((ROOT / "districts" / f"{name}.py").read_text())
        modules = [n.module or "" for n in tree.body if isinstance(n, ast.ImportFrom)]
        modules += [a.name for n in tree.body if isinstance(n, ast.Import) for a in n.names]
        assert not [m for m in modules if m.split(".")[0] == "programs"], name


@pytest.mark.django_db
def test_roles_are_worked_out_once_per_user_both_district_roles_in_one_query(django_assert_num_queries):
    seo = factories.district()
    user = factories.resident("both@test.local", consented=False)
    assignment_grant(user=user, role=Role.OFFICER, district=seo, via=Assignment.Via.SEED)
    assignment_grant(user=user, role=Role.REVIEWER, district=factories.city(), via=Assignment.Via.SEED)
    with django_assert_num_queries(2):  # the administrator flag, then both district roles
        assert not is_administrator(user) and officer_district(user) == seo
        assert user_roles(user).reviewer.is_city and is_administrator(user) is False
    assert isinstance(user._roles, UserRoles)


@pytest.mark.django_db
def test_an_administrator_flag_loaded_with_the_user_costs_no_query(django_assert_num_queries):
    user = factories.resident("admin.flag@test.local", consented=False)
    user_roles(user, administrator=True)
    with django_assert_num_queries(0):
        assert is_administrator(user)


@pytest.mark.django_db
def test_the_roles_groups_hold_no_permissions():
    """After the migrations (0004 took back what 0003 granted) and after ensure_roles alike."""
    migration = importlib.import_module("districts.migrations.0004_roles_hold_no_permissions")
    assert sorted(migration.ROLES) == sorted(ROLES)
    groups = Group.objects.filter(name__in=ROLES)
    assert sorted(groups.values_list("name", flat=True)) == sorted(ROLES)
    assert not Group.permissions.through.objects.filter(group__in=groups).exists()
    groups.delete()  # as a test flush leaves it
    made = ensure_roles()
    assert sorted(made) == sorted(ROLES) and not any(g.permissions.exists() for g in made.values())


@pytest.mark.django_db
def test_an_administrator_reads_the_role_groups_and_only_a_superuser_keeps_them(client):
    """Django's Group admin asks the same rules now that the groups hold no permissions."""
    administrator = factories.resident("admin.groups@test.local", consented=False, is_staff=True)
    administrator.groups.add(ensure_roles()[ADMINISTRATORS])
    factories.staff_login(client, administrator)
    group = Group.objects.get(name=ADMINISTRATORS)
    assert client.get("/admin/auth/group/").status_code == 200
    assert client.get(f"/admin/auth/group/{group.pk}/change/").status_code == 200
    assert client.post(f"/admin/auth/group/{group.pk}/change/", {"name": "renamed"}).status_code == 403
    assert client.get("/admin/auth/group/add/").status_code == 403
