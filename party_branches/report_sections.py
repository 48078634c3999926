"""The Party branches' part of the monthly report (see core/report_registry.py): meetings held and
attendance, per area."""

import datetime

from django.db.models import Count, F, Q
from django.utils.translation import gettext_lazy as _

from core.report_registry import Metric, report_section
from grids.levels import level_path
from party_branches.models import Meeting, PartyBranch


def _grouped(queryset, model, level, **aggregates):
    rows = queryset.values(node=F(level_path(model, level))).annotate(**aggregates).order_by()
    return {row.pop("node"): row for row in rows if row["node"] is not None}


@report_section(
    "party_branches",
    _("Branch meetings"),
    order=50,
    metrics=[
        Metric("branches", _("Party branches")),
        Metric("branches_met", _("Branches that held a meeting")),
        Metric("meetings", _("Meetings held")),
        Metric("branch_meetings", _("Branch meetings")),
        Metric("council_meetings", _("Party-mass council meetings")),
        Metric("attendance_rate", _("Attendance rate of branch members"), unit="rate"),
    ],
)
def party_branches_section(*, level, start, end):
    """Meetings held in the month by the area's branches and the attendance of the branch members
    invited (present / invited member rows; guests are not counted) — the figures of
    party_branches.selectors.meetings_held, for every area of the level at once — and the
    branches founded by the month's end. Two GROUP BY queries per level."""
    last_day = end - datetime.timedelta(days=1)
    invited = Q(attendance__member__isnull=False)
    meetings = _grouped(
        Meeting.objects.filter(held_on__gte=start, held_on__lte=last_day),
        Meeting,
        level,
        meetings=Count("id", distinct=True),
        branch_meetings=Count("id", filter=Q(kind=Meeting.Kind.BRANCH), distinct=True),
        council_meetings=Count("id", filter=Q(kind=Meeting.Kind.COUNCIL), distinct=True),
        branches_met=Count("branch", distinct=True),
        invited=Count("attendance", filter=invited),
        present=Count("attendance", filter=invited & Q(attendance__present=True)),
    )
    branches = _grouped(
        PartyBranch.objects.filter(founded_on__lte=last_day),
        PartyBranch,
        level,
        branches=Count("id"),
    )
    result: dict = {}
    for part in (branches, meetings):
        for node, figures in part.items():
            result.setdefault(node, {}).update(figures)
    for figures in result.values():
        invited_count = figures.pop("invited", 0)
        present = figures.pop("present", 0)
        figures["attendance_rate"] = present / invited_count if invited_count else None
    return result
