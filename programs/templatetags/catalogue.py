from django import template

from programs import presentation

register = template.Library()


@register.filter
def headline_amount(program):
    return presentation.headline_amount(program)


@register.simple_tag(takes_context=True)
def facet_href(context, name, value):
    """Link that sets (or, with an empty value, clears) the filter `name`."""
    return query_with(context, **{name: value})


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters changed (None or '' removes one); 'page' always resets
    unless given, so a new filter starts on page 1."""
    params = context["request"].GET.copy()
    if "page" not in changes:
        params.pop("page", None)
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def elided_pages(paginator, number):
    return paginator.get_elided_page_range(number, on_each_side=2, on_ends=1)
