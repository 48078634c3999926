"""The dashboards' panels are kept in the cache (dashboards.marks): a page shown again is one
query for its figures, every write shows at once, the clock is followed (a deadline that passes
moves a request from "nearly due" to "overdue"), and nobody is served another person's, another
grid's or another street's figures."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import CountingCache

pytestmark = pytest.mark.django_db


def _tile(html, name):
    match = re.search(rf'id="tile-{name}"><span class="dash-num">([^<]*)</span>', html)
    assert match, name
    return match.group(1)


def _figure(html, key):
    """This month's value of a figure of the month table."""
    match = re.search(rf'<tr data-figure="{key}">.*?<td>(?:<a [^>]*>)?([^<]*)', html, re.S)
    assert match, key
    return match.group(1).strip()


def _get(client, url="/dashboard/"):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(("url", "kept"), [("/dashboard/", 4), ("/overview/", 3)])
def test_a_page_shown_again_is_kept(world, populate, client_as, url, kept):
    populate(2)
    client = client_as(world.users.street_staff)
    built = _queries(client, url)
    # The session; the account with its rights and the bell's count (accounts.session_user);
    # the marks; on the dashboard, its inbox (read live).
    assert _queries(client, url) == kept < built


def test_a_new_request_in_the_grid_shows_at_once(world, populate, make_request, client_as):
    populate(1)
    client = client_as(world.users.grid_head)
    assert _tile(_get(client), "waiting") == "2"  # one reported, one filed
    make_request()  # through the desk's service
    assert _tile(_get(client), "waiting") == "3"
    # A queryset update (no save(), no signal) shows too: the triggers move the mark.
    from requests_desk.models import Request, Stage

    Request.objects.filter(grid=world.grids["A1a"], stage=Stage.REPORTED).update(
        stage=Stage.CLOSED, closed_at=timezone.now(), closure_type="normal"
    )
    assert _tile(_get(client), "waiting") == "1"


def test_a_request_in_another_grid_keeps_the_grid_heads_panels(world, populate, client_as):
    """The mark is the area's: a request elsewhere does not rebuild the grid head's page."""
    from requests_desk.models import Request, new_tracking_code

    made = populate(1)
    client = client_as(world.users.grid_head)
    _get(client)
    elsewhere = made["reported"][0]
    elsewhere.pk, elsewhere.code, elsewhere.grid = None, new_tracking_code(), world.grids["B1a"]
    Request.objects.bulk_create([elsewhere])
    assert _queries(client, "/dashboard/") == 4


def test_a_visit_recorded_shows_at_once(world, households, client_as):
    from care.models import Visit
    from care.services import visit_record

    household = households(1)[0]
    client = client_as(world.users.grid_head)
    html = _get(client)
    assert _figure(html, "visits") == "0"
    assert _tile(html, "visits") == "1"  # never visited: overdue
    visit_record(
        household=household,
        visitor=world.users.grid_worker,
        visited_on=timezone.localdate(),
        mode=Visit.Mode.IN_PERSON,
    )
    html = _get(client)
    assert _figure(html, "visits") == "1"
    assert _tile(html, "visits") == "0"


def test_a_patrol_shows_at_once(world, client_as):
    from patrols.services import patrol_start

    client = client_as(world.users.grid_head)
    assert _figure(_get(client), "patrols") == "0"
    patrol_start(worker=world.users.grid_worker)
    assert _figure(_get(client), "patrols") == "1"


def test_a_renamed_worker_shows_at_once(world, client_as):
    client = client_as(world.users.grid_head)
    assert "测worker_a1a" in _get(client)
    worker = world.users.grid_worker
    worker.first_name = "新名"
    worker.save(update_fields=["first_name"])
    html = _get(client)
    assert "测新名" in html and "测worker_a1a" not in html


def test_a_passing_deadline_moves_a_request_from_nearly_due_to_overdue(
    world, populate, client_as, monkeypatch
):
    """No write happens: the kept panels hold only until the next deadline."""
    from requests_desk.models import Request, Stage

    now = timezone.now()
    Request.objects.bulk_create(
        [
            Request(
                source=Request.Source.GRID_PATROL,
                category=next(iter(populate(1)["reported"])).category,
                description="快到期",
                street=world.streets["A"],
                community=world.communities["A1"],
                grid=world.grids["A1a"],
                stage=Stage.HANDLING,
                dispatched_at=now - datetime.timedelta(days=1),
                due_at=now + datetime.timedelta(minutes=5),
            )
        ]
    )
    client = client_as(world.users.grid_head)
    html = _get(client)
    assert (_tile(html, "overdue"), _tile(html, "nearly")) == ("1", "2")
    assert _queries(client, "/dashboard/") == 4  # kept
    later = now + datetime.timedelta(minutes=10)
    monkeypatch.setattr(timezone, "now", lambda: later)
    html = _get(client)
    assert (_tile(html, "overdue"), _tile(html, "nearly")) == ("2", "1")


def test_another_grid_head_never_gets_the_kept_panels(world, populate, client_as):
    populate(2)  # in A1a only
    client = client_as(world.users.grid_head)
    html = _get(client)
    assert "A1a网格" in html and _tile(html, "waiting") == "4"
    client.logout()
    other = client_as(world.users.other_grid_head)
    html = _get(other)
    assert "A1b网格" in html and "A1a网格</h1>" not in html
    assert _tile(html, "waiting") == "0"


def test_a_grid_head_moved_to_another_grid_sees_it_at_once(world, populate, client_as):
    populate(2)
    head = world.users.grid_head
    client = client_as(head)
    assert _tile(_get(client), "waiting") == "4"
    head.grid = world.grids["A1b"]
    head.save()
    html = _get(client)
    assert "A1b网格" in html and _tile(html, "waiting") == "0"


def test_another_street_never_gets_the_kept_overview(world, populate, client_as):
    populate(2)  # A1a, in street A
    populate(1, grid="B1a")
    client = client_as(world.users.street_staff)
    html = _get(client, "/overview/")
    assert 'data-grid="440311001001' in html and 'data-grid="440311002' not in html
    client.logout()
    other = client_as(world.users.other_street_staff)
    html = _get(other, "/overview/")
    assert 'data-grid="440311002001' in html and 'data-grid="440311001' not in html


def test_the_overview_follows_a_new_request_at_once(world, populate, client_as):
    populate(1)
    client = client_as(world.users.street_staff)
    before = client.get("/overview/").context["trend"][-1]["received"]
    populate(2)
    assert client.get("/overview/").context["trend"][-1]["received"] == before + 2 * 5


def test_without_marks_nothing_is_kept(world, populate, client_as, settings):
    settings.REDGRID_DASHBOARDS_PANEL_CACHE_SECONDS = 0
    populate(1)
    client = client_as(world.users.grid_head)
    client.get("/dashboard/")  # warm per-process caches (content types, categories)
    built = _queries(client, "/dashboard/")
    assert _queries(client, "/dashboard/") == built > 4


def test_kept_forms_carry_this_pages_csrf_token(world, populate, client_as):
    """The kept HTML has a slot for the token; each page puts in its own, and the desk's
    endpoint accepts it with the CSRF check on."""
    from django.test import Client

    made = populate(1)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users.grid_head)
    client.get("/dashboard/")
    html = _get(client)  # kept
    assert "csrf-slot" not in html
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))
    assert tokens
    reported = made["reported"][0]
    response = client.post(
        f"/requests/case/{reported.code}/act/accept/",
        {"note": "", "version": reported.version, "csrfmiddlewaretoken": tokens.pop()},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and 'data-stage="accepted"' in response.content.decode()


def test_a_changed_list_length_is_not_served_from_the_kept_page(
    world, populate, client_as, settings
):
    populate(3)
    client = client_as(world.users.grid_head)
    assert _get(client).count('class="dash-row"') == 6 + 3 + 3  # waiting, overdue, nearly
    settings.REDGRID_DASHBOARDS_LIST_LIMIT = 2
    assert _get(client).count('class="dash-row"') == 2 + 2 + 2


def test_a_bulk_load_with_the_triggers_off_moves_the_marks_when_it_says_so(
    world, populate, client_as
):
    """bench.generate COPYs with session_replication_role = replica (no trigger fires): then
    marks_move_all() makes nothing kept before it served again."""
    from django.db import connection

    from dashboards.marks import marks_move_all
    from requests_desk.models import Request

    made = populate(1)
    client = client_as(world.users.grid_head)
    assert _tile(_get(client), "waiting") == "2"
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        try:
            Request.objects.filter(pk=made["reported"][0].pk).delete()
        finally:
            cursor.execute("SET session_replication_role = origin")
    assert _tile(_get(client), "waiting") == "2"  # what the triggers did not see
    marks_move_all()
    assert _tile(_get(client), "waiting") == "1"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_committed_write_shows_at_once(world, populate, make_request, client_as):
    """Outside a test's transaction: the marks move when the writing transaction commits. A
    page's marks are read by a statement prepared on its connection (core.prepared), which
    reads them afresh each time."""
    populate(1)
    client = client_as(world.users.grid_head)
    assert _tile(_get(client), "waiting") == "2"
    assert _queries(client, "/dashboard/") == 4
    make_request()
    assert _tile(_get(client), "waiting") == "3"
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        statements = [row[0] for row in cursor.fetchall()]
    assert [s for s in statements if "FROM dashboards_area_mark" in s]


@pytest.fixture
def counted(monkeypatch, settings):
    from dashboards import marks

    settings.REDGRID_DASHBOARDS_PANEL_CACHE_SECONDS = 60
    counting = CountingCache()
    monkeypatch.setattr(marks, "cache", counting)
    return counting


def _builder(until=None):
    from dashboards.marks import Kept

    built = []

    def build():
        built.append(1)
        return Kept(len(built), until)

    return build, built


def test_this_process_keeps_its_copy_under_the_same_key(counted):
    import uuid

    from dashboards.marks import kept

    mark = (uuid.uuid4().hex,)
    build, built = _builder()
    assert kept("t", (1,), mark, build) == 1
    assert kept("t", (1,), mark, build) == 1
    assert (len(built), counted.reads) == (1, 1)  # the second: no build, no cache read
    assert kept("t", (1,), (uuid.uuid4().hex,), build) == 2  # a moved mark: built again
    assert kept("t", (2,), mark, build) == 3  # another reader's key


def test_this_processs_copy_is_read_again_after_the_cache_time(counted, monkeypatch):
    import uuid

    from django.utils import timezone

    from dashboards.marks import kept

    mark, start = (uuid.uuid4().hex,), timezone.now()
    build, built = _builder()
    assert kept("t", (), mark, build) == 1
    monkeypatch.setattr(timezone, "now", lambda: start + datetime.timedelta(seconds=61))
    assert kept("t", (), mark, build) == 1  # read from the cache again (Redis still has it)
    assert (len(built), counted.reads) == (1, 2)


def test_this_processs_copy_ends_when_what_it_shows_stops_holding(counted, monkeypatch):
    import uuid

    from django.utils import timezone

    from dashboards.marks import kept

    mark, start = (uuid.uuid4().hex,), timezone.now()
    build, built = _builder(until=start + datetime.timedelta(seconds=10))
    assert kept("t", (), mark, build) == 1
    monkeypatch.setattr(timezone, "now", lambda: start + datetime.timedelta(seconds=11))
    assert kept("t", (), mark, build) == 2  # a deadline passed: built again


def _sequence_used(cursor):
    cursor.execute("SELECT last_value FROM dashboards_mark_seq")
    return cursor.fetchone()[0]


def test_a_transaction_moves_a_mark_once_however_many_rows_it_writes(world):
    """Migration dashboards 0002: one move per transaction (and read epoch), not one per row —
    a commit of N rows took time quadratic in N."""
    from accounts.models import User
    from dashboards.marks import marks

    with connection.cursor() as cursor:
        first = marks("district", None)
        used = _sequence_used(cursor)
        changed = User.objects.update(first_name="改名")  # every account: the "work" mark
        assert changed > 5
        second = marks("district", None)  # the deferred triggers fire here
        assert second[2] != first[2]  # the work mark moved…
        assert _sequence_used(cursor) == used + 1  # …once, not once per account
        # Written again after that read: the mark moves again (a new epoch), once.
        User.objects.update(first_name="又改名")
        third = marks("district", None)
        assert third[2] != second[2]
        assert _sequence_used(cursor) == used + 2
        # Read again without a write: the same marks.
        assert marks("district", None) == third


def test_an_areas_mark_moves_once_for_many_requests_of_the_area(world, populate):
    from dashboards.marks import marks

    grid = world.grids["A1a"]
    before = marks("grid", grid.pk)
    with connection.cursor() as cursor:
        used = _sequence_used(cursor)
        populate(3)  # requests of every kind in A1a and B1a: two areas
        after = marks("grid", grid.pk)
        assert after[0] != before[0]
        assert _sequence_used(cursor) - used <= 3  # A1a, B1a (and "work" for the new people)


def test_a_move_taken_back_by_a_savepoint_is_made_again(world):
    from django.db import transaction

    from accounts.models import User
    from dashboards.marks import marks

    first = marks("district", None)
    with transaction.atomic():
        User.objects.update(first_name="改名")
        inside = marks("district", None)
        assert inside[2] != first[2]
        transaction.set_rollback(True)
    assert marks("district", None) == first  # the savepoint's move went with it
    User.objects.update(first_name="再改名")
    assert marks("district", None)[2] != first[2]
