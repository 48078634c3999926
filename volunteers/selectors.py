"""Reads of the volunteer action. Every statistic is a database aggregate."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, DecimalField, Exists, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from grids.jurisdiction import jurisdiction_paths, scope_queryset
from party_branches.models import PartyMember
from volunteers.hours import next_star_hours, points_for_hours, star_level
from volunteers.models import Activity, NeedsListItem, Registration, SignUp, Team
from volunteers.services import current_registration_q

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from accounts.models import User

ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=12, decimal_places=1))


def member_of(user: User) -> PartyMember | None:
    if not user.is_authenticated:
        return None
    return PartyMember.objects.filter(user=user).select_related("community", "branch").first()


# --- Registration rate ----------------------------------------------------------------------------
RATE_GROUPS = {
    "workplace": ("workplace",),
    # A member sits in an area grid through their branch (PartyMember.jurisdiction_paths).
    "grid": ("branch__grid_id", "branch__grid__name"),
    "community": ("community_id", "community__name"),
    "street": ("community__street_id", "community__street__name"),
    "district": ("community__street__district_id", "community__street__district__name"),
}


def _with_registered(
    members: QuerySet[PartyMember], on: datetime.date | None = None
) -> QuerySet[PartyMember]:
    registered = Registration.objects.filter(current_registration_q(on=on), member=OuterRef("pk"))
    return members.filter(must_register=True).annotate(is_registered=Exists(registered))


def _rate(expected: int, registered: int) -> float | None:
    return round(registered * 100 / expected, 1) if expected else None


def registration_rates(
    *, group: str, user: User | None = None, on: datetime.date | None = None
) -> list[dict]:
    """Registered / expected members per workplace, community, street or district, grouped in the
    database. Expected: members marked `must_register`; registered: an approved registration
    confirmed within the validity period. Rows: {key…, "expected", "registered", "rate"}."""
    members = PartyMember.objects.all()
    if user is not None:
        members = scope_queryset(members, user)
    fields = RATE_GROUPS[group]
    rows = (
        _with_registered(members, on)
        .values(*fields)
        .annotate(expected=Count("id"), registered=Count("id", filter=Q(is_registered=True)))
        .order_by(*fields)
    )
    result = []
    for row in rows:
        row["name"] = row.get(fields[-1]) or ""
        row["rate"] = _rate(row["expected"], row["registered"])
        result.append(row)
    return result


def registration_rate(*, level: str, node_id: int, on: datetime.date | None = None) -> dict:
    """{"expected", "registered", "rate"} for one area (level district/street/community/grid;
    members sit in their home community, and in a grid through their branch)."""
    lookup = jurisdiction_paths(PartyMember)[level]
    totals = _with_registered(PartyMember.objects.filter(**{lookup: node_id}), on).aggregate(
        expected=Count("id"), registered=Count("id", filter=Q(is_registered=True))
    )
    totals["rate"] = _rate(totals["expected"], totals["registered"])
    return totals


# --- Hours ----------------------------------------------------------------------------------------
def certified_signups(
    start: datetime.date | None = None, end: datetime.date | None = None
) -> QuerySet[SignUp]:
    signups = SignUp.objects.filter(status=SignUp.Status.SIGNED_UP, certified_at__isnull=False)
    if start:
        signups = signups.filter(activity__starts_at__date__gte=start)
    if end:
        signups = signups.filter(activity__starts_at__date__lte=end)
    return signups


def volunteer_hours(*, level: str, node_id: int, start: datetime.date, end: datetime.date) -> dict:
    """Certified service hours of activities held in an area (by the organising community, or
    the grid) whose start falls between start and end inclusive:
    {"hours": Decimal, "signups": int, "members": int, "activities": int}."""
    lookup = jurisdiction_paths(SignUp)[level]
    return (
        certified_signups(start, end)
        .filter(**{lookup: node_id})
        .aggregate(
            hours=Coalesce(Sum("hours"), ZERO),
            signups=Count("id"),
            members=Count("member", distinct=True),
            activities=Count("activity", distinct=True),
        )
    )


def volunteer_hours_in_periods(
    *, level: str, node_id: int, periods: dict[str, tuple[datetime.date, datetime.date]]
) -> dict[str, Decimal]:
    """volunteer_hours' "hours" for each named period (start and end inclusive), in one query:
    {name: hours}."""
    if not periods:
        return {}
    lookup = jurisdiction_paths(SignUp)[level]
    start = min(start for start, _end in periods.values())
    end = max(end for _start, end in periods.values())
    return (
        certified_signups(start, end)
        .filter(**{lookup: node_id})
        .aggregate(
            **{
                name: Coalesce(
                    Sum(
                        "hours",
                        filter=Q(
                            activity__starts_at__date__gte=first,
                            activity__starts_at__date__lte=last,
                        ),
                    ),
                    ZERO,
                )
                for name, (first, last) in periods.items()
            }
        )
    )


def member_summary(member: PartyMember) -> dict:
    totals = (
        certified_signups()
        .filter(member=member)
        .aggregate(hours=Coalesce(Sum("hours"), ZERO), activities=Count("id"))
    )
    hours = totals["hours"]
    return {
        "hours": hours,
        "activities": totals["activities"],
        "points": points_for_hours(hours),
        "stars": star_level(hours),
        "next_star_hours": next_star_hours(hours),
    }


RANKINGS = {
    "member": ("member_id", "member__name"),
    "branch": ("member__branch_id", "member__branch__name"),
    "community": ("activity__community_id", "activity__community__name"),
    "street": ("activity__community__street_id", "activity__community__street__name"),
}


def hours_ranking(
    *,
    by: str,
    user: User,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    limit: int | None = 50,
) -> list[dict]:
    """Certified hours ranked per team, branch, community, street or member, within the user's
    jurisdiction: rows {"id", "name", "hours", "members", "activities"}, most hours first."""
    if by == "team":
        period = Q(
            members__signups__status=SignUp.Status.SIGNED_UP,
            members__signups__certified_at__isnull=False,
        )
        if start:
            period &= Q(members__signups__activity__starts_at__date__gte=start)
        if end:
            period &= Q(members__signups__activity__starts_at__date__lte=end)
        teams = (
            scope_queryset(Team.objects.all(), user)
            .values("id", "name")
            .annotate(
                hours=Coalesce(Sum("members__signups__hours", filter=period), ZERO),
                member_total=Count("members", distinct=True),
                activity_total=Count("members__signups__activity", filter=period, distinct=True),
            )
            .order_by("-hours", "name")
        )
        return [
            {
                "id": t["id"],
                "name": t["name"],
                "hours": t["hours"],
                "members": t["member_total"],
                "activities": t["activity_total"],
            }
            for t in (teams[:limit] if limit else teams)
        ]
    key, name = RANKINGS[by]
    rows = (
        scope_queryset(certified_signups(start, end), user)
        .values(key, name)
        .annotate(
            hours=Sum("hours"),
            members=Count("member", distinct=True),
            activities=Count("activity", distinct=True),
        )
        .order_by("-hours", name)
    )
    return [
        {
            "id": r[key],
            "name": r[name] or "—",
            "hours": r["hours"],
            "members": r["members"],
            "activities": r["activities"],
        }
        for r in (rows[:limit] if limit else rows)
    ]


# --- Pages -----------------------------------------------------------------------------------------
def registrations_for(user: User, *, status: str | None = None) -> QuerySet[Registration]:
    registrations = scope_queryset(Registration.objects.all(), user).select_related(
        "member", "community", "grid"
    )
    if status:
        registrations = registrations.filter(status=status)
    return registrations.order_by("status", "-submitted_at")


def _taken() -> Coalesce:
    """Places taken, as a correlated count: a joined Count() would GROUP BY every selected
    column (the place's geometry included), which is slow on SpatiaLite."""
    return Coalesce(
        Subquery(
            SignUp.objects.filter(activity=OuterRef("pk"), status=SignUp.Status.SIGNED_UP)
            .order_by()
            .values("activity")
            .annotate(n=Count("id"))
            .values("n")[:1]
        ),
        0,
    )


def activities_for(user: User, *, upcoming_only: bool = False) -> QuerySet[Activity]:
    activities = scope_queryset(Activity.objects.all(), user)
    if upcoming_only:
        activities = activities.filter(ends_at__gte=timezone.now())
    return (
        activities.select_related("category", "community", "organiser_branch", "grid", "place")
        .annotate(taken=_taken())
        .order_by("-starts_at")
    )


def activities_open_to(
    member: PartyMember, *, now: datetime.datetime | None = None
) -> QuerySet[Activity]:
    """Upcoming open activities of the communities the member is registered with."""
    now = now or timezone.now()
    communities = Registration.objects.filter(current_registration_q(), member=member).values(
        "community_id"
    )
    mine = SignUp.objects.filter(
        activity=OuterRef("pk"), member=member, status=SignUp.Status.SIGNED_UP
    )
    return (
        Activity.objects.filter(
            community_id__in=communities, status=Activity.Status.OPEN, starts_at__gt=now
        )
        .select_related("category", "community", "organiser_branch", "place")
        .annotate(
            taken=_taken(),
            signed_up=Exists(mine),
        )
        .order_by("starts_at")
    )


def signups_of(member: PartyMember) -> QuerySet[SignUp]:
    return (
        SignUp.objects.filter(member=member)
        .select_related("activity__category", "activity__community")
        .order_by("-activity__starts_at")
    )


def roster_of(activity: Activity) -> QuerySet[SignUp]:
    return (
        SignUp.objects.filter(activity=activity)
        .select_related("member")
        .order_by("status", "created_at")
    )


def needs_for(user: User, *, status: str | None = None) -> QuerySet[NeedsListItem]:
    needs = scope_queryset(NeedsListItem.objects.all(), user).select_related(
        "community", "grid", "taken_by"
    )
    if status:
        needs = needs.filter(status=status)
    return needs.order_by("status", "-created_at")


def needs_open_to(member: PartyMember) -> QuerySet[NeedsListItem]:
    communities = Registration.objects.filter(current_registration_q(), member=member).values(
        "community_id"
    )
    return (
        NeedsListItem.objects.filter(
            Q(community_id__in=communities, status=NeedsListItem.Status.OPEN) | Q(taken_by=member)
        )
        .select_related("community", "grid")
        .order_by("status", "-created_at")
    )


def teams_for(user: User) -> QuerySet[Team]:
    return (
        scope_queryset(Team.objects.all(), user)
        .select_related("community", "grid", "leader")
        .annotate(
            member_count=Coalesce(
                Subquery(
                    Team.members.through.objects.filter(team=OuterRef("pk"))
                    .order_by()
                    .values("team")
                    .annotate(n=Count("id"))
                    .values("n")[:1]
                ),
                0,
            )
        )
        .order_by("community__code", "name")
    )
