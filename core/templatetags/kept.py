"""Template fragments that depend on the language alone, rendered once per language and process:

    {% load kept %}
    {% per_language %}<link rel="stylesheet" href="{% static 'css/site.css' %}">{% end_per_language %}

The enclosed part may use translations, `{% static %}` and `{% url %}` without arguments — never
a variable of the page (it would be the first page's, kept for everyone): rendering it with any
variable fails loudly. Each `{% url %}` and `{% static %}` is a dictionary walk of about twenty
microseconds, and a layout has many (issue 17). A changed template is a new node: kept anew.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import Node, NodeList, Parser, Token
from django.template.context import Context
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()


class _NoVariables(Context):
    """The context a kept part renders in: no variable of the page."""

    def __getitem__(self, key: int | str | Node) -> Any:
        raise RuntimeError(f"{{% per_language %}} may not read the page's variable {key!r}")

    def get(self, key: int | str | Node, otherwise: Any = None) -> Any:
        return self[key]

    def __contains__(self, key: object) -> bool:
        return False


class PerLanguageNode(Node):
    def __init__(self, nodelist: NodeList):
        self.nodelist = nodelist
        self.kept: dict[tuple[Any, ...], SafeString] = {}

    def render(self, context: Context) -> SafeString:
        # `{% url %}` reverses within the page's application namespace: part of the key.
        request = getattr(context, "request", None)
        match = getattr(request, "resolver_match", None)
        key = (
            get_language(),
            getattr(request, "current_app", None),
            getattr(match, "namespace", None),
        )
        html = self.kept.get(key)
        if html is None:
            isolated = _NoVariables(autoescape=context.autoescape)
            isolated.template = context.template
            isolated.render_context = context.render_context
            isolated.request = request  # type: ignore[attr-defined]
            html = self.kept[key] = mark_safe(self.nodelist.render(isolated))
        return html


@register.tag
def per_language(parser: Parser, token: Token) -> PerLanguageNode:
    nodelist = parser.parse(("end_per_language",))
    parser.delete_first_token()
    return PerLanguageNode(nodelist)
