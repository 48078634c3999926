"""Generating monthly reports (immutable, versioned snapshots) and sending them to subscribers."""

from __future__ import annotations

import datetime
import decimal
import logging
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import connections, router, transaction
from django.db.models import F, Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.hierarchy import AREA_LEVELS
from core.periods import month_range, month_start
from core.report_registry import sections_in_order
from grids.levels import nodes_in_force
from grids.models import DEFAULT_VALID_FROM
from reports.models import Report, ReportRun, ReportSubscription
from reports.version import code_version

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from accounts.models import User
    from core.report_registry import Section

logger = logging.getLogger(__name__)


def _clean(value: Any, unit: str) -> float | int | None:
    """JSON-safe, deterministic numbers: ints for counts, rounded floats for the rest."""
    if value is None:
        return None
    if unit == "count" and type(value) is int:  # most figures: nothing to do
        return value
    if isinstance(value, datetime.timedelta):
        value = value.total_seconds() / 3600
    if isinstance(value, decimal.Decimal):
        value = float(value)
    if unit == "count":
        return int(value)
    return round(float(value), 4)


def report_figures(
    *, period: datetime.date, on_step: Callable[[], object] | None = None
) -> dict[str, dict[int, dict]]:
    """{level: {node_id: {section: {metric: value}}}} for every area of every level, computed by
    the registered sections: `compute_all` once when a section has it (every level in one call),
    else `compute` once per level (each a fixed number of queries)."""
    start, end = month_range(period)
    figures: dict[str, dict[int, dict]] = {level: {} for level in AREA_LEVELS}
    for section in sections_in_order():
        if section.compute_all is not None:
            per_level = section.compute_all(start=start, end=end) or {}
            _collect(figures, section, per_level)
            if on_step:
                on_step()
            continue
        for level in AREA_LEVELS:
            values = section.compute(level=level, start=start, end=end) or {}
            _collect(figures, section, {level: values})
            if on_step:
                on_step()
    return figures


def _collect(figures: dict, section: Section, per_level: dict) -> None:
    for level in AREA_LEVELS:
        for node_id, metrics in (per_level.get(level) or {}).items():
            figures[level].setdefault(node_id, {})[section.name] = metrics


def total_steps() -> int:
    """Progress steps of a run: one per section call (one per level without `compute_all`),
    plus writing the reports."""
    return (
        sum(1 if s.compute_all is not None else len(AREA_LEVELS) for s in sections_in_order()) + 1
    )


def _numbers_for(node_figures: dict, plan: list[tuple[str, list[tuple[str, str]]]]) -> dict:
    """One area's report numbers: `plan` is each section's name with its metrics' keys and
    units (_numbers_plan), read once for all the run's areas."""
    numbers = {}
    for name, metrics in plan:
        raw = node_figures.get(name, {})
        numbers[name] = {key: _clean(raw.get(key, 0), unit) for key, unit in metrics}
    return numbers


def _numbers_plan(sections: list[Section]) -> list[tuple[str, list[tuple[str, str]]]]:
    return [(s.name, [(m.key, m.unit) for m in s.metrics]) for s in sections]


def report_run_start(*, period: datetime.date, by: User | None = None) -> ReportRun:
    """Queue the generation of `period`'s reports (a past month). Refused while a run for the
    same month is still queued or running."""
    period = month_start(period)
    this_month = month_start(timezone.localdate())
    if period >= this_month:
        raise ValidationError(_("Reports can only be generated for a month that has ended."))
    if period < DEFAULT_VALID_FROM:
        raise ValidationError(
            _("Reports can only be generated from %(month)s on.")
            % {"month": DEFAULT_VALID_FROM.strftime("%Y-%m")}
        )
    with transaction.atomic():
        busy = ReportRun.objects.select_for_update().filter(
            period=period, status__in=[ReportRun.Status.QUEUED, ReportRun.Status.RUNNING]
        )
        if busy.exists():
            raise ValidationError(_("The reports for this month are already being generated."))
        run = ReportRun.objects.create(period=period, requested_by=by, total_steps=total_steps())
        transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def _enqueue(run_id: int) -> None:
    from reports.tasks import generate_reports

    try:
        result = generate_reports.apply_async(args=[run_id], retry=False)
    except Exception as exc:  # noqa: BLE001 - broker unreachable: say so on the run
        logger.warning("Could not queue report run %s: %s", run_id, exc)
        ReportRun.objects.filter(pk=run_id, status=ReportRun.Status.QUEUED).update(
            status=ReportRun.Status.FAILED,
            error=_("The task queue is unreachable; try again later."),
            finished_at=timezone.now(),
        )
        return
    ReportRun.objects.filter(pk=run_id, task_id="").update(task_id=result.id or "")


def report_run_execute(*, run_id: int) -> ReportRun:
    """Compute and store the reports of a run. Idempotent: a finished run is left alone, and the
    reports are written in one transaction together with the run's status, so a worker killed
    mid-run (the task is redelivered, acks_late) leaves no partial set."""
    run = ReportRun.objects.get(pk=run_id)
    if run.finished:
        return run
    ReportRun.objects.filter(pk=run.pk).update(
        status=ReportRun.Status.RUNNING,
        done_steps=0,
        total_steps=total_steps(),
    )

    def step() -> None:
        ReportRun.objects.filter(pk=run.pk).update(done_steps=F("done_steps") + 1)

    try:
        reports = reports_generate(period=run.period, run=run, on_step=step)
    except Exception as exc:
        logger.exception("report run %s failed", run.pk)
        ReportRun.objects.filter(pk=run.pk).update(
            status=ReportRun.Status.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
        )
        raise
    reports_notify_subscribers(reports=reports)
    run.refresh_from_db()
    return run


def reports_generate(
    *, period: datetime.date, run: ReportRun, on_step: Callable[[], object] | None = None
) -> list[Report]:
    """Write a new version of `period`'s report for every area (district, streets, communities,
    grids in force on the month's last day). Nothing is replaced: each area gets version n+1."""
    start, end = month_range(period)
    last_day = end - datetime.timedelta(days=1)
    figures = report_figures(period=start, on_step=on_step)
    generated_at = timezone.now()
    version_tag = code_version()
    with transaction.atomic():
        # Serialise concurrent runs of the same month (their versions would collide).
        list(ReportRun.objects.select_for_update().filter(period=start).values_list("pk"))
        nodes = nodes_in_force(AREA_LEVELS, last_day)
        latest = _latest_versions(
            period=start,
            keys=[(level, node["code"]) for level in AREA_LEVELS for node in nodes[level]],
        )
        rows = []
        plan = _numbers_plan(sections_in_order())
        for level in AREA_LEVELS:
            for node in nodes[level]:
                ancestors = {
                    "district_id": node.get("district_pk"),
                    "street_id": node.get("street_pk"),
                    "community_id": node.get("community_pk"),
                }
                ancestors[f"{level}_id"] = node["id"]
                rows.append(
                    Report(
                        run=run,
                        period=start,
                        level=level,
                        node_code=node["code"],
                        node_name=node["name"],
                        version=latest.get((level, node["code"]), 0) + 1,
                        numbers=_numbers_for(figures[level].get(node["id"], {}), plan),
                        generated_at=generated_at,
                        code_version=version_tag,
                        **ancestors,
                    )
                )
        created = _reports_insert(rows)
        ReportRun.objects.filter(pk=run.pk).update(
            status=ReportRun.Status.DONE,
            done_steps=F("total_steps"),
            finished_at=timezone.now(),
            reports_created=len(created),
            error="",
        )
    return sorted(created, key=lambda report: (report.level, report.node_code))


def _latest_versions(*, period: datetime.date, keys: list[tuple[str, str]]) -> dict:
    """{(level, node_code): latest version} of `period`'s reports for the areas `keys`.

    On PostgreSQL, one probe of the unique index (period, level, node_code, version) per area:
    a month regenerated many times keeps every version, and grouping them all read each one
    (10,011 rows, 11 ms, for a month generated 71 times). Elsewhere (SQLite) grouped."""
    alias = router.db_for_write(Report)  # where the run's lock and its rows are
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return {
            (row["level"], row["node_code"]): row["v"]
            for row in Report.objects.using(alias)
            .filter(period=period)
            .values("level", "node_code")
            .annotate(v=Max("version"))
        }
    if not keys:
        return {}
    table = connection.ops.quote_name(Report._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.level, a.code, (SELECT max(r.version) FROM "
            f"{table} r WHERE r.period = %s AND r.level = a.level AND r.node_code = a.code) "
            "FROM unnest(%s::text[], %s::text[]) AS a(level, code)",
            [period, [level for level, _code in keys], [code for _level, code in keys]],
        )
        return {(level, code): version for level, code, version in cursor if version}


def _reports_insert(reports: list[Report]) -> list[Report]:
    """Insert the run's reports and set their primary keys.

    On PostgreSQL with `COPY … FROM STDIN`, the keys drawn from the table's sequence first (COPY
    returns none). Django's bulk_create sends the rows as one array per column, and psycopg
    escapes every quote of the figures' `jsonb[]` array in Python: 10 ms of a month's 141
    reports, where the insert itself runs in 2 ms; COPY writes each row's figures as its JSON
    text. Elsewhere (SQLite) bulk_create."""
    connection = connections[router.db_for_write(Report)]
    if connection.vendor != "postgresql" or not reports:
        return Report.objects.bulk_create(reports, batch_size=500)
    table = Report._meta.db_table
    fields = [f for f in Report._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(column) for column in ["id", *(f.column for f in fields)])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, len(reports)],
        )
        for report, (pk,) in zip(reports, cursor.fetchall(), strict=True):
            report.pk = pk
        with cursor.cursor.copy(f"COPY {quote(table)} ({columns}) FROM STDIN") as copy:
            for report in reports:
                copy.write_row(
                    [
                        report.pk,
                        *(
                            f.get_db_prep_save(getattr(report, f.attname), connection)
                            for f in fields
                        ),
                    ]
                )
    for report in reports:
        report._state.adding, report._state.db = False, connection.alias
    return reports


def reports_notify_subscribers(*, reports: list[Report]) -> int:
    """E-mail each subscriber the report of their own area (their node), .xlsx attached, through
    the outbox (one row per subscriber and report, deduplicated)."""
    from notifications.services import notification_enqueue

    by_node = {(r.level, r.node_id): r for r in reports}
    count = 0
    subscribers = ReportSubscription.objects.select_related("user").filter(user__is_active=True)
    for subscription in subscribers:
        user = subscription.user
        jurisdiction = user.jurisdiction
        if jurisdiction is None or not user.email:
            continue
        report = by_node.get((jurisdiction.level, jurisdiction.node_id))
        if report is None:
            continue
        with translation.override("zh-hans"):
            subject = _("Monthly report %(month)s: %(area)s") % {
                "month": report.period.strftime("%Y-%m"),
                "area": report.node_name,
            }
            body = _(
                "The monthly report of %(area)s for %(month)s (version %(version)s) is attached."
            ) % {
                "area": report.node_name,
                "month": report.period.strftime("%Y-%m"),
                "version": report.version,
            }
        count += len(
            notification_enqueue(
                kind="reports.monthly",
                subject=subject,
                body=body,
                user=user,
                channels=["email"],
                link=f"/reports/{report.pk}/",
                dedup_key=f"report:{report.pk}:{user.pk}",
                attachment=f"reports.xlsx:{report.pk}",
            )
        )
    return count


@transaction.atomic
def subscription_toggle(*, user: User) -> bool:
    """Subscribe or unsubscribe `user`; returns whether they are subscribed now."""
    deleted, _details = ReportSubscription.objects.filter(user=user).delete()
    if deleted:
        return False
    ReportSubscription.objects.create(user=user)
    return True
