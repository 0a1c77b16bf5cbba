"""How stored answers read on a page, in the active language."""

import datetime

from django.utils.translation import gettext as _

from portal.i18n import in_english
from portal.templatetags.portal import kdate

from ..models import Application, Question

NOT_ANSWERED = "—"


def answer_text(kind: str, value, choices: list[str], choices_en: list[str]) -> str:
    if value in (None, ""):
        return NOT_ANSWERED
    if kind == Question.Kind.YES_NO:
        return _("예") if value == "yes" else _("아니요")
    if kind == Question.Kind.DATE:
        try:
            return kdate(datetime.date.fromisoformat(value))
        except (TypeError, ValueError):
            return str(value)
    if kind == Question.Kind.NUMBER:
        try:
            return f"{int(value):,}"
        except (TypeError, ValueError):
            return str(value)
    if kind == Question.Kind.CHOICE and in_english() and value in choices and len(choices_en) == len(choices):
        return choices_en[choices.index(value)]
    return str(value)


def snapshot_rows(snapshot: dict) -> list[dict]:
    """The submitted questions and answers, as they were asked."""
    english = in_english()
    rows = []
    for q in (snapshot or {}).get("questions", []):
        label = (q.get("label_en") if english else "") or q.get("label", "")
        value = answer_text(q.get("kind", ""), q.get("answer"), q.get("choices", []), q.get("choices_en", []))
        rows.append({"label": label, "value": value})
    return rows


def snapshot_proxy(snapshot: dict) -> dict | None:
    """The family member a 대리신청 was for, as the snapshot kept them, ready for a page: name, relationship and how
    and when they consented (in the active language). None when the applicant applied for themselves."""
    proxy = (snapshot or {}).get("proxy")
    if not proxy:
        return None
    relationship = proxy.get("relationship", "")
    method = proxy.get("consent_method", "")
    at = proxy.get("consent_at")
    try:
        consent_at = datetime.datetime.fromisoformat(at) if at else None
    except (TypeError, ValueError):
        consent_at = None
    return {
        "name": proxy.get("name", ""),
        "relationship": Application.Relationship(relationship).label
        if relationship in Application.Relationship.values
        else relationship,
        "method": Application.ConsentMethod(method).label if method in Application.ConsentMethod.values else method,
        "email": proxy.get("email", ""),
        "consent_at": consent_at,
    }
