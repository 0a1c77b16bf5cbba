"""The base templates' context the roles give: the header's work links for staff."""

from django.utils.functional import SimpleLazyObject

from .access import is_administrator, is_reviewer, officer_district


def staff_menu(request):
    """The review queue (reviewers, administrators) and the officer's list. Worked out only when a staff member's
    page shows them."""

    def links() -> dict:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_staff:
            return {}
        return {"review": is_reviewer(user), "programs": is_administrator(user) or officer_district(user) is not None}

    return {"staff_menu": SimpleLazyObject(links)}
