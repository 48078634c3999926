"""Grid patrols' part of the monthly report (see reports/registry.py): patrols, check-ins and
findings by kind and by how they ended, per area, for the month."""

import datetime

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from patrols.models import CheckIn, Finding, Patrol
from reports.levels import level_path
from reports.registry import Metric, report_section

KIND_METRICS = [Metric(f"findings_{kind}", label) for kind, label in Finding.Kind.choices]


def _moment(day: datetime.date) -> datetime.datetime:
    """Midnight of `day` in the site's time zone (Asia/Shanghai): months run local time."""
    return datetime.datetime.combine(day, datetime.time.min, timezone.get_default_timezone())


def _grouped(queryset, model, level, **aggregates):
    rows = queryset.values(node=F(level_path(model, level))).annotate(**aggregates).order_by()
    return {row.pop("node"): row for row in rows if row["node"] is not None}


@report_section(
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
def patrols_section(*, level, start, end):
    """Patrols started, check-ins (and distinct key places) and findings recorded in the month,
    findings counted by kind and by outcome (Finding.Outcome: handled on the spot, reported as a
    request, still open). Three GROUP BY queries per level."""
    since, until = _moment(start), _moment(end)
    result: dict = {}
    parts = [
        _grouped(
            Patrol.objects.filter(started_at__gte=since, started_at__lt=until),
            Patrol,
            level,
            patrols=Count("id"),
        ),
        _grouped(
            CheckIn.objects.filter(at__gte=since, at__lt=until),
            CheckIn,
            level,
            check_ins=Count("id"),
            places_checked=Count("key_place", distinct=True),
        ),
        _grouped(
            Finding.objects.filter(created_at__gte=since, created_at__lt=until),
            Finding,
            level,
            findings=Count("id"),
            findings_self_handled=Count("id", filter=Q(outcome=Finding.Outcome.SELF_HANDLED)),
            findings_reported=Count("id", filter=Q(outcome=Finding.Outcome.REPORTED)),
            findings_open=Count("id", filter=Q(outcome=Finding.Outcome.OPEN)),
            **{
                f"findings_{kind}": Count("id", filter=Q(kind=kind)) for kind in Finding.Kind.values
            },
        ),
    ]
    for part in parts:
        for node, figures in part.items():
            result.setdefault(node, {}).update(figures)
    return result
