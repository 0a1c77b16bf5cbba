"""Korean first: a translated field falls back to Korean when the English text is empty."""

from django.utils.translation import get_language


def in_english() -> bool:
    """Whether the active language is English (/en/...); Korean otherwise, also when none is active."""
    return (get_language() or "ko").startswith("en")


def localized(obj, field: str) -> str:
    if in_english():
        value = getattr(obj, f"{field}_en", "")
        if value:
            return value
    return getattr(obj, field)


class Localized:
    """Mixin: `obj.tr.title` is the title in the active language, falling back to Korean."""

    @property
    def tr(self):
        return _Translated(self)


class _Translated:
    __slots__ = ("_obj",)

    def __init__(self, obj):
        self._obj = obj

    def __getattr__(self, field):
        return localized(self._obj, field)
