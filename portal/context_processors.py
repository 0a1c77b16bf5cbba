from django.urls import translate_url
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from programs.selectors import catalogue_nav


def site(request):
    """The catalogue's stages and districts (lazily: pages that do not show them read nothing) and the URL of
    this page in the other language."""
    other = "en" if (get_language() or "ko") == "ko" else "ko"
    return {
        "nav": SimpleLazyObject(lambda: catalogue_nav(request)),
        "other_language": other,
        "other_language_url": SimpleLazyObject(lambda: translate_url(request.get_full_path(), other)),
    }
