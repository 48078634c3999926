"""Hot pages run a fixed number of queries whatever the data (issue 17): the public status page
with a long public timeline, the staff queue with more rows, the Open311 list served from its
answer cache."""

import json

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import CountingCache, login_verified
from requests_desk import flow
from requests_desk.models import Request, Stage
from requests_desk.tests.test_flow import bring_to

LISTED = Request.Source.RESIDENT_FORM


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_status_page_queries_do_not_grow_with_the_timeline(client, world, make_request, settings):
    # Rendered every time (the page cache answers with one query: test_status_page_cache).
    settings.REDGRID_REQUESTS_DESK_STATUS_PAGE_CACHE_SECONDS = 0
    short = make_request(source=LISTED, consent=True, reporter_phone="13812345678")
    long = make_request(source=LISTED, consent=True, reporter_phone="13812345679")
    for item in (short, long):
        bring_to(item, Stage.DISPATCHED, world.users.district_admin)
    for n in range(6):
        flow.transition(
            case=long, action="reply", by=world.users.grid_head, note=f"第{n}次回复", public=True
        )
    url = lambda item: reverse("requests_desk:status", args=[item.code])  # noqa: E731
    client.get(url(short))  # rate-limit keys and templates warm
    assert _queries(client, url(short)) == _queries(client, url(long))


def test_queue_queries_do_not_grow_with_the_rows(client, world, make_request):
    login_verified(client, world.users.district_admin)
    make_request(grid="A1a")
    client.get("/requests/queue/?stage=")  # the option lists kept (requests_desk.queue_options)
    small = _queries(client, "/requests/queue/?stage=")
    for grid in ("A1b", "A2a", "B1a", "B1b", "A1a", "A1b"):
        make_request(grid=grid, description=f"{grid} 网格里的暴露垃圾")
    assert _queries(client, "/requests/queue/?stage=") == small


def test_open311_list_answers_from_its_cache_until_a_request_is_written(
    client, world, make_request
):
    make_request(grid="A1a", source=LISTED)
    url = "/open311/v2/requests.json"
    first = client.get(url)
    etag = first["ETag"]
    # Served again: one query (the change mark), the same bytes and ETag.
    assert _queries(client, url) == 1
    assert client.get(url).content == first.content
    # The client that has it gets a 304 without a body.
    not_modified = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status_code == 304 and not_modified.content == b""
    # A new request (or any timeline entry) is in the next answer at once.
    make_request(grid="B1a", source=LISTED, description="新的一件")
    fresh = client.get(url)
    assert fresh["ETag"] != etag
    assert len(json.loads(fresh.content)) == 2
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_a_residents_submission_takes_two_statements(client, world, categories):
    """The change marks with the duplicate check and the new request's id, then the request, its
    timeline entry, the grid head's inbox message and the monthly figures in one statement: no
    category or area alert query (their marks), no PostGIS lookup (grids.locate's index), no
    grid head lookup (requests_desk.notices)."""
    from requests_desk.models import RequestEvent

    def submit(phone, grid):
        centre = world.grids[grid].boundary.centroid
        data = {
            "category": categories["E0103"].pk,
            "description": "楼下垃圾桶旁边堆满垃圾",
            "lat": centre.y,
            "lon": centre.x,
            "reporter_phone": phone,
            "consent": "on",
            "confirm_new": "on",
        }
        with CaptureQueriesContext(connection) as captured:
            response = client.post(reverse("requests_desk:new"), data)
        assert response.status_code == 302
        return [q["sql"] for q in captured.captured_queries]

    submit("13900000001", "A1b")  # the grids' index and the heads are read once per process
    statements = submit("13900000002", "A1a")
    # The test runs in a transaction: request_create's write is in a savepoint of it (on its
    # own, without a caller's transaction, it is one statement: test_submission_marks).
    savepoints = [sql for sql in statements if "SAVEPOINT" in sql]
    statements = [sql for sql in statements if "SAVEPOINT" not in sql]
    assert len(statements) == 2, "\n".join(s[:150] for s in statements)
    assert len(savepoints) == 2 and not any("ST_Intersects" in sql for sql in statements)
    assert Request.objects.count() == 2 and RequestEvent.objects.count() == 2
    assert Request.objects.get(reporter_phone_index__gt="", grid=world.grids["A1a"]).grid_id


def test_the_hot_marks_statements_are_prepared(client, world, categories, make_request):
    """The Open311 list's change mark and the submission's marks-and-duplicate statement are
    prepared on their connection (core.prepared): planning them cost as much as running them."""
    make_request(grid="A1a", source=LISTED)
    client.get("/open311/v2/requests.json")
    centre = world.grids["A1a"].boundary.centroid
    response = client.post(
        reverse("requests_desk:new"),
        {
            "category": categories["E0103"].pk,
            "description": "楼下垃圾桶旁边堆满垃圾",
            "lat": centre.y,
            "lon": centre.x,
            "reporter_phone": "13900000003",
            "consent": "on",
            "confirm_new": "on",
        },
    )
    assert response.status_code == 302
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        statements = [row[0] for row in cursor.fetchall()]
    assert [s for s in statements if "max(id) FROM requests_desk_requestevent" in s]
    assert [s for s in statements if "WITH mine AS MATERIALIZED" in s]


def test_open311_list_served_again_is_this_processs_copy(client, world, make_request, monkeypatch):
    from requests_desk import open311

    counting = CountingCache()
    monkeypatch.setattr(open311, "cache", counting)
    make_request(grid="A1a", source=LISTED)
    url = "/open311/v2/requests.json"
    first = client.get(url).content
    reads = counting.reads
    for _ in range(3):
        assert client.get(url).content == first
    assert counting.reads == reads  # not read from Redis again
    # Another process (an empty copy) reads the shared cache's answer: the same bytes.
    open311._ANSWERS.clear()
    assert client.get(url).content == first
    assert counting.reads == reads + 1


def test_open311_lists_copy_holds_no_longer_than_the_cache(
    client, world, make_request, settings, monkeypatch
):
    """An edit that writes no timeline entry (no new change mark) shows once the answer's
    OPEN311_LIST_CACHE_SECONDS have passed, in this process's copy as in the shared cache."""
    import time

    settings.REDGRID_REQUESTS_DESK_OPEN311_LIST_CACHE_SECONDS = 10
    item = make_request(grid="A1a", source=LISTED, description="路灯不亮")
    url = "/open311/v2/requests.json"
    assert "路灯不亮" in client.get(url).content.decode()
    Request.objects.filter(pk=item.pk).update(description="路灯已经修好")
    assert "路灯不亮" in client.get(url).content.decode()  # within the 10 seconds
    later = time.time() + 11
    monkeypatch.setattr(time, "time", lambda: later)
    assert "路灯已经修好" in client.get(url).content.decode()


def test_an_open311_answer_over_the_limit_is_not_copied(client, world, make_request, monkeypatch):
    from requests_desk import open311

    monkeypatch.setattr(open311, "ANSWER_KEPT_MAX_BYTES", 10)
    open311._ANSWERS.clear()
    make_request(grid="A1a", source=LISTED)
    first = client.get("/open311/v2/requests.json").content
    assert len(first) > 10 and not open311._ANSWERS
    assert client.get("/open311/v2/requests.json").content == first  # from the shared cache
