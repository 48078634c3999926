"""Template filters of the service positions' pages."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def distance(metres) -> str:
    """A distance in metres as people read it: "850 m" under a kilometre, "1.5 km" above
    (metres were printed as kilometres: "1545.2公里" for about 1.5 km)."""
    if metres is None:
        return ""
    metres = round(float(metres))
    if metres < 1000:
        return _("%(m)s m") % {"m": number_format(metres)}
    # Rounded here: number_format cuts decimals off (5360 m would read 5.3 km).
    km = (Decimal(metres) / 1000).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return _("%(km)s km") % {"km": number_format(km, decimal_pos=1)}
