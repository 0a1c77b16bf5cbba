"""The saved plan's writes: the last look (for "what changed"), the reminder settings, a program's reminders off,
the private calendar feed's token. The reminders themselves: reminders.py."""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from programs.models import PlanChangeNotice, PlanMute, PlanReminder, PlanState, Program

from .selectors import Entry


def _state(user) -> PlanState:
    state, _created = PlanState.objects.get_or_create(user=user)
    return state


@transaction.atomic
def plan_look_record(*, user, entries: list[Entry], language: str, now=None) -> None:
    """Remember what the plan held now, so that the next look says what changed since. The language the plan was
    read in is the reminders' language."""
    state = _state(user)
    state.seen = [e.fingerprint() for e in entries]
    state.seen_at = now or timezone.now()
    state.language = language
    state.save(update_fields=["seen", "seen_at", "language"])


@transaction.atomic
def plan_settings_update(*, user, reminder_days: int, language: str) -> PlanState:
    state = _state(user)
    state.reminder_days = reminder_days
    state.language = language
    state.full_clean(exclude=["user"])
    state.save(update_fields=["reminder_days", "language"])
    return state


@transaction.atomic
def plan_reminders_set(*, user, program: Program, on: bool) -> None:
    """Turn one program's reminders on or off (the plan keeps listing it either way)."""
    if on:
        PlanMute.objects.filter(user=user, program=program).delete()
    else:
        PlanMute.objects.get_or_create(user=user, program=program)


@transaction.atomic
def plan_feed_renew(*, user) -> str:
    """A new private calendar-feed token; the old one stops working at once. Only its SHA-256 is stored, so the
    token is returned to be shown once."""
    token = secrets.token_urlsafe(32)
    state = _state(user)
    state.feed_token_hash = hashlib.sha256(token.encode()).hexdigest()
    state.feed_created_at = timezone.now()
    state.save(update_fields=["feed_token_hash", "feed_created_at"])
    return token


@transaction.atomic
def plan_feed_revoke(*, user) -> None:
    PlanState.objects.filter(user=user).update(feed_token_hash=None, feed_created_at=None)


def plan_forget(*, user) -> None:
    """Drop what the plan remembers of a household that is no longer kept (withdrawn consent, cleared household,
    an account anonymised): the last look's fingerprint holds dates counted from the births. The settings stay."""
    PlanState.objects.filter(user=user).exclude(seen=[]).update(seen=[], seen_at=None)


def plan_records_release(user) -> None:
    """With the account (portal.accounts.extensions): everything the plan keeps under it (the notices of rule
    changes too; the changes themselves are the programs', not the resident's)."""
    PlanState.objects.filter(user=user).delete()
    PlanMute.objects.filter(user=user).delete()
    PlanReminder.objects.filter(user=user).delete()
    PlanChangeNotice.objects.filter(user=user).delete()
