"""The service positions' part of the monthly report (see core/report_registry.py)."""

import datetime

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.utils.translation import gettext_lazy as _

from core.hierarchy import AREA_LEVELS
from core.periods import local_midnight
from core.report_registry import Metric, report_section_by_levels
from grids.levels import grouped_by_level, merge_levels
from service_points.models import Booking, ServicePosition, Tier


@report_section_by_levels(
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
def service_positions_figures(*, start, end, levels=AREA_LEVELS) -> dict[str, dict[int, dict]]:
    """Positions in service (today's register) and the month's confirmed room bookings, per area
    of each of `levels`: {level: {node_id: metrics}}. Two queries (grids.levels.grouped_by_level:
    all levels at once where the database can). Centres sit at community level, so grids count
    none."""
    month_start, month_end = local_midnight(start), local_midnight(end)
    result = merge_levels(
        levels,
        grouped_by_level(
            ServicePosition.objects.filter(is_active=True),
            ServicePosition,
            levels,
            centres=Count("id", filter=Q(tier=Tier.CENTRE)),
            grid_positions=Count("id", filter=Q(tier=Tier.GRID_POSITION)),
            micro_sites=Count("id", filter=Q(tier=Tier.MICRO_SITE)),
        ),
        grouped_by_level(
            Booking.objects.filter(
                status=Booking.Status.CONFIRMED,
                starts_at__gte=month_start,
                starts_at__lt=month_end,
            ),
            Booking,
            levels,
            bookings=Count("id"),
            booked=Sum(
                ExpressionWrapper(F("ends_at") - F("starts_at"), output_field=DurationField())
            ),
        ),
    )
    for nodes in result.values():
        for figures in nodes.values():
            if "booked" in figures:
                booked = figures.pop("booked") or datetime.timedelta()
                figures["booked_hours"] = round(booked.total_seconds() / 3600, 1)
    return result
