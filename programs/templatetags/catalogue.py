from django import template
from django.template.loader import get_template
from django.utils.html import format_html_join
from django.utils.translation import get_language

from programs import presentation
from programs.models import forms
from programs.selectors import index_for

register = template.Library()


@register.filter
def headline_amount(program):
    return presentation.headline_amount(program)


@register.filter
def accepts_online_applications(program) -> bool:
    """Whether the program's page offers "apply online" here (the one rule: programs/models/forms.py)."""
    return forms.accepts_online_applications(program)


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


@register.simple_tag(takes_context=True)
def program_cards(context, programs):
    """The list cards of `programs` (cards from the catalogue index). A card depends only on its program, the
    language and the day, all fixed within one index, so each is rendered once per index and language."""
    index = index_for(context["request"])
    language = get_language()
    card = get_template("includes/program_card.html")
    html = []
    for program in programs:
        key = (language, program.pk)
        fragment = index.rendered_cards.get(key)
        if fragment is None:
            fragment = card.render({"program": program})
            if len(index.rendered_cards) < 20_000:
                index.rendered_cards[key] = fragment
        html.append(fragment)
    # Each fragment is the template engine's SafeString, so format_html keeps it as it is (anything else escaped).
    return format_html_join("", "{}", ((fragment,) for fragment in html))
