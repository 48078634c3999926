"""The Party branches' part of the monthly report (see core/report_registry.py): meetings held and
attendance, per area."""

import datetime

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from core.hierarchy import AREA_LEVELS
from core.report_registry import Metric, report_section_by_levels
from grids.levels import grouped_by_level, merge_levels
from party_branches.models import Meeting, PartyBranch


@report_section_by_levels(
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
def party_branches_figures(*, start, end, levels=AREA_LEVELS) -> dict[str, dict[int, dict]]:
    """Meetings held in the month by the area's branches and the attendance of the branch members
    invited (present / invited member rows; guests are not counted) — the figures of
    party_branches.selectors.meetings_held, for every area of each of `levels` at once — and the
    branches founded by the month's end: {level: {node_id: metrics}}. Two queries
    (grids.levels.grouped_by_level: all levels at once where the database can)."""
    last_day = end - datetime.timedelta(days=1)
    invited = Q(attendance__member__isnull=False)
    result = merge_levels(
        levels,
        grouped_by_level(
            PartyBranch.objects.filter(founded_on__lte=last_day),
            PartyBranch,
            levels,
            branches=Count("id"),
        ),
        grouped_by_level(
            Meeting.objects.filter(held_on__gte=start, held_on__lte=last_day),
            Meeting,
            levels,
            meetings=Count("id", distinct=True),
            branch_meetings=Count("id", filter=Q(kind=Meeting.Kind.BRANCH), distinct=True),
            council_meetings=Count("id", filter=Q(kind=Meeting.Kind.COUNCIL), distinct=True),
            branches_met=Count("branch", distinct=True),
            invited=Count("attendance", filter=invited),
            present=Count("attendance", filter=invited & Q(attendance__present=True)),
        ),
    )
    for nodes in result.values():
        for figures in nodes.values():
            invited_count = figures.pop("invited", 0)
            present = figures.pop("present", 0)
            figures["attendance_rate"] = present / invited_count if invited_count else None
    return result
