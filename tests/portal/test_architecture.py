"""Rooms that say what they hold (issue 15, item 5): which package may import which, read from the source (an AST scan,
like the scans in tests/districts/test_admin_access.py and tests/programs/test_workflow.py).

    project   portal/ without portal/accounts/: settings, urls, middleware, the base templates' context, helpers
    districts districts/
    accounts  portal/accounts/ (the app labelled "portal": User, consent, notifications)
    programs  programs/

Imports run down this list's reverse: programs may import accounts, districts and the project; accounts may import
districts and the project; districts the project; the project no app (it names them by dotted string in settings and
urls). An import inside a function body that crosses packages is refused too: that is how a cycle hides.
"""

import ast
from pathlib import Path

import pytest

from portal.accounts import extensions
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("portal", "districts", "programs")
BELOW = {  # what each may import, besides itself and anything outside the project (Django, libraries)
    "project": set(),
    "districts": {"project"},
    "accounts": {"project", "districts"},
    "programs": {"project", "districts", "accounts"},
}


def room(module: str) -> str | None:
    """The package a dotted module name belongs to, or None for anything outside the project."""
    if module == "portal.accounts" or module.startswith("portal.accounts."):
        return "accounts"
    top = module.split(".")[0]
    return {"portal": "project", "districts": "districts", "programs": "programs"}.get(top)


def module_of(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, text: str | None = None):
    """(line, imported module, inside a function body?) for every import of the file, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8") if text is None else text)
    package = module_of(path) if path.name == "__init__.py" else module_of(path).rpartition(".")[0]
    in_function = {
        id(node)
        for function in ast.walk(tree)
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
        for node in ast.walk(function)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, id(node) in in_function
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:  # `from portal import accounts` names the accounts app, not the project
                full = f"{target}.{alias.name}"
                yield node.lineno, full if room(full) != room(target) else target, id(node) in in_function


def sources():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def crossings():
    """(file, line, its package, imported module, the module's package, inside a function?) for every import from
    one of our packages into another."""
    for path in sources():
        here = room(module_of(path))
        for line, target, nested in imports(path):
            there = room(target)
            if there is not None and there != here:
                yield path.relative_to(ROOT).as_posix(), line, here, target, there, nested


def test_the_project_imports_no_app():
    found = [f"{file}:{line} {target}" for file, line, here, target, _there, _n in crossings() if here == "project"]
    assert found == []


def test_no_import_inside_a_function_body_crosses_packages():
    found = [f"{file}:{line} {target}" for file, line, _here, target, _there, nested in crossings() if nested]
    assert found == []


def test_apps_import_down_only():
    found = [
        f"{file}:{line} {here} -> {target}"
        for file, line, here, target, there, _nested in crossings()
        if there not in BELOW[here]
    ]
    assert found == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from programs.models import Application", ["programs.models"]),
        ("def f():\n    from programs import selectors", ["programs (in a function)"]),
        ("from portal.accounts import consent", ["portal.accounts"]),
        ("from .accounts.models import User", ["portal.accounts.models"]),
        ("from . import accounts", ["portal.accounts"]),
        ("from . import mail", []),
        ("import districts.access", ["districts.access"]),
    ],
)
def test_the_scan_sees_what_it_must(source, expected):
    """The scan itself: a project module (portal/probe.py) importing these is caught, whatever the spelling."""
    found = [
        target + (" (in a function)" if nested else "")
        for _line, target, nested in imports(ROOT / "portal" / "probe.py", source)
        if room(target) not in (None, "project")
    ]
    assert found == expected


def test_programs_fills_the_accounts_apps_extensions(db):
    """The accounts app reaches programs only through its extensions, which programs fills from its ready(); the
    profile and the deletion tests (test_accounts.py, test_account_deletion.py) show them at work."""
    from programs.applications.selectors import applications_held
    from programs.screener.views import household_summary

    assert extensions._household_summary == [household_summary]
    assert extensions._records["programs"].count is applications_held
    assert extensions.household_summary(None, {}) is None  # nothing saved: nothing to show
    assert extensions.records_held(factories.resident()) == extensions.Held(removable=0, kept=0)
