"""{% kept "name" value ... %}...{% endkept %}: a piece of the page chrome rendered once per process, catalogue
revision, language and the values named, then reused (the footer, the stage navigation, the account menu's links).

Every logged-in page renders the same header and footer; through the template engine they cost about as much as the
page itself (benchmarks/queue.py). What is kept lives on the per-revision catalogue index (programs/index.py), so a
change to the catalogue — a district's address, a stage's name — replaces it at once, on every server, like the index.
Never keep what differs between requests beyond the values named: no CSRF token, no path, nothing personal.
"""

from django import template
from django.utils.translation import get_language

from ..selectors import index_for

register = template.Library()
MAX_KEPT = 2000  # the values named are few (language, flags, a small count); a bound all the same


class KeptNode(template.Node):
    def __init__(self, nodelist, name: str, values: list):
        self.nodelist, self.name, self.values = nodelist, name, values

    def render(self, context):
        request = context.get("request")
        if request is None:
            return self.nodelist.render(context)
        index = index_for(request)
        kept = index.__dict__.setdefault("kept_fragments", {})
        key = (self.name, get_language(), *(value.resolve(context) for value in self.values))
        html = kept.get(key)
        if html is None:
            html = self.nodelist.render(context)
            if len(kept) < MAX_KEPT:
                kept[key] = html
        return html


@register.tag
def kept(parser, token):
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'" or bits[1][-1] != bits[1][0]:
        raise template.TemplateSyntaxError('{% kept "name" value ... %} needs a quoted name')
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptNode(nodelist, bits[1][1:-1], [parser.compile_filter(bit) for bit in bits[2:]])
