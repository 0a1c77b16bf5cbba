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
    cached = getattr(user, "_is_administrator", None)
    if cached is None:
        cached = user._is_administrator = user.groups.filter(name=ADMINISTRATORS).exists()
    return cached


def officer_district(user) -> District | None:
    """The district (or the city) a district officer keeps, or None."""
    if not (user and user.is_authenticated and user.is_active):
        return None
    if not hasattr(user, "_officer_district"):
        assignment = Assignment.objects.active().filter(user=user, role=Role.OFFICER).select_related("district").first()
        user._officer_district = assignment.district if assignment else None
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
    if not hasattr(user, "_reviewer_district"):
        assignment = (
            Assignment.objects.active().filter(user=user, role=Role.REVIEWER).select_related("district").first()
        )
        user._reviewer_district = assignment.district if assignment else None
    return user._reviewer_district


def applications_reviewable_by(user) -> QuerySet:
    """The one way staff reach applications: a reviewer, those sent to their own district (or the city);
    administrators, all. Drafts are the resident's alone. Anything else looks exactly like a missing one."""
    from programs.models import Application

    submitted = Application.objects.exclude(status=Application.Status.DRAFT)
    if is_administrator(user):
        return submitted
    district = reviewer_district(user)
    if district is None:
        return Application.objects.none()
    return submitted.filter(district=district)


def is_reviewer(user) -> bool:
    return is_administrator(user) or reviewer_district(user) is not None
