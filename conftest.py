"""Fixtures shared by every app's tests: a small hierarchy, role users, a real browser.

The hierarchy ("world") is a 0.2° square district split into two streets (A west, B east), each
into two communities (1 south, 2 north), each into two area grids (a west, b east):

    22.90 ┌──────────┬──────────┐
          │ A2a│ A2b │ B2a│ B2b │
    22.80 ├──────────┼──────────┤
          │ A1a│ A1b │ B1a│ B1b │
    22.70 └──────────┴──────────┘
        113.80     113.90     114.00
"""

import os
import types
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop beside the ORM

ARTIFACTS = Path(__file__).parent / "test-artifacts"


def pytest_collection_modifyitems(items):
    """Tests on real transactions (browser tests with live_server, thread races) empty the tables
    afterwards; serialized rollback then restores what the data migrations seeded (request
    categories, care tags, facilities, beat schedules), so later tests on the same worker still
    find them."""
    # Every transactional test restores the seeded rows (serialized rollback): one whose flush
    # ran post_migrate would re-create the content types under new ids, and the next restore of
    # the old ids would then collide with them (tests mark transaction=True with
    # serialized_rollback=True for that reason).
    for item in items:
        names = getattr(item, "fixturenames", ())
        if ("transactional_db" in names or "live_server" in names) and not item.get_closest_marker(
            "django_db"
        ):
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))
        marker = item.get_closest_marker("django_db")
        if (
            marker
            and marker.kwargs.get("transaction")
            and not marker.kwargs.get("serialized_rollback")
        ):
            raise pytest.UsageError(
                f"{item.nodeid}: django_db(transaction=True) needs serialized_rollback=True"
            )
    items.sort(key=_run_order)


# Long tests that neither drive a browser nor start a worker or SpatiaLite: a whole demo load
# (twice), migrations run backwards and forwards.
SLOW_TESTS = {
    "test_the_demo_loads_and_a_second_run_adds_nothing",
    "test_renaming_keeps_the_rows_and_the_permissions_granted_in_the_database",
}
SLOW_MARKERS = ("browser", "spatialite", "worker")
SLOW_FIXTURES = {"page", "browser", "live_server"}


def _run_order(item) -> tuple[int, int]:
    """pytest-django's order (tests without the test database, plain database tests, then the
    transactional ones, which empty the tables), with the long tests first within each: a
    browser, a live server, a Celery worker, SpatiaLite, SLOW_TESTS. `-n 2` then ends each group
    on short tests, and neither worker waits long for the other at the end."""
    marker = item.get_closest_marker("django_db")
    names = getattr(item, "fixturenames", ())
    if (marker and marker.kwargs.get("transaction")) or {"transactional_db", "live_server"} & set(
        names
    ):
        group = 2
    elif marker or "db" in names:
        group = 1
    else:
        group = 0
    slow = (
        bool(SLOW_FIXTURES & set(names))
        or any(item.get_closest_marker(marker) for marker in SLOW_MARKERS)
        or getattr(item, "originalname", item.name) in SLOW_TESTS
    )
    return (group, 0 if slow else 1)


# Emptied with TRUNCATE, as Django does: the audit log refuses DELETE (privacy/migrations/0003)
# and allows TRUNCATE only under the test settings' redgrid.audit_maintenance.
TRUNCATED_BY_FLUSH = {"privacy_auditlogentry"}
# What the tables of a connection hold, as far as the flushes and restores below know:
# SEEDED, exactly the rows the migrations seeded (serialized rollback's copy); FLUSHED, nothing.
SEEDED, FLUSHED = "seeded", "flushed"
TABLES: dict[str, str] = {}
# pytest-django's copy of the seeded rows, by database alias, kept here as well (recorded by the
# first restore): the copy lives on one connection object, and in one full run on two workers a
# worker's connection was found without it (cause not found); the seeded rows would then
# silently not come back after a flush.
SEEDED_COPY: dict[str, str] = {}


def pytest_configure(config):
    """Transactional tests (browser tests, thread races) empty the tables after them and put the
    seeded rows back (serialized rollback); done Django's way that cost each of them about a
    second. Here:

    * the flush DELETEs rather than TRUNCATEs. Truncating gives every one of the ~90 tables, its
      indexes and its TOAST table new files, 0.4 s whatever they hold; after a test they hold a
      few rows, deleted in 0.02 s. Django's foreign keys are deferred, so the order of the
      DELETEs does not matter inside the flush's transaction. A flush that resets the sequences
      still truncates;
    * the seeded rows go back into the emptied tables one INSERT per table, as Django's
      deserialization writes them (raw: the stored values, no signals), instead of an UPDATE
      and an INSERT per row (0.45 s);
    * and only once: the next transactional test's own restore (Django's, at its start) is
      skipped while nothing has flushed the tables since (pytest_runtest_teardown restores
      right after each flush, and plain tests roll back)."""
    from django.db.backends.base.creation import BaseDatabaseCreation
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush
    execute_flush = DatabaseOperations.execute_sql_flush
    deserialize = BaseDatabaseCreation.deserialize_db_from_string

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or not tables:
            return truncate(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        kept = [t for t in tables if t in TRUNCATED_BY_FLUSH]
        statements = truncate(self, style, kept, allow_cascade=allow_cascade) if kept else []
        return statements + [
            f"{style.SQL_KEYWORD('DELETE')} {style.SQL_KEYWORD('FROM')} "
            f"{style.SQL_FIELD(self.quote_name(table))};"
            for table in tables
            if table not in TRUNCATED_BY_FLUSH
        ]

    def execute_sql_flush(self, sql_list):
        TABLES.pop(self.connection.alias, None)
        execute_flush(self, sql_list)
        TABLES[self.connection.alias] = FLUSHED

    def deserialize_db_from_string(self, data):
        SEEDED_COPY.setdefault(self.connection.alias, data)
        state = TABLES.get(self.connection.alias)
        if state == SEEDED:
            return
        if state == FLUSHED and self.connection.vendor == "postgresql":
            _restore_into_empty_tables(self.connection, data)
        else:
            deserialize(self, data)
        TABLES[self.connection.alias] = SEEDED

    DatabaseOperations.sql_flush = sql_flush
    DatabaseOperations.execute_sql_flush = execute_sql_flush
    BaseDatabaseCreation.deserialize_db_from_string = deserialize_db_from_string


def _restore_into_empty_tables(connection, data):
    """Django's deserialize_db_from_string for tables known to be empty: the rows of each model
    in one INSERT with their stored values (raw, as a deserialized object's save() writes them),
    then the many-to-many rows; the constraints checked at the end, as Django does."""
    from io import StringIO

    from django.core import serializers
    from django.db import transaction
    from django.db.models.sql import InsertQuery

    by_model, with_m2m = {}, []
    with transaction.atomic(using=connection.alias), connection.constraint_checks_disabled():
        for item in serializers.deserialize("json", StringIO(data), using=connection.alias):
            if item.object._meta.parents or item.deferred_fields:
                item.save()  # multi-table inheritance, natural keys: Django's own way
                continue
            by_model.setdefault(type(item.object), []).append(item.object)
            if item.m2m_data:
                with_m2m.append(item)
        for model, objs in by_model.items():
            fields = [f for f in model._meta.local_concrete_fields if not f.generated]
            query = InsertQuery(model)
            query.insert_values(fields, objs, raw=True)
            query.get_compiler(using=connection.alias).execute_sql(returning_fields=None)
        for item in with_m2m:
            for name, values in item.m2m_data.items():
                getattr(item.object, name).set(values)
        connection.check_constraints(table_names=[m._meta.db_table for m in by_model])


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a test on real transactions has emptied the tables (its flush skips post_migrate
    because of serialized rollback), put the seeded rows back at once, not only when the next
    transactional test starts: a plain test in between would otherwise find no content types,
    and the change history (django-auditlog) would point at rows that are gone."""
    yield
    marker = item.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("serialized_rollback"):
        return  # plain tests roll back; other transactional tests' flush runs post_migrate
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import IntegrityError, connections
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        for connection in connections.all():
            contents = getattr(connection, "_test_serialized_contents", None)
            if not contents and connection.alias in SEEDED_COPY:
                contents = SEEDED_COPY[connection.alias]
                # For Django's own restore at the next transactional test's start too.
                connection._test_serialized_contents = contents
            if contents:
                try:
                    connection.creation.deserialize_db_from_string(contents)
                except IntegrityError:
                    # Something re-created seeded rows (content types, lazily) between the
                    # test's flush and this restore: empty the tables again, then restore. The
                    # sequences are kept: restarted, they would stand below the restored rows'
                    # ids, and the next run on the kept test database (--reuse-db) would get
                    # "duplicate key" for the first category or department it creates.
                    call_command(
                        "flush",
                        database=connection.alias,
                        interactive=False,
                        inhibit_post_migrate=True,
                        reset_sequences=False,
                        verbosity=0,
                    )
                    connection.creation.deserialize_db_from_string(contents)
    ContentType.objects.clear_cache()


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def world(db):
    from django.contrib.gis.geos import MultiPolygon, Polygon

    from accounts.models import Role
    from accounts.tests.factories import UserFactory
    from grids.models import GridAssignment
    from grids.tests.factories import (
        AreaGridFactory,
        CommunityFactory,
        DistrictFactory,
        GridAssignmentFactory,
        StreetFactory,
    )

    def box(x0, y0, x1, y1):
        return MultiPolygon(Polygon.from_bbox((x0, y0, x1, y1)), srid=4326)

    district = DistrictFactory(boundary=box(113.80, 22.70, 114.00, 22.90))
    w = types.SimpleNamespace(district=district, streets={}, communities={}, grids={})
    for s_index, street_key in enumerate("AB"):
        sx = 113.80 + 0.1 * s_index
        street = StreetFactory(
            district=district,
            code=f"440311{s_index + 1:03d}",
            name=f"{street_key}街道",
            boundary=box(sx, 22.70, sx + 0.1, 22.90),
        )
        w.streets[street_key] = street
        for c_index in (1, 2):
            cy = 22.70 + 0.1 * (c_index - 1)
            community = CommunityFactory(
                street=street,
                code=f"{street.code}{c_index:03d}",
                name=f"{street_key}{c_index}社区",
                boundary=box(sx, cy, sx + 0.1, cy + 0.1),
            )
            w.communities[f"{street_key}{c_index}"] = community
            for g_index, grid_key in enumerate("ab"):
                gx = sx + 0.05 * g_index
                grid = AreaGridFactory(
                    community=community,
                    code=f"{community.code}{g_index + 1:02d}",
                    name=f"{street_key}{c_index}{grid_key}网格",
                    boundary=box(gx, cy, gx + 0.05, cy + 0.1),
                )
                w.grids[f"{street_key}{c_index}{grid_key}"] = grid

    def user(username, role, node):
        return UserFactory(
            username=username, role=role, node=node, last_name="测", first_name=username
        )

    w.users = types.SimpleNamespace(
        district_admin=user("district", Role.DISTRICT_ADMIN, district),
        street_staff=user("street_a", Role.STREET_STAFF, w.streets["A"]),
        community_staff=user("community_a1", Role.COMMUNITY_STAFF, w.communities["A1"]),
        grid_head=user("head_a1a", Role.GRID_HEAD, w.grids["A1a"]),
        grid_worker=user("worker_a1a", Role.GRID_WORKER, w.grids["A1a"]),
        party_member=user("member_a1a", Role.PARTY_MEMBER, w.grids["A1a"]),
        other_grid_head=user("head_a1b", Role.GRID_HEAD, w.grids["A1b"]),
        other_street_staff=user("street_b", Role.STREET_STAFF, w.streets["B"]),
        no_role=UserFactory(username="nobody"),
    )
    GridAssignmentFactory(
        grid=w.grids["A1a"], user=w.users.grid_head, role=GridAssignment.Role.GRID_HEAD
    )
    GridAssignmentFactory(grid=w.grids["A1a"], user=w.users.grid_worker)
    GridAssignmentFactory(
        grid=w.grids["A1b"], user=w.users.other_grid_head, role=GridAssignment.Role.GRID_HEAD
    )
    return w


class CountingCache:
    """The deployment's cache as a module uses it (monkeypatch it over the module's `cache`),
    counting its reads: proves what is served from a per-process copy."""

    def __init__(self):
        from django.core.cache import cache

        self.cache, self.reads = cache, 0

    def get(self, key):
        self.reads += 1
        return self.cache.get(key)

    def set(self, *args, **kwargs):
        return self.cache.set(*args, **kwargs)


def login_verified(client, user):
    """Sign the test client in as `user` with the second factor confirmed, as after the TOTP step
    at login (accounts that may reveal personal data use the site only so)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def admin_client(db, admin_user, client):
    """pytest-django's superuser client, past the second-factor step superusers take."""
    return login_verified(client, admin_user)


# --- Browser (Debian's chromium through Playwright) ------------------------------------------------
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=os.environ.get("REDGRID_CHROMIUM", "/usr/bin/chromium"),
            args=CHROMIUM_ARGS,
        )
        yield chromium
        chromium.close()


# Counts the page's own requests in flight (fetch and XMLHttpRequest: htmx, the maps' data) for
# page_settled; installed in every page before the site's scripts run.
IN_FLIGHT_SCRIPT = """(() => {
  window.__inFlight = 0;
  const done = () => { window.__inFlight -= 1; };
  const fetch0 = window.fetch;
  window.fetch = function (...args) {
    window.__inFlight += 1;
    return fetch0.apply(this, args).finally(done);
  };
  const send0 = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function (...args) {
    window.__inFlight += 1;
    this.addEventListener("loadend", done, {once: true});
    return send0.apply(this, args);
  };
})();"""
SETTLED = """() => document.readyState === "complete" && window.__inFlight === 0
  && document.fonts.status === "loaded" && [...document.images].every((i) => i.complete)
  && !document.querySelector(".htmx-request, .htmx-settling, .htmx-swapping")"""


def page_settled(page):
    """Wait until the page has loaded, its own requests (htmx, the maps' data) have answered and
    its images (map tiles) are in, and it stays so for 100 ms (a request started from the
    answer of another). Playwright's "networkidle" waits for the same and then 500 ms more on
    every page: half a minute of each axe and screenshot sweep."""
    page.wait_for_function(SETTLED, polling=25)
    page.wait_for_timeout(100)
    page.wait_for_function(SETTLED, polling=25)


@pytest.fixture
def page(browser):
    """A fresh browser page at phone size, with the browser's language set to US English so
    that tests prove the site is Chinese by default regardless of the browser."""
    context = browser.new_context(viewport=PHONE, locale="en-US", timezone_id="Asia/Shanghai")
    context.add_init_script(IN_FLIGHT_SCRIPT)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def artifacts():
    """Folder for screenshots kept by the test run (test-artifacts/)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def browser_login(page, live_server, username, password="pw-for-tests-1", *, second_factor=True):
    """Sign in through the login page. An account that may reveal personal data is then asked for
    its TOTP code: with `second_factor` the test answers it like the owner's authenticator app
    (a confirmed device is made for the account if it has none)."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    if second_factor and "/accounts/second-factor/" in page.url:
        _browser_second_factor(page, username)


def _browser_second_factor(page, username):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import User

    user = User.objects.get(username=username)
    device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "-pk").first()
    if device is None or "/setup/" in page.url:
        # Enrolment: the page made an unconfirmed device; its key is what the app would scan.
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    page.fill("input[name=code]", code)
    page.click("button[type=submit].primary")
    page.wait_for_load_state()
