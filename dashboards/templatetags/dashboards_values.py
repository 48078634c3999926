"""{{ value|indicator_value:unit }}: an indicator as the dashboards show it ("—" when there is no
value, per cent for rates, hours, scores). A filter rather than an included template:
the overview's ranking table has a cell per grid and indicator, and an include per cell cost more
than the rest of the page."""

from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext

register = template.Library()


@register.filter
def indicator_value(value, unit):
    if value is None:
        return "—"
    if unit == "rate":
        return f"{floatformat(value, 1)}%"
    if unit == "hours":
        return gettext("%(h)s h") % {"h": floatformat(value, 1)}
    if unit == "score":
        return floatformat(value, 2)
    if unit == "per1000":
        return floatformat(value, 1)
    return str(value)
