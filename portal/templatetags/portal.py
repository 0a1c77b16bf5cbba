"""Formatting used on every page: money and dates come from here, never by hand."""

import datetime

from django import template
from django.utils import formats, timezone

from portal.i18n import in_english

register = template.Library()


@register.filter
def won(amount):
    """30000 -> '30,000원' (Korean) or '30,000 won' (English); None -> ''."""
    if amount is None or amount == "":
        return ""
    number = f"{int(amount):,}"
    return f"{number} won" if in_english() else f"{number}원"


@register.filter
def kdate(value):
    """A date as '2026. 11. 29.' (Korean) or 'Nov 29, 2026' (English)."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()  # the day in Seoul
    if in_english():
        return formats.date_format(value, "M j, Y")
    return f"{value.year}. {value.month}. {value.day}."


@register.filter
def get_item(mapping, key):
    return mapping.get(key, 0) if mapping else 0
