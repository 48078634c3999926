"""Reads of grid patrols, scoped with grids.jurisdiction; statistics computed by the database."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import (
    BooleanField,
    Count,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Concat
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.access import is_staff
from core.periods import local_start
from grids.jurisdiction import scope_queryset
from patrols.models import CheckIn, Finding, FindingPhoto, Patrol, PatrolPlan

if TYPE_CHECKING:
    from typing import Any

    from django.contrib.auth.models import AnonymousUser
    from django.db.models import QuerySet

    from accounts.models import User


def patrols_visible_to(user: User | AnonymousUser) -> QuerySet[Patrol]:
    """A grid worker sees their own patrols; staff (grid head and above) their jurisdiction."""
    if user.is_authenticated and user.role == "grid_worker":
        return Patrol.objects.filter(worker=user)
    if not is_staff(user):
        return Patrol.objects.none()
    return scope_queryset(Patrol.objects.all(), user)


def patrol_for_user_or_404(user: User, pk: int) -> Patrol:
    return get_object_or_404(patrols_visible_to(user).select_related("grid", "worker"), pk=pk)


def open_patrol(worker: User) -> Patrol | None:
    return (
        Patrol.objects.filter(worker=worker, ended_at__isnull=True).select_related("grid").first()
    )


def plans_with_coverage(
    plans: QuerySet[PatrolPlan], *, now: datetime.datetime | None = None
) -> QuerySet[PatrolPlan]:
    """Annotate each plan with its last check-in, when the next is due and whether it is overdue
    (never visited counts as overdue)."""
    now = now or timezone.now()
    last = (
        CheckIn.objects.filter(key_place=OuterRef("key_place"))
        .values("key_place")
        .annotate(last=Max("at"))
        .values("last")[:1]
    )
    return (
        plans.annotate(last_check_in=Subquery(last, output_field=DateTimeField()))
        .annotate(
            due_at=ExpressionWrapper(
                F("last_check_in")
                + ExpressionWrapper(
                    # As a plain integer: SQLite multiplies only Integer/Float/Decimal by a duration.
                    ExpressionWrapper(F("frequency_days"), output_field=IntegerField())
                    * Value(datetime.timedelta(days=1)),
                    output_field=DurationField(),
                ),
                output_field=DateTimeField(),
            )
        )
        .annotate(
            overdue=ExpressionWrapper(
                Q(last_check_in__isnull=True) | Q(due_at__lt=now), output_field=BooleanField()
            )
        )
        .select_related("key_place", "grid")
    )


def coverage_for(user: User, *, now: datetime.datetime | None = None) -> QuerySet[PatrolPlan]:
    """Active plan entries in the user's jurisdiction with coverage, overdue first."""
    plans = scope_queryset(PatrolPlan.objects.filter(active=True), user)
    return plans_with_coverage(plans, now=now).order_by(
        "-overdue", F("due_at").asc(nulls_first=True), "grid__code"
    )


def patrols_in_period(
    user: User, *, start: datetime.date, end: datetime.date | None = None
) -> QuerySet[Patrol]:
    """Patrols started in [start, end) inside the user's jurisdiction (dates are local days:
    `end` is exclusive). The one period rule of the coverage page and patrol_count."""
    patrols = Patrol.objects.filter(started_at__gte=local_start(start))
    if end is not None:
        patrols = patrols.filter(started_at__lt=local_start(end))
    return scope_queryset(patrols, user)


def patrol_count(user: User, *, start: datetime.date, end: datetime.date) -> int:
    """How many patrols started in [start, end) inside the user's jurisdiction (one query): the
    figure the coverage page shows as "patrols in this period" for the same period, e.g. a
    month from its first day to the first day of the next."""
    return patrols_in_period(user, start=start, end=end).count()


def patrol_counts(
    user: User, *, periods: dict[str, tuple[datetime.date, datetime.date]]
) -> dict[str, int]:
    """patrol_count for each named period [start, end), in one query: {name: count}."""
    if not periods:
        return {}
    start = min(start for start, _end in periods.values())
    end = max(end for _start, end in periods.values())
    return patrols_in_period(user, start=start, end=end).aggregate(
        **{
            name: Count(
                "id",
                filter=Q(started_at__gte=local_start(first), started_at__lt=local_start(last)),
            )
            for name, (first, last) in periods.items()
        }
    )


def patrols_per_worker(
    user: User, *, since: datetime.date, until: datetime.date | None = None
) -> QuerySet[Any]:
    patrols = patrols_in_period(user, start=since, end=until)
    return (
        patrols.values("worker_id", "grid__name")
        .annotate(
            name=Concat("worker__last_name", "worker__first_name"),
            patrols=Count("id", distinct=True),
            check_ins=Count("check_ins", distinct=True),
            findings=Count("findings", distinct=True),
        )
        .order_by("grid__name", "-patrols")
    )


def findings_summary(
    user: User, *, since: datetime.date, until: datetime.date | None = None
) -> list[dict[str, Any]]:
    """Findings by kind and how they ended (self-handled, reported, still open)."""
    findings = Finding.objects.filter(created_at__gte=local_start(since))
    if until is not None:
        findings = findings.filter(created_at__lt=local_start(until))
    findings = scope_queryset(findings, user)
    outcome = Finding.Outcome
    rows = (
        findings.values("kind")
        .annotate(
            total=Count("id"),
            self_handled=Count("id", filter=Q(outcome=outcome.SELF_HANDLED)),
            reported=Count("id", filter=Q(outcome=outcome.REPORTED)),
            open=Count("id", filter=Q(outcome=outcome.OPEN)),
        )
        .order_by("-total")
    )
    labels = dict(Finding.Kind.choices)
    return [{**row, "label": labels.get(row["kind"], row["kind"])} for row in rows]


def findings_visible_to(user: User | AnonymousUser) -> QuerySet[Finding]:
    if user.is_authenticated and user.role == "grid_worker":
        return Finding.objects.filter(patrol__worker=user)
    if not is_staff(user):
        return Finding.objects.none()
    return scope_queryset(Finding.objects.all(), user)


def finding_photos_visible_to(user: User | AnonymousUser) -> QuerySet[FindingPhoto]:
    """The rule of the finding photos (core.files): those of the findings `user` may see."""
    return FindingPhoto.objects.filter(finding__in=findings_visible_to(user).values("pk"))
