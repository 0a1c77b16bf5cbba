"""The one write the screener makes: keeping a logged-in resident's answers in their profile, with consent."""

from django.db import transaction

from portal.accounts.consent import HOUSEHOLD_REUSE, consent_record


@transaction.atomic
def household_save(*, user, household: dict, consent: bool) -> None:
    """Keep `household` (Answers.to_dict()) on the user. `consent=True` records the optional consent first."""
    if consent:
        consent_record(user=user, answers={HOUSEHOLD_REUSE: True})
    user.household = household
    user.save(update_fields=["household"])
