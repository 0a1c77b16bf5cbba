"""Who may touch what: the one place that answers it. Every staff view and admin fetches through these."""

from django.db.models import QuerySet

from .models import Assignment, District, Role

ADMINISTRATORS = "administrator"
OFFICERS = "district_officer"
REVIEWERS = "reviewer"


def is_administrator(user) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_is_administrator", None)  # set with the user by portal.accounts.backends, or here
    if cached is None:
        cached = user._is_administrator = user.groups.filter(name=ADMINISTRATORS).exists()
    return cached


def _roles_load(user) -> None:
    """Both district roles of the user in one query (at most one active assignment per role: a constraint)."""
    if hasattr(user, "_officer_district") and hasattr(user, "_reviewer_district"):
        return
    found = {}
    for assignment in Assignment.objects.active().filter(user_id=user.pk).select_related("district"):
        found.setdefault(assignment.role, assignment.district)
    user._officer_district = found.get(Role.OFFICER)
    user._reviewer_district = found.get(Role.REVIEWER)


def officer_district(user) -> District | None:
    """The district (or the city) a district officer keeps, or None."""
    if not (user and user.is_authenticated and user.is_active):
        return None
    _roles_load(user)
    return user._officer_district


def programs_editable_by(user) -> QuerySet:
    from programs.models import Program

    if is_administrator(user):
        return Program.objects.all()
    district = officer_district(user)
    if district is None:
        return Program.objects.none()
    return Program.objects.filter(provider=district)


def reviewer_district(user) -> District | None:
    """The district (or the city) whose applications a reviewer decides, or None."""
    if not (user and user.is_authenticated and user.is_active):
        return None
    _roles_load(user)
    return user._reviewer_district


def applications_reviewable_by(user) -> QuerySet:
    """The one way staff reach applications: a reviewer, those sent to their own district (or the city);
    administrators, all. Drafts are the resident's alone. Anything else looks exactly like a missing one."""
    from programs.models import Application

    if is_administrator(user):
        return applications_in_scope(None)
    district = reviewer_district(user)
    if district is None:
        return Application.objects.none()
    return applications_in_scope(district.pk)


def applications_in_scope(district_id) -> QuerySet:
    """The applications of one review scope: a district's (or the city's) by its id, or all of them (None). Only for
    a scope worked out from the user as applications_reviewable_by does (the queue, programs/review/queue.py, keeps
    the id among its filter values)."""
    from programs.models import Application

    submitted = Application.objects.exclude(status=Application.Status.DRAFT)
    return submitted if district_id is None else submitted.filter(district_id=district_id)


def administrator_flag():
    """An expression for User querysets: is the user in the administrators' group? (Loaded with the request's user
    by portal.accounts.backends.PortalBackend, so the role costs no query of its own.)"""
    from django.db.models import Exists, OuterRef

    from portal.models import User

    return Exists(User.groups.through.objects.filter(user_id=OuterRef("pk"), group__name=ADMINISTRATORS))


def is_reviewer(user) -> bool:
    return is_administrator(user) or reviewer_district(user) is not None
