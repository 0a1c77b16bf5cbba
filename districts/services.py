"""Granting and revoking staff roles. Every grant and revocation is recorded on its Assignment row and kept."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .access import ADMINISTRATORS, OFFICERS, REVIEWERS
from .models import Assignment, District, Role
from .roles import role_group

GROUP_FOR_ROLE = {Role.OFFICER: OFFICERS, Role.REVIEWER: REVIEWERS}


@transaction.atomic
def assignment_grant(*, user, role: str, district: District, by=None, via: str = Assignment.Via.ADMIN) -> Assignment:
    """Give `user` the `role` in `district`, replacing (and recording the end of) an earlier one of the same role."""
    if not user.is_active:
        raise ValidationError("inactive users cannot be assigned")
    current = Assignment.objects.select_for_update().active().filter(user=user, role=role).first()
    if current and current.district_id == district.pk:
        return current
    if current:
        _revoke(current, by=by, via=via)
    assignment = Assignment.objects.create(user=user, role=role, district=district, granted_by=by, granted_via=via)
    user.groups.add(role_group(GROUP_FOR_ROLE[role]))
    if not user.is_staff:
        user.is_staff = True  # the workspace is the admin
        user.save(update_fields=["is_staff"])
    return assignment


@transaction.atomic
def assignment_revoke(*, assignment: Assignment, by=None, via: str = Assignment.Via.ADMIN) -> Assignment:
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.revoked_at is None:
        _revoke(assignment, by=by, via=via)
        user = assignment.user
        user.groups.remove(role_group(GROUP_FOR_ROLE[assignment.role]))
        # The last role gone, the workspace goes too: is_staff was set by the grant, not by anyone's decision.
        staff_still = Assignment.objects.active().filter(user=user).exists()
        if user.is_staff and not (staff_still or user.is_superuser or user.groups.filter(name=ADMINISTRATORS).exists()):
            user.is_staff = False
            user.save(update_fields=["is_staff"])
    return assignment


def _revoke(assignment: Assignment, *, by, via):
    assignment.revoked_at = timezone.now()
    assignment.revoked_by = by
    assignment.revoked_via = via
    assignment.save(update_fields=["revoked_at", "revoked_by", "revoked_via"])
