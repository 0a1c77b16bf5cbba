"""The one way to a kept document: the signed-in resident's own. Anybody else's looks exactly like a missing one."""

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from ..models import KeptDocument


def kept_of(user) -> QuerySet:
    if not (user and user.is_authenticated):
        return KeptDocument.objects.none()
    return KeptDocument.objects.filter(owner=user)


def kept_or_404(user, public_id) -> KeptDocument:
    return get_object_or_404(kept_of(user), public_id=public_id)


def kept_list(user) -> list[KeptDocument]:
    """The locker's page: each document with how many times it was attached (one query)."""
    return list(kept_of(user).annotate(use_count=Count("uses")))


def offers(kept: list[KeptDocument], requirements, today) -> dict[int, dict]:
    """For each required document (by pk): the kept documents that may be attached, and those issued too long ago
    for it (shown as such, never offered)."""
    return {
        r.pk: {
            "usable": [k for k in kept if k.usable_for(r, today)],
            "too_old": [k for k in kept if not k.usable_for(r, today)],
        }
        for r in requirements
    }
