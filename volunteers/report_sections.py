"""The volunteer action's part of the monthly report (see core/report_registry.py): registration
rate of Party members, volunteer activities held and service hours, per area."""

import datetime

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from core.hierarchy import AREA_LEVELS
from core.report_registry import Metric, report_section_by_levels
from grids.levels import grouped_by_level, merge_levels
from party_branches.models import PartyMember
from volunteers.models import Activity, SignUp
from volunteers.selectors import _with_registered, certified_signups


@report_section_by_levels(
    "volunteers",
    _("Registration and volunteering"),
    order=40,
    metrics=[
        Metric("members_expected", _("Members expected to register")),
        Metric("members_registered", _("Members registered")),
        Metric("registration_rate", _("Registration rate"), unit="rate"),
        Metric("activities_held", _("Volunteer activities held")),
        Metric("volunteers_served", _("Volunteers with certified hours")),
        Metric("hours_served", _("Service hours (certified)"), unit="hours"),
    ],
)
def volunteers_figures(*, start, end, levels=AREA_LEVELS) -> dict[str, dict[int, dict]]:
    """Registration as it stands on the month's last day (volunteers.selectors: members expected
    to register, with an approved registration confirmed within the validity period; members
    sit in their home community and, through their branch, in a grid); activities not cancelled
    that started in the month; certified service hours of those activities
    (volunteers.selectors.certified_signups) — per area of each of `levels`: {level: {node_id:
    metrics}}. Three queries (grids.levels.grouped_by_level: all levels at once where the
    database can)."""
    last_day = end - datetime.timedelta(days=1)
    registration = grouped_by_level(
        _with_registered(PartyMember.objects.all(), last_day),
        PartyMember,
        levels,
        members_expected=Count("id"),
        members_registered=Count("id", filter=Q(is_registered=True)),
    )
    activities = grouped_by_level(
        Activity.objects.filter(starts_at__date__gte=start, starts_at__date__lte=last_day).exclude(
            status=Activity.Status.CANCELLED
        ),
        Activity,
        levels,
        activities_held=Count("id"),
    )
    hours = grouped_by_level(
        certified_signups(start, last_day),
        SignUp,
        levels,
        volunteers_served=Count("member", distinct=True),
        hours_served=Sum("hours"),
    )
    result = merge_levels(levels, registration, activities, hours)
    for nodes in result.values():
        for figures in nodes.values():
            expected = figures.get("members_expected", 0)
            figures["registration_rate"] = (
                figures.get("members_registered", 0) / expected if expected else None
            )
            figures["hours_served"] = float(figures.get("hours_served") or 0)
    return result
