"""{% kept "name" [key ...] [name=value ...] [with hole ...] %}...{% endkept %}: a piece of the page chrome rendered
once per process, catalogue revision, language and the values given, then reused (the footer, the stage navigation,
the account bar).

Every logged-in page renders the same header and footer; through the template engine they cost about as much as the
page itself (benchmarks/queue.py). What is kept lives on the per-revision catalogue index (programs/index.py), so a
change to the catalogue — a district's address, a stage's name — replaces it at once, on every server, like the index.

A kept block cannot show one visitor what belongs to another: its body is rendered in a context of its own that holds
only the values it names (`name=value`) and its holes — nothing of the page's context, no `user`, no `request`. A
stray `{{ user.email }}` inside renders empty for everybody. The key is the block's name, the language, the bare key
values and the named values, so whatever the body can print is part of the key.

What does differ per request goes in a *hole*: `with csrf_token here` renders the fragment once with a random marker
for each of those context variables, and every request puts its own value (escaped, as `{{ }}` would) where the
marker was. A hole must be printed as it is (`{{ here }}`, `{% csrf_token %}`): a marker that does not come out
unchanged is an error, not a silently stale page.
"""

import re
import secrets
from collections.abc import ItemsView, KeysView, Mapping, Set, ValuesView

from django import template
from django.utils.functional import Promise
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from ..selectors import index_for

register = template.Library()
MAX_KEPT = 2000  # the values named are few (language, flags, a small count); a bound all the same
NAMED = re.compile(r"^([A-Za-z_]\w*)=(.+)$")


def _frozen(value):
    """A value as part of a dictionary key: sequences and mappings as tuples, sets as frozensets, lazy translations as
    the text they give now. Anything else must be hashable itself (a model instance, a number, a string)."""
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, Mapping):
        return tuple(sorted((str(k), _frozen(v)) for k, v in value.items()))
    if isinstance(value, Set):
        return frozenset(_frozen(v) for v in value)
    if isinstance(value, list | tuple | ItemsView | KeysView | ValuesView):
        return tuple(_frozen(v) for v in value)
    return value


class KeptNode(template.Node):
    def __init__(self, nodelist, name: str, keys: list, named: dict, holes: list[str]):
        self.nodelist, self.name, self.keys, self.named, self.holes = nodelist, name, keys, named, holes

    def render(self, context):
        named = {name: value.resolve(context) for name, value in self.named.items()}
        request = context.get("request")
        if request is None:  # outside a request: nothing to keep it on; the same isolation all the same
            return self.nodelist.render(context.new({**named, **{hole: context.get(hole, "") for hole in self.holes}}))
        index = index_for(request)
        kept = index.__dict__.setdefault("kept_fragments", {})
        key = (self.name, get_language(), *(_frozen(k.resolve(context)) for k in self.keys), _frozen(named))
        entry = kept.get(key)
        if entry is None:
            entry = self._render_once(context, named)
            if len(kept) < MAX_KEPT:
                kept[key] = entry
        html, markers = entry
        for hole, marker in markers:
            html = html.replace(marker, conditional_escape(context.get(hole, "")))
        return mark_safe(html)  # noqa: S308 (the template's own output, each hole escaped)  # nosec B308 B703

    def _render_once(self, context, named: dict) -> tuple[str, tuple]:
        markers = tuple((hole, f"kept{secrets.token_hex(8)}") for hole in self.holes)  # letters and digits only
        html = self.nodelist.render(context.new({**named, **dict(markers)}))  # only what it names, and its holes
        for hole, marker in markers:
            if marker not in html:
                message = f"{{% kept %}} {self.name!r}: the hole {hole!r} is not printed as is"
                raise template.TemplateSyntaxError(message)
        return str(html), markers


@register.tag
def kept(parser, token):
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'" or bits[1][-1] != bits[1][0]:
        raise template.TemplateSyntaxError('{% kept "name" key ... name=value ... [with hole ...] %}: a quoted name')
    values, holes = bits[2:], []
    if "with" in values:
        at = values.index("with")
        values, holes = values[:at], values[at + 1 :]
        if not holes:
            raise template.TemplateSyntaxError("{% kept ... with %} names no hole")
    keys, named = [], {}
    for bit in values:
        match = NAMED.match(bit)
        if match:
            named[match.group(1)] = parser.compile_filter(match.group(2))
        else:
            keys.append(parser.compile_filter(bit))
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptNode(nodelist, bits[1][1:-1], keys, named, holes)
