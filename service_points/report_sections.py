"""The service positions' part of the monthly report (see core/report_registry.py)."""

import datetime

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.utils.translation import gettext_lazy as _

from core.periods import local_midnight
from core.report_registry import Metric, report_section
from grids.levels import level_path
from service_points.models import Booking, ServicePosition, Tier


@report_section(
    "service_positions",
    _("Service positions"),
    order=30,
    metrics=[
        Metric("centres", _("Party-mass service centres")),
        Metric("grid_positions", _("Grid service positions")),
        Metric("micro_sites", _("Micro-sites")),
        Metric("bookings", _("Room bookings")),
        Metric("booked_hours", _("Room hours booked"), unit="hours"),
    ],
)
def service_positions_section(*, level, start, end):
    """Positions in service (today's register) and the month's confirmed room bookings, per area.
    Two GROUP BY queries per level. Centres sit at community level, so grids count none."""
    result: dict = {}
    positions = (
        ServicePosition.objects.filter(is_active=True)
        .values(node=F(level_path(ServicePosition, level)))
        .annotate(
            centres=Count("id", filter=Q(tier=Tier.CENTRE)),
            grid_positions=Count("id", filter=Q(tier=Tier.GRID_POSITION)),
            micro_sites=Count("id", filter=Q(tier=Tier.MICRO_SITE)),
        )
    )
    for row in positions:
        node = row.pop("node")
        if node is not None:
            result[node] = row
    month_start, month_end = local_midnight(start), local_midnight(end)
    bookings = (
        Booking.objects.filter(
            status=Booking.Status.CONFIRMED, starts_at__gte=month_start, starts_at__lt=month_end
        )
        .values(node=F(level_path(Booking, level)))
        .annotate(
            bookings=Count("id"),
            booked=Sum(
                ExpressionWrapper(F("ends_at") - F("starts_at"), output_field=DurationField())
            ),
        )
    )
    for row in bookings:
        if row["node"] is None:
            continue
        entry = result.setdefault(row["node"], {})
        entry["bookings"] = row["bookings"]
        entry["booked_hours"] = round(
            (row["booked"] or datetime.timedelta()).total_seconds() / 3600, 1
        )
    return result
