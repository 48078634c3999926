"""Reads of the care app. Two rules live here and nowhere else:

1. **Who sees a person** (`households_visible_to`, `residents_visible_to`): PIPL asks that sensitive
   data be seen only by the people who need it. A household and its residents are visible to
   * the grid worker and the registered Party members of its *active* pairing,
   * the grid head of its area grid (a user with the grid_head role bound to that grid),
   * staff with `care_role` whose jurisdiction contains it (community staff normally; a street
     or district user only sees persons if explicitly given `care_role` — district admins do
     not see persons by default). Superusers are operators, not carers: they too need
     `care_role` (which then covers the whole district).
   Everyone else sees nothing, so every view, admin and API answers 404.

2. **When a visit is due** (`with_visit_schedule`): a resident's frequency is the per-person
   override or else the tag's default; a household's frequency is the smallest over its
   residents' tags; the next visit is due `frequency` days after the last visit (or after the
   household was registered when never visited). Computed by the database.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import (
    BooleanField,
    Count,
    DateField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from accounts.models import Role
from care.models import (
    Household,
    HouseholdNeed,
    Pairing,
    Referral,
    Resident,
    ResidentTag,
    Visit,
    VisitPhoto,
)
from care.requests_link import closed_request_q
from grids.jurisdiction import jurisdiction_of, scope_queryset

if TYPE_CHECKING:
    from typing import Any

    from django.contrib.auth.models import AnonymousUser
    from django.db.models import QuerySet

    from accounts.models import User
    from grids.models import AreaGrid

CARE_AREA_ROLES = {Role.COMMUNITY_STAFF, Role.STREET_STAFF, Role.DISTRICT_ADMIN}


def households_visible_to(user: User, *, on: datetime.date | None = None) -> QuerySet[Household]:
    """Households `user` may see (see the module docstring for the rule)."""
    return _of_visible_households(Household.objects.all(), "pk", user, on=on)


def visit_photos_visible_to(user: User | AnonymousUser) -> QuerySet[VisitPhoto]:
    """The rule of the visit photos (core.files): those of the households `user` may see."""
    ids = visible_household_ids(user)
    if ids is None:
        return VisitPhoto.objects.none()
    return VisitPhoto.objects.filter(visit__household_id__in=ids)


def visible_household_ids(user: User, *, on: datetime.date | None = None) -> QuerySet[Any] | None:
    """The ids of the households `user` may see (the rule of the module docstring), as a
    subquery for `household_id__in=`: a UNION of one SELECT per way of seeing a household
    (worker of its active pairing, Party member of it, grid head of its grid, care staff of its
    area), each answered by an index, so that the planner knows how few households a grid head
    or a pairing sees (an OR of these conditions made it scan every household and every visit).
    None when the user sees nothing. (UNION, not UNION ALL: its row estimate stays right; with
    UNION ALL a district user's query became a 30,000-loop nested loop.)"""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    on = on or timezone.localdate()
    active = Pairing.objects.in_force(on).order_by()
    parts = [
        active.filter(worker=user).values("household_id"),
        active.filter(members=user).values("household_id"),
    ]
    if user.role == Role.GRID_HEAD and user.grid_id:
        parts.append(Household.objects.filter(grid_id=user.grid_id).order_by().values("pk"))
    if (
        user.care_role
        and (user.is_superuser or user.role in CARE_AREA_ROLES)
        and jurisdiction_of(user) is not None
    ):
        parts.append(scope_queryset(Household.objects.all(), user).order_by().values("pk"))
    return parts[0].union(*parts[1:])


def _of_visible_households(
    queryset: QuerySet[Any], lookup: str, user: User, *, on: datetime.date | None = None
) -> QuerySet[Any]:
    """`queryset` restricted to rows whose `lookup` (a household id) is a visible household."""
    ids = visible_household_ids(user, on=on)
    if ids is None:
        return queryset.none()
    return queryset.filter(**{f"{lookup}__in": ids})


def residents_visible_to(user: User, *, on: datetime.date | None = None) -> QuerySet[Resident]:
    """Residents `user` may see: those of the households in `households_visible_to`."""
    return _of_visible_households(Resident.objects.all(), "household_id", user, on=on)


def visits_visible_to(user: User | AnonymousUser) -> QuerySet[Visit]:
    """Visits to the households `user` may see (by the (household, -visited_on) index)."""
    return _of_visible_households(Visit.objects.all(), "household_id", user)


def needs_visible_to(user: User | AnonymousUser) -> QuerySet[HouseholdNeed]:
    return _of_visible_households(HouseholdNeed.objects.all(), "visit__household_id", user)


def referrals_visible_to(user: User | AnonymousUser) -> QuerySet[Referral]:
    return Referral.objects.filter(resident__in=residents_visible_to(user).values("pk"))


def _days(expression: Any) -> ExpressionWrapper[Any]:
    return ExpressionWrapper(
        expression * Value(datetime.timedelta(days=1)), output_field=DurationField()
    )


def frequency_subquery() -> Subquery:
    """The household's visit frequency in days: min over its residents' tags (override first)."""
    return Subquery(
        ResidentTag.objects.filter(
            resident__household=OuterRef("pk"), resident__anonymised_at__isnull=True
        )
        .values("resident__household")
        .annotate(days=Min(Coalesce("frequency_days", "tag__default_frequency_days")))
        .values("days")[:1],
        output_field=IntegerField(),
    )


def with_visit_schedule(
    households: QuerySet[Household], *, today: datetime.date | None = None
) -> QuerySet[Household]:
    """Annotate frequency_days, last_visit_on, due_on and overdue (the one place for this rule)."""
    today = today or timezone.localdate()
    last_visit = (
        Visit.objects.filter(household=OuterRef("pk"))
        .values("household")
        .annotate(last=Max("visited_on"))
        .values("last")[:1]
    )
    households = households.annotate(
        frequency_days=frequency_subquery(),
        last_visit_on=Subquery(last_visit, output_field=DateField()),
    ).annotate(
        due_on=Cast(
            Coalesce("last_visit_on", "registered_on") + _days(F("frequency_days")),
            output_field=DateField(),
        ),
    )
    return households.annotate(
        overdue=ExpressionWrapper(Q(due_on__lt=today), output_field=BooleanField())
    )


def households_for_list(user: User, *, today: datetime.date | None = None) -> QuerySet[Household]:
    """The phone list: visible households with schedule, pairing and residents, overdue first."""
    today = today or timezone.localdate()
    households = with_visit_schedule(households_visible_to(user, on=today), today=today)
    return (
        households.filter(anonymised_at__isnull=True)
        .select_related("grid", "subgrid")
        .prefetch_related("residents__tags__tag")
        .order_by(F("due_on").asc(nulls_last=True), "building", "address")
    )


def overdue_visit_households(
    user: User, *, today: datetime.date | None = None
) -> QuerySet[Household]:
    """Households with a visit overdue (not anonymised) in what `user` may see: the rows the
    household list's "overdue" filter shows and counts (for dashboards and reminders)."""
    today = today or timezone.localdate()
    return with_visit_schedule(households_visible_to(user, on=today), today=today).filter(
        overdue=True, anonymised_at__isnull=True
    )


def _unpaired_q(today: datetime.date) -> Q:
    """A household with tagged residents and no pairing in force on `today`."""
    active = Pairing.objects.in_force(today).filter(household=OuterRef("pk"))
    tagged = ResidentTag.objects.filter(
        resident__household=OuterRef("pk"), resident__anonymised_at__isnull=True
    )
    return Q(~Exists(active), Exists(tagged))


def unpaired_households(user: User, *, today: datetime.date | None = None) -> QuerySet[Household]:
    """Households with tagged residents and no active pairing, in what the user can see."""
    today = today or timezone.localdate()
    return (
        with_visit_schedule(households_visible_to(user, on=today), today=today)
        .filter(_unpaired_q(today), anonymised_at__isnull=True)
        .select_related("grid")
        .prefetch_related("residents__tags__tag")
        .order_by("grid__code", "building", "address")
    )


def household_counts(user: User, *, today: datetime.date | None = None) -> dict[str, int]:
    """How many households `overdue_visit_households` and `unpaired_households` hold, in one
    query (conditional counts over the visible households that are not anonymised): the
    dashboards' figures, each equal to the count of its list."""
    today = today or timezone.localdate()
    return (
        with_visit_schedule(households_visible_to(user, on=today), today=today)
        .filter(anonymised_at__isnull=True)
        .aggregate(
            overdue_visits=Count("pk", filter=Q(overdue=True)),
            unpaired=Count("pk", filter=_unpaired_q(today)),
        )
    )


def follow_ups_due(user: User) -> QuerySet[HouseholdNeed]:
    """Needs whose request has closed and that have no follow-up visit yet (回访 due)."""
    follow_up = Visit.objects.filter(follow_up_of=OuterRef("pk"))
    return (
        needs_visible_to(user)
        .filter(closed_request_q())
        .filter(~Exists(follow_up))
        .select_related("visit__household", "request")
        .order_by("visit__visited_on")
    )


def household_for_user_or_404(user: User, pk: int) -> Household:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        households_visible_to(user).select_related("grid__community", "subgrid"), pk=pk
    )


def resident_for_user_or_404(user: User, pk: int) -> Resident:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        residents_visible_to(user).select_related("household__grid__community"), pk=pk
    )


def active_pairing(household: Household, *, on: datetime.date | None = None) -> Pairing | None:
    return (
        Pairing.objects.in_force(on)
        .filter(household=household)
        .select_related("worker")
        .prefetch_related("members")
        .first()
    )


def grids_registrable_by(user: User) -> QuerySet[AreaGrid]:
    """The area grids in force where `user` may register households (care.services.
    household_may_register): their own grid for grid heads and workers, their jurisdiction for
    staff with the care role; none for anyone else. All of them for the command (user None)."""
    from grids.models import AreaGrid

    grids = AreaGrid.objects.current().defer("boundary").order_by("code")
    if user is None:
        return grids
    if user.role in (Role.GRID_HEAD, Role.GRID_WORKER):
        return grids.filter(pk=user.grid_id)
    if not (user.care_role and (user.is_superuser or user.role in CARE_AREA_ROLES)):
        return grids.none()
    return scope_queryset(grids, user)
