"""Lists in a sentence, in the page's language (core.texts): Chinese 、 and ；, English ", " and
"; ". Instead of separators typed into templates:

    {% load lists %}
    {{ members|join_list }}                      a、b、c
    {% for x in xs %}{{ x }}{% if not forloop.last %}{% list_separator %}{% endif %}{% endfor %}
"""

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from core import texts

register = template.Library()


@register.filter(needs_autoescape=True)
def join_list(items: Iterable[Any], autoescape: bool = True) -> SafeString:
    escape = conditional_escape if autoescape else str
    return mark_safe(escape(texts.list_separator()).join(escape(item) for item in items))


@register.filter(needs_autoescape=True)
def join_clauses(items: Iterable[Any], autoescape: bool = True) -> SafeString:
    escape = conditional_escape if autoescape else str
    return mark_safe(escape(texts.clause_separator()).join(escape(item) for item in items))


@register.simple_tag
def list_separator() -> str:
    return texts.list_separator()


@register.simple_tag
def clause_separator() -> str:
    return texts.clause_separator()
