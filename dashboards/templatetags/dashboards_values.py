"""{{ value|indicator_value:unit }}: an indicator as the dashboards show it ("—" when there is no
value, per cent for rates, hours, scores). A filter rather than an included template:
the overview's ranking table has a cell per grid and indicator, and an include per cell cost more
than the rest of the page."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.conf import settings
from django.template.defaultfilters import floatformat
from django.utils.formats import get_format
from django.utils.translation import gettext

register = template.Library()

_QUANTUM = {1: Decimal("0.1"), 2: Decimal("0.01")}


def fixed(value, places: int) -> str:
    """floatformat(value, places) (1 or 2 places): the same text, computed the same way (the
    value's str() as a Decimal, rounded half up, no sign on a zero, the language's decimal
    separator), for ints, floats and Decimals between -1,000 and 1,000 (which no grouping
    separates); Django's floatformat for anything else. The overview's ranking table has hundreds
    of cells, and floatformat's generality cost more than the rest of a cell."""
    kind = type(value)
    quick = kind is int or kind is float or (kind is Decimal and value.is_finite())
    if quick and -1000 < value < 1000 and not settings.USE_THOUSAND_SEPARATOR:
        rounded = Decimal(str(value)).quantize(_QUANTUM[places], ROUND_HALF_UP)
        text = f"{rounded if rounded else rounded.copy_abs():f}"
        separator = get_format("DECIMAL_SEPARATOR")
        return text if separator == "." else text.replace(".", separator)
    return floatformat(value, places)


@register.filter
def indicator_value(value, unit):
    if value is None:
        return "—"
    if unit == "rate":
        return f"{fixed(value, 1)}%"
    if unit == "hours":
        return gettext("%(h)s h") % {"h": fixed(value, 1)}
    if unit == "score":
        return fixed(value, 2)
    if unit == "per1000":
        return fixed(value, 1)
    return str(value)
