"""Answers a form can start from: the household facts a resident chose to keep (the screener's answers).
Only questions whose key names a known fact are filled; the resident sees and can change every one."""

from ..screener.answers import Answers


def prefill(household: dict) -> dict:
    """Initial answers by question key, from the kept household facts (empty when there are none)."""
    if not household:
        return {}
    answers = Answers.from_dict(household)
    found: dict = {}
    births = answers.births()  # the newest birth (or the expected one) first
    if births:
        newest = births[0]
        found["child_birth_date"] = newest.birth_date.isoformat()
        if newest.birth_order:
            found["birth_order"] = newest.birth_order
    if answers.housing_benefit is not None:
        found["housing_benefit"] = "yes" if answers.housing_benefit else "no"
    return found
