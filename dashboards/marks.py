"""The dashboards' panels kept in the cache behind change marks (migration dashboards 0001), so
that a page shown again does not count its figures again — and never shows stale ones.

A panel's figures depend on four things: the rows they count (the marks: the requests of the
area, the human-paced tables, the hierarchy and the map tables, all read in ONE statement), who
asks (their account's rights: the key holds them, so no one gets another person's or another
jurisdiction's figures), the day (today's lists and this month's figures) and the clock (a
request becomes nearly due, then overdue, when the time passes its deadline; a patrol place when
its next visit was due; an activity leaves the list when it ends). Each build therefore says
until when it holds (`Kept.until`: the next such moment, read with the figures) and is rebuilt
from then on.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db import connection
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.translation import get_language

from core import prepared
from core.bounded import Bounded
from dashboards.conf import conf

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

# The area's rows of the requests' mark: {level: column}; a district reads them all.
_AREA_COLUMNS = {"street": "street_id", "community": "community_id", "grid": "grid_id"}
_ROW = "version::text || ':' || xmin::text"
# The marks' triggers (migration dashboards 0001): deferred to the commit.
_TRIGGERS = ", ".join(
    f"{table}_dash_mark"
    for table in (
        "requests_desk_request",
        "care_household",
        "care_resident",
        "care_residenttag",
        "care_caretag",
        "care_pairing",
        "care_pairing_members",
        "care_visit",
        "patrols_patrol",
        "patrols_patrolplan",
        "patrols_checkin",
        "volunteers_activity",
        "volunteers_signup",
        "volunteers_registration",
        "party_branches_partymember",
        "party_branches_partybranch",
        "party_branches_meeting",
        "grids_gridassignment",
        "requests_desk_category",
        "requests_desk_department",
        "accounts_user",
        "grids_district",
        "grids_keyplace",
        "service_points_serviceposition",
    )
)


def _read(sql: str, params: list) -> tuple:
    """One row of marks. Inside a transaction (a test, a page built after a write in the same
    transaction) the writes made so far move their marks first: the triggers are deferred to
    the commit, and what this transaction reads must not be kept under the marks before it."""
    if not connection.in_atomic_block:
        # A page's request: prepared on its connection (core.prepared), as planning the
        # statement cost about as much as running it.
        return prepared.scalars(sql, params)
    with connection.cursor() as cursor:
        # Then a new epoch: a mark moves once per transaction and epoch (migration dashboards
        # 0002), and what this transaction writes after this read must move the marks again.
        flush = (
            f"SET CONSTRAINTS {_TRIGGERS} IMMEDIATE; SET CONSTRAINTS {_TRIGGERS} DEFERRED; "
            "SELECT set_config('redgrid.marks_epoch', %s, true)"
        )
        epoch = uuid.uuid4().hex
        if connection.settings_dict.get("OPTIONS", {}).get("server_side_binding"):
            # One command per prepared statement.
            *settings, new_epoch = flush.split("; ")
            for statement in settings:
                cursor.execute(statement)
            cursor.execute(new_epoch, [epoch])
        else:
            sql, params = f"{flush}; {sql}", [epoch, *params]
        cursor.execute(sql, params)
        while cursor.nextset():  # the last statement's row: the marks
            pass
        return tuple(cursor.fetchone())


def marks(level: str | None, node_id: int | None) -> tuple | None:
    """The marks of what the dashboards read for the area (level, node), in one statement: the
    requests of the area, its rows of the monthly summary (their ids and xmin: the summary has
    no trigger, see migration dashboards 0001), the human-paced tables ("work"), the map tables
    and the hierarchy (grids 0004). None without marks (SpatiaLite): nothing is cached."""
    if connection.vendor != "postgresql":
        return None
    column = _AREA_COLUMNS.get(level or "")
    where, params = (f"WHERE {column} = %s", [node_id, node_id]) if column else ("", [])
    sql = (
        "SELECT (SELECT md5(coalesce(string_agg("
        f"{_ROW}, ',' ORDER BY street_id, community_id, grid_id), '')) "
        f"FROM dashboards_area_mark {where}), "
        "(SELECT md5(coalesce(string_agg(id::text || ':' || xmin::text, ',' ORDER BY id), '')) "
        f"FROM requests_desk_monthlyfigures {where}), "
        f"(SELECT {_ROW} FROM dashboards_mark WHERE name = 'work'), "
        f"(SELECT {_ROW} FROM dashboards_mark WHERE name = 'map'), "
        f"(SELECT {_ROW} FROM grids_boundary_mark)"
    )
    return _read(sql, params)


def marks_move_all() -> None:
    """Move every dashboards mark (and give the areas of the requests already there their row):
    for a bulk load that writes with the triggers off (session_replication_role = replica, as
    bench.generate's COPY does), after which nothing kept before may be served."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE dashboards_mark SET version = nextval('dashboards_mark_seq');"
            "UPDATE dashboards_area_mark SET version = nextval('dashboards_mark_seq');"
            "INSERT INTO dashboards_area_mark (street_id, community_id, grid_id, version) "
            "SELECT s, c, g, nextval('dashboards_mark_seq') FROM (SELECT DISTINCT "
            "coalesce(street_id, 0) AS s, coalesce(community_id, 0) AS c, "
            "coalesce(grid_id, 0) AS g FROM requests_desk_request) areas ON CONFLICT DO NOTHING"
        )


def map_marks() -> tuple | None:
    """The marks of the map tables only (dashboards 0001's `map` and the hierarchy's)."""
    if connection.vendor != "postgresql":
        return None
    return _read(
        f"SELECT (SELECT {_ROW} FROM dashboards_mark WHERE name = 'map'), "
        f"(SELECT {_ROW} FROM grids_boundary_mark)",
        [],
    )


def rights(user: Any) -> tuple:
    """What of an account decides what it sees: the cache keys hold it, so a change of role,
    area or care right is a new key (the rest of the account, e.g. its last login, is not)."""
    return (
        user.pk,
        user.role,
        user.is_active,
        user.is_superuser,
        user.care_role,
        user.district_id,
        user.street_id,
        user.community_id,
        user.grid_id,
    )


@dataclass
class Kept:
    """A cached build and the moment from which it no longer holds (None: only the day ends it
    — the key holds the day)."""

    value: Any
    until: datetime.datetime | None = None


@functools.cache
def _code() -> str:
    """A digest of the dashboards' own code and templates: a deployment that changes what the
    panels hold or how they are rendered does not read what the previous one kept."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted([*root.glob("*.py"), *root.glob("templates/**/*.html")]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _tuning() -> tuple:
    """The settings what is kept depends on (list lengths, the nearly-due window, the map's
    tiles): changed, they are a new key."""
    from django.conf import settings

    from requests_desk.conf import conf as desk

    return (
        conf.LIST_LIMIT,
        conf.PIN_LIMIT,
        conf.UPCOMING_DAYS,
        conf.TREND_MONTHS,
        desk.NEARLY_DUE_HOURS,
        settings.REDGRID_TILE_URL,
        settings.REDGRID_TILE_ATTRIBUTION,
        settings.REDGRID_TILE_DATUM,
    )


def earliest(*moments: datetime.datetime | None) -> datetime.datetime | None:
    found = [m for m in moments if m is not None]
    return min(found) if found else None


# This process's copy of what it last read from or wrote to the cache, until it stops holding
# (Bounded.keep_until). The key holds the marks, so a copy is never staler than the cache's;
# it saves the page the cache's round trip and unpickling (issue 17). Values are shared by
# every request of the process: callers never change what `kept` returns.
_LOCAL = Bounded(256)


def kept(name: str, parts: tuple, mark: tuple | None, build: Callable[[], Kept]) -> Any:
    """`build()`'s value, kept under `name` and `parts` (who asks, the area, the day…), the
    language, the script prefix (URLs), the code and settings it was built with and `mark`
    until its `until`: in the cache, shared by the processes, and in this process's memory.
    Without a mark (no PostgreSQL, or REDGRID_DASHBOARDS_PANEL_CACHE_SECONDS = 0) it is built
    every time.

    The mark is read before the figures (READ COMMITTED: each statement sees what was committed
    when it started), so what is kept under a mark is never older than the mark says."""
    seconds = conf.PANEL_CACHE_SECONDS
    if mark is None or not seconds:
        return build().value
    raw = repr((name, parts, get_language(), get_script_prefix(), mark, _code(), _tuning()))
    key = f"dashboards:panels:{name}:{hashlib.sha256(raw.encode()).hexdigest()[:40]}"
    now = timezone.now()
    local = _LOCAL.get_until(key, now)
    if local is not None:
        return local
    found = cache.get(key)
    if found is not None:
        until, value = found
        if until is None or now < until:
            _keep_local(key, until, value, now=now, seconds=seconds)
            return value
    made = build()
    timeout = seconds
    if made.until is not None:
        timeout = min(seconds, max(1, int((made.until - now).total_seconds())))
    cache.set(key, (made.until, made.value), timeout)
    _keep_local(key, made.until, made.value, now=now, seconds=seconds)
    return made.value


def _keep_local(key: str, until, value, *, now: datetime.datetime, seconds: int) -> None:
    """This process's copy until the value stops holding (`until`; the key holds the marks and
    the day), for at most PANEL_CACHE_SECONDS from now: that time bounds memory, not freshness,
    so a copy taken from the cache may outlive the cache's own entry."""
    limit = now + datetime.timedelta(seconds=seconds)
    _LOCAL.keep_until(key, limit if until is None else min(until, limit), value)
