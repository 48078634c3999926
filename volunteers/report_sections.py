"""The volunteer action's part of the monthly report (see reports/registry.py): registration
rate of Party members, volunteer activities held and service hours, per area."""

import datetime

from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext_lazy as _

from party_branches.models import PartyMember
from reports.levels import level_path
from reports.registry import Metric, report_section
from volunteers.models import Activity, SignUp
from volunteers.selectors import _with_registered, certified_signups


def _grouped(queryset, model, level, **aggregates):
    rows = queryset.values(node=F(level_path(model, level))).annotate(**aggregates).order_by()
    return {row.pop("node"): row for row in rows if row["node"] is not None}


@report_section(
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
def volunteers_section(*, level, start, end):
    """Registration as it stands on the month's last day (volunteers.selectors: members expected
    to register, with an approved registration confirmed within the validity period; members
    sit in their home community and, through their branch, in a grid); activities not cancelled
    that started in the month; certified service hours of those activities
    (volunteers.selectors.certified_signups). Three GROUP BY queries per level."""
    last_day = end - datetime.timedelta(days=1)
    registration = _grouped(
        _with_registered(PartyMember.objects.all(), last_day),
        PartyMember,
        level,
        members_expected=Count("id"),
        members_registered=Count("id", filter=Q(is_registered=True)),
    )
    activities = _grouped(
        Activity.objects.filter(starts_at__date__gte=start, starts_at__date__lte=last_day).exclude(
            status=Activity.Status.CANCELLED
        ),
        Activity,
        level,
        activities_held=Count("id"),
    )
    hours = _grouped(
        certified_signups(start, last_day),
        SignUp,
        level,
        volunteers_served=Count("member", distinct=True),
        hours_served=Sum("hours"),
    )
    result: dict = {}
    for part in (registration, activities, hours):
        for node, figures in part.items():
            result.setdefault(node, {}).update(figures)
    for figures in result.values():
        expected = figures.get("members_expected", 0)
        figures["registration_rate"] = (
            figures.get("members_registered", 0) / expected if expected else None
        )
        figures["hours_served"] = float(figures.get("hours_served") or 0)
    return result
