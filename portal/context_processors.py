"""The base templates' context that belongs to the project itself: this page in the other language. The apps add
their own (programs.context_processors: the catalogue's navigation; districts.context_processors: the staff's work
links; portal.accounts.context_processors: the session clock and the unread count); this module imports no app."""

from django.urls import NoReverseMatch, reverse, translate_url
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language, override


def site(request):
    """The URL of this page in the other language, and the hreflang links."""
    other = "en" if (get_language() or "ko") == "ko" else "ko"
    return {
        "other_language": other,
        "other_language_url": SimpleLazyObject(lambda: _in_language(request, other)),
        "alternate_links": SimpleLazyObject(lambda: _alternates(request, other)),
    }


def _alternates(request, other: str) -> list[tuple[str, str]]:
    """The <link rel="alternate" hreflang> pairs of this page: both languages (each page names itself too) and
    x-default (Korean, the site's language), as absolute URLs, which is what hreflang requires."""
    here = request.build_absolute_uri(request.get_full_path())
    there = request.build_absolute_uri(_in_language(request, other))
    urls = {other: there, ("en" if other == "ko" else "ko"): here}
    return [("ko", urls["ko"]), ("en", urls["en"]), ("x-default", urls["ko"])]


def _in_language(request, language: str) -> str:
    """This page's URL in the other language: Django's translate_url, without resolving the path again (the request
    was resolved already)."""
    full_path = request.get_full_path()
    match = getattr(request, "resolver_match", None)
    if match is None or not match.url_name:
        return translate_url(full_path, language)
    _path, mark, query = full_path.partition("?")
    with override(language):
        try:
            url = reverse(f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name,
                          args=match.args, kwargs=match.kwargs)  # fmt: skip
        except NoReverseMatch:
            return full_path
    return url + mark + query
