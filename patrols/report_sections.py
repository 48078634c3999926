"""Grid patrols' part of the monthly report (see core/report_registry.py): patrols, check-ins and
findings by kind and by how they ended, per area, for the month."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from core.hierarchy import AREA_LEVELS
from core.periods import local_midnight
from core.report_registry import Metric, report_section_by_levels
from grids.levels import grouped_by_level, merge_levels
from patrols.models import CheckIn, Finding, Patrol

KIND_METRICS = [Metric(f"findings_{kind}", label) for kind, label in Finding.Kind.choices]


@report_section_by_levels(
    "patrols",
    _("Grid patrols"),
    order=20,
    metrics=[
        Metric("patrols", _("Patrols")),
        Metric("check_ins", _("Check-ins at key places")),
        Metric("places_checked", _("Key places checked in at")),
        Metric("findings", _("Findings")),
        Metric("findings_self_handled", _("Findings handled on the spot")),
        Metric("findings_reported", _("Findings reported as requests")),
        Metric("findings_open", _("Findings not yet decided")),
        *KIND_METRICS,
    ],
)
def patrols_figures(*, start, end, levels=AREA_LEVELS) -> dict[str, dict[int, dict]]:
    """Patrols started, check-ins (and distinct key places) and findings recorded in the month,
    findings counted by kind and by outcome (Finding.Outcome: handled on the spot, reported as a
    request, still open), per area of each of `levels`: {level: {node_id: metrics}}. Three
    queries (grids.levels.grouped_by_level: all levels at once where the database can)."""
    since, until = local_midnight(start), local_midnight(end)
    parts = [
        grouped_by_level(
            Patrol.objects.filter(started_at__gte=since, started_at__lt=until),
            Patrol,
            levels,
            patrols=Count("id"),
        ),
        grouped_by_level(
            CheckIn.objects.filter(at__gte=since, at__lt=until),
            CheckIn,
            levels,
            check_ins=Count("id"),
            places_checked=Count("key_place", distinct=True),
        ),
        grouped_by_level(
            Finding.objects.filter(created_at__gte=since, created_at__lt=until),
            Finding,
            levels,
            findings=Count("id"),
            findings_self_handled=Count("id", filter=Q(outcome=Finding.Outcome.SELF_HANDLED)),
            findings_reported=Count("id", filter=Q(outcome=Finding.Outcome.REPORTED)),
            findings_open=Count("id", filter=Q(outcome=Finding.Outcome.OPEN)),
            **{
                f"findings_{kind}": Count("id", filter=Q(kind=kind)) for kind in Finding.Kind.values
            },
        ),
    ]
    return merge_levels(levels, *parts)
