"""A form field with its label, help text and errors (templates/field.html) built in Python:

    {% load fields %}
    {% for field in form %}{{ field|field_html }}{% endfor %}

renders what `{% include "field.html" %}` renders, without a template include a field
(core.forms_renderer.field_html).
"""

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

from core import forms_renderer

register = template.Library()


@register.filter
def field_html(field: BoundField) -> SafeString:
    return forms_renderer.field_html(field)
