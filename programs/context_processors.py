"""The base templates' context the catalogue gives: its stages and districts for the navigation (lazily: a page that
does not show them reads nothing)."""

from django.utils.functional import SimpleLazyObject

from .selectors import catalogue_nav


def catalogue(request):
    return {"nav": SimpleLazyObject(lambda: catalogue_nav(request))}
