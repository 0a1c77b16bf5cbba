"""Who may touch what: the one place that answers it. Every staff view and admin fetches through these; the admin's
permission hooks ask ADMIN_ACCESS (below) through one mixin, districts.admin_access.RoleAccess."""

from collections.abc import Callable
from functools import cached_property

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, QuerySet

from .models import Assignment, District, Office, Role

ADMINISTRATORS = "administrator"
OFFICERS = "district_officer"
REVIEWERS = "reviewer"


class UserRoles:
    """What one user holds: the administrator flag and the district (or the city) of each district role. Each is
    worked out at most once per user object, both district roles in one query (at most one active assignment per
    role: a constraint)."""

    def __init__(self, user):
        self._user = user

    @cached_property
    def administrator(self) -> bool:
        return self._user.groups.filter(name=ADMINISTRATORS).exists()

    @cached_property
    def _districts(self) -> dict[str, District]:
        found: dict[str, District] = {}
        for assignment in Assignment.objects.active().filter(user_id=self._user.pk).select_related("district"):
            found.setdefault(assignment.role, assignment.district)
        return found

    @property
    def officer(self) -> District | None:
        return self._districts.get(Role.OFFICER)

    @property
    def reviewer(self) -> District | None:
        return self._districts.get(Role.REVIEWER)


def user_roles(user, *, administrator: bool | None = None) -> UserRoles:
    """The roles of `user`, kept on the user object: the one place role flags are attached to a user.
    `administrator` hands in the flag when it was loaded with the user (portal.accounts.backends loads it in the
    user's own query, administrator_flag), so asking costs no query of its own."""
    roles = getattr(user, "_roles", None)
    if roles is None:
        roles = user._roles = UserRoles(user)
    if administrator is not None:
        roles.__dict__["administrator"] = bool(administrator)  # the cached_property, already known
    return roles


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_administrator(user) -> bool:
    if not _active(user):
        return False
    return user.is_superuser or user_roles(user).administrator


def officer_district(user) -> District | None:
    """The district (or the city) a district officer keeps, or None."""
    return user_roles(user).officer if _active(user) else None


def reviewer_district(user) -> District | None:
    """The district (or the city) whose applications a reviewer decides, or None."""
    return user_roles(user).reviewer if _active(user) else None


def is_reviewer(user) -> bool:
    return is_administrator(user) or reviewer_district(user) is not None


def _programs_model(name: str):
    """A model of the programs app, through the app registry: districts sits below programs (programs' models point at
    districts'), so the scopes below name programs' models by label instead of importing them."""
    return apps.get_model("programs", name)


def programs_editable_by(user) -> QuerySet:
    Program = _programs_model("Program")
    if is_administrator(user):
        return Program.objects.all()
    district = officer_district(user)
    if district is None:
        return Program.objects.none()
    return Program.objects.filter(provider=district)


def offices_editable_by(user) -> QuerySet:
    """The offices an admin page lists for `user`: administrators, all; a district officer, their own district's."""
    if is_administrator(user):
        return Office.objects.all()
    district = officer_district(user)
    if district is None:
        return Office.objects.none()
    return Office.objects.filter(district=district)


def applications_reviewable_by(user) -> QuerySet:
    """The one way staff reach applications: a reviewer, those sent to their own district (or the city);
    administrators, all. Drafts are the resident's alone. Anything else looks exactly like a missing one."""
    Application = _programs_model("Application")
    if is_administrator(user):
        return applications_in_scope(None)
    district = reviewer_district(user)
    if district is None:
        return Application.objects.none()
    return applications_in_scope(district.pk)


def applications_in_scope(district_id) -> QuerySet:
    """The applications of one review scope: a district's (or the city's) by its id, or all of them (None). Only for
    a scope worked out from the user as applications_reviewable_by does (the queue, programs/review/queue/, keeps
    the id among its filter values)."""
    Application = _programs_model("Application")
    submitted = Application.objects.exclude(status__in=Application.PRIVATE)  # drafts: the workflow table's private
    return submitted if district_id is None else submitted.filter(district_id=district_id)


def administrator_flag():
    """An expression for User querysets: is the user in the administrators' group? (Loaded with the request's user
    by portal.accounts.backends.PortalBackend, so the role costs no query of its own.)"""
    memberships = get_user_model().groups.through.objects
    return Exists(memberships.filter(user_id=OuterRef("pk"), group__name=ADMINISTRATORS))


# One object, one rule: the admin asks these with the object it shows (or None: the list, an empty form).


def may_edit_program(user, program=None) -> bool:
    """Administrators: every program. A district officer: their own district's (or the city's)."""
    if is_administrator(user):
        return True
    district = officer_district(user)
    return district is not None and (program is None or program.provider_id == district.pk)


def may_edit_form(user, form=None) -> bool:
    """An online application form (and its questions and documents) goes with its program: administrators, every
    form; a district officer, the forms of their own district's (or the city's) programs."""
    if is_administrator(user):
        return True
    district = officer_district(user)
    return district is not None and (form is None or form.program.provider_id == district.pk)


def may_keep_reason_template(user, template=None) -> bool:
    """Administrators: every office's reason templates. A reviewer: their own office's."""
    if is_administrator(user):
        return True
    district = reviewer_district(user)
    return district is not None and (template is None or template.district_id == district.pk)


def may_edit_office(user, office=None) -> bool:
    """A district's offices (구청, 행정복지센터) go with the district: administrators, every district's; a district
    officer, their own district's (the city's officer, the city's)."""
    if is_administrator(user):
        return True
    district = officer_district(user)
    return district is not None and (office is None or office.district_id == district.pk)


def is_catalogue_staff(user) -> bool:
    """Those who record sources: administrators and district officers."""
    return is_administrator(user) or officer_district(user) is not None


# The admin, by declaration: each ModelAdmin names one rule (RoleAccess.access) and these answer its permission
# hooks: for each action, who may — a function of the user and the object shown (None: the list, an empty form; for
# an inline, the parent object). Nothing here is a Django permission: the roles' groups hold none (districts/roles.py).

Check = Callable[..., bool]


def _administrator(user, obj=None) -> bool:
    return is_administrator(user)


def _superuser(user, obj=None) -> bool:
    return bool(user.is_superuser)


def _nobody(user, obj=None) -> bool:
    return False


def _catalogue_staff(user, obj=None) -> bool:
    return is_catalogue_staff(user)


def _source_change(user, obj=None) -> bool:
    # Any officer opens the empty form (a new source); a source every fact citing it shares is changed by
    # administrators.
    return is_administrator(user) or (obj is None and is_catalogue_staff(user))


ADMIN_ACCESS: dict[str, dict[str, Check]] = {
    # Stages, districts, accounts: administrators keep them; deleting is a superuser's.
    "administrators": {"module": _administrator, "view": _administrator, "add": _administrator,
                       "change": _administrator, "delete": _superuser},
    # Role groups: administrators read them (who holds a role is an Assignment), superusers keep them.
    "groups": {"module": _administrator, "view": _administrator, "add": _superuser, "change": _superuser,
               "delete": _superuser},
    # Role assignments: granted and revoked only, both recorded; a change is a revocation plus a new grant.
    "assignments": {"module": _administrator, "view": _administrator, "add": _administrator, "change": _nobody,
                    "delete": _nobody},
    # Records of what happened (the access log, purge records, news announcements): read by administrators only.
    "records": {"module": _administrator, "view": _administrator, "add": _nobody, "change": _nobody,
                "delete": _nobody},
    # Sources: every officer records and reads them; administrators change and delete them.
    "sources": {"module": _catalogue_staff, "view": _catalogue_staff, "add": _catalogue_staff,
                "change": _source_change, "delete": _administrator},
    # Programs: their district's officer edits, imports and exports them; officers unpublish, administrators delete.
    "programs": {"module": may_edit_program, "view": may_edit_program, "add": may_edit_program,
                 "change": may_edit_program, "delete": _administrator, "import": may_edit_program,
                 "export": may_edit_program},
    # A program's rules, amounts and cases: whoever may edit the program, all of it.
    "program_parts": dict.fromkeys(["module", "view", "add", "change", "delete"], may_edit_program),
    # Online application forms, their questions and documents: whoever may edit the program they belong to.
    "application_forms": dict.fromkeys(["module", "view", "add", "change", "delete"], may_edit_form),
    # Offices and their contacts (구청, 행정복지센터): their district's officer keeps them; administrators delete them.
    "offices": {"module": may_edit_office, "view": may_edit_office, "add": may_edit_office,
                "change": may_edit_office, "delete": _administrator},
    # Reason templates: a reviewer's office keeps its own; administrators every office's (a decision keeps its own
    # copy of the words, so deleting one is safe).
    "reason_templates": dict.fromkeys(["module", "view", "add", "change", "delete"], may_keep_reason_template),
}  # fmt: skip


def admin_allows(access: str, action: str, user, obj=None) -> bool:
    """May `user` do `action` (module, view, add, change, delete; import, export) in an admin declared with `access`?
    An action a rule does not name is refused."""
    rule = ADMIN_ACCESS[access].get(action, _nobody)
    return rule(user, obj)
