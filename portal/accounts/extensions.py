"""What the apps above the accounts app add to its pages and to deleting an account.

The accounts app (User, consent, notifications) sits below programs: programs imports it (the applicant is a User,
applying needs consent, a move notifies the resident), so the accounts app cannot import programs back. What only
programs knows — the household facts in words, the applications an account holds — comes in through here: programs
registers its part once, from its AppConfig.ready() (programs/apps.py). With nothing registered the profile shows no
household summary and deleting an account finds nothing else to keep.

    household_summary(request, household)   the profile's saved household facts, as [{"label", "text", "url"}]
    records_held(user) -> Held               what other apps keep under the account (the deletion page counts it)
    records_release(user)                    delete what may go with the account, inside account_delete's
                                             transaction; what must be kept afterwards keeps the account (anonymised)
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Held:
    """Records an app keeps under an account: `removable` go with the account (drafts), `kept` must stay for the
    period the law sets (the account is then anonymised, not deleted)."""

    removable: int = 0
    kept: int = 0

    def __add__(self, other: "Held") -> "Held":
        return Held(self.removable + other.removable, self.kept + other.kept)


@dataclass(frozen=True)
class AccountRecords:
    """One app's records under an account: how many there are, and how to delete those that may go."""

    count: Callable[..., Held]  # (user) -> Held
    release: Callable[..., None]  # (user) -> None: deletes the removable ones (and their files after commit)


_household_summary: list[Callable] = []
_records: dict[str, AccountRecords] = {}


def register_household_summary(summary: Callable) -> None:
    """`summary(request, household: dict) -> list[dict]`: the saved household facts in words (one app says them)."""
    _household_summary[:] = [summary]


def register_records(label: str, records: AccountRecords) -> None:
    """An app's records under an account, by its app label (registering again replaces them)."""
    _records[label] = records


def household_summary(request, household: dict) -> list[dict] | None:
    if not household or not _household_summary:
        return None
    return _household_summary[0](request, household)


def records_held(user) -> Held:
    return sum((records.count(user) for records in _records.values()), Held())


def records_release(user) -> None:
    for records in _records.values():
        records.release(user)
