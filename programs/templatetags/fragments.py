"""{% kept "name" value ... [with hole ...] %}...{% endkept %}: a piece of the page chrome rendered once per process,
catalogue revision, language and the values named, then reused (the footer, the stage navigation, the account bar).

Every logged-in page renders the same header and footer; through the template engine they cost about as much as the
page itself (benchmarks/queue.py). What is kept lives on the per-revision catalogue index (programs/index.py), so a
change to the catalogue — a district's address, a stage's name — replaces it at once, on every server, like the index.
Never keep what differs between requests beyond the values named: no CSRF token, no path, nothing personal.

What does differ per request goes in a *hole*: `with csrf_token here` renders the fragment once with a random marker
for each of those context variables, and every request puts its own value (escaped, as `{{ }}` would) where the
marker was. A hole must be printed as it is (`{{ here }}`, `{% csrf_token %}`): a marker that does not come out
unchanged is an error, not a silently stale page.
"""

import secrets

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from ..selectors import index_for

register = template.Library()
MAX_KEPT = 2000  # the values named are few (language, flags, a small count); a bound all the same


class KeptNode(template.Node):
    def __init__(self, nodelist, name: str, values: list, holes: list[str]):
        self.nodelist, self.name, self.values, self.holes = nodelist, name, values, holes

    def render(self, context):
        request = context.get("request")
        if request is None:
            return self.nodelist.render(context)
        index = index_for(request)
        kept = index.__dict__.setdefault("kept_fragments", {})
        key = (self.name, get_language(), *(value.resolve(context) for value in self.values))
        entry = kept.get(key)
        if entry is None:
            entry = self._render_once(context)
            if len(kept) < MAX_KEPT:
                kept[key] = entry
        html, markers = entry
        for hole, marker in markers:
            html = html.replace(marker, conditional_escape(context.get(hole, "")))
        return mark_safe(html)  # noqa: S308 (the template's own output, each hole escaped)  # nosec B308 B703

    def _render_once(self, context) -> tuple[str, tuple]:
        markers = tuple((hole, f"kept{secrets.token_hex(8)}") for hole in self.holes)  # letters and digits only
        with context.push(dict(markers)):
            html = self.nodelist.render(context)
        for hole, marker in markers:
            if marker not in html:
                message = f"{{% kept %}} {self.name!r}: the hole {hole!r} is not printed as is"
                raise template.TemplateSyntaxError(message)
        return str(html), markers


@register.tag
def kept(parser, token):
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'" or bits[1][-1] != bits[1][0]:
        raise template.TemplateSyntaxError('{% kept "name" value ... [with hole ...] %} needs a quoted name')
    values, holes = bits[2:], []
    if "with" in values:
        at = values.index("with")
        values, holes = values[:at], values[at + 1 :]
        if not holes:
            raise template.TemplateSyntaxError("{% kept ... with %} names no hole")
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptNode(nodelist, bits[1][1:-1], [parser.compile_filter(bit) for bit in values], holes)
