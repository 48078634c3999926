"""Household pairing's part of the monthly report (see core/report_registry.py): visits done against
visits due, per area. Counts only: no household or person is named in a report."""

import datetime

from django.db.models import Count, DateField, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext_lazy as _

from care.models import Household, Pairing, Visit
from care.selectors import _days, frequency_subquery
from core.hierarchy import AREA_LEVELS
from core.report_registry import Metric, report_section_by_levels
from grids.levels import grouped_by_level, merge_levels


def households_due_in(start: datetime.date, end: datetime.date):
    """Households paired during [start, end) whose visit fell due by the month's end, as the
    schedule stood when the month began: the frequency of care.selectors.frequency_subquery
    counted from the last visit before the month (else from the household's registration), the
    same rule as care.selectors.with_visit_schedule, frozen at the month's start so that a month
    reads the same however late its report is generated. Annotated `visited`: visited at least
    once in the month."""
    paired = Pairing.objects.in_force_during(start, end).filter(household=OuterRef("pk"))
    last_before = (
        Visit.objects.filter(household=OuterRef("pk"), visited_on__lt=start)
        .order_by("-visited_on")
        .values("visited_on")[:1]
    )
    in_month = Visit.objects.filter(
        household=OuterRef("pk"), visited_on__gte=start, visited_on__lt=end
    )
    return (
        Household.objects.filter(Exists(paired), registered_on__lt=end)
        .annotate(
            frequency_days=frequency_subquery(),
            last_before=Subquery(last_before, output_field=DateField()),
        )
        .annotate(
            due_on=Cast(
                Coalesce("last_before", "registered_on") + _days(F("frequency_days")),
                output_field=DateField(),
            )
        )
        .filter(due_on__lt=end)
        .annotate(visited=Exists(in_month))
    )


@report_section_by_levels(
    "care",
    _("Household visits"),
    order=25,
    metrics=[
        Metric("visits", _("Visits recorded")),
        Metric("follow_up_visits", _("Follow-up visits")),
        Metric("households_due", _("Households due a visit")),
        Metric("households_due_visited", _("Of these, visited in the month")),
        Metric("due_visited_rate", _("Share of due households visited"), unit="rate"),
    ],
)
def care_figures(*, start, end, levels=AREA_LEVELS) -> dict[str, dict[int, dict]]:
    """Visits recorded in the month, and the households due a visit by the month's end
    (households_due_in) with how many of them were visited, per area of each of `levels`:
    {level: {node_id: metrics}}. Two queries (grids.levels.grouped_by_level: all levels at
    once where the database can); the rate is each area's own visited / due counts."""
    parts = [
        grouped_by_level(
            Visit.objects.filter(visited_on__gte=start, visited_on__lt=end),
            Visit,
            levels,
            visits=Count("id"),
            follow_up_visits=Count("id", filter=Q(kind=Visit.Kind.FOLLOW_UP)),
        ),
        grouped_by_level(
            households_due_in(start, end),
            Household,
            levels,
            households_due=Count("id"),
            households_due_visited=Count("id", filter=Q(visited=True)),
        ),
    ]
    result = merge_levels(levels, *parts)
    for nodes in result.values():
        for figures in nodes.values():
            due_count = figures.get("households_due", 0)
            figures["due_visited_rate"] = (
                figures.get("households_due_visited", 0) / due_count if due_count else None
            )
    return result
