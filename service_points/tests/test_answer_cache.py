"""The public list of positions, its map data and the GeoJSON API list are kept in the cache
(service_points.answers) until what they show changes: a second visitor is answered with one
query; a renamed, retired or re-timed position, a new facility, a renamed lookup row or area
shows at once on all three; "open now" follows the clock; the language, the filters, the page and
a signed-in visitor never get another's answer; a browser holding an answer gets a 304 (tests over
HTTP)."""

import datetime
import gzip

import pytest
import time_machine
from django.db import connection
from django.test import Client

from core.periods import time_zone
from service_points import answers
from service_points.models import Facility, OpeningException, ServicePosition
from service_points.services import opening_hours_set
from service_points.tests.factories import MicroSiteFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the change marks are PostgreSQL triggers"
    ),
]
TZ = time_zone()
PAGE, MAP, API = "/positions/", "/positions/map.json", "/api/v1/positions/"
# A Monday: the fixture's positions are open daily 08:30–21:00.
MONDAY_TEN = datetime.datetime(2024, 6, 3, 10, 0, tzinfo=TZ)


def page(query="", client=None, **headers) -> str:
    response = (client or Client()).get(PAGE + query, **headers)
    assert response.status_code == 200
    return response.content.decode()


def pins(query="", **headers) -> dict:
    data = Client().get(MAP + query, **headers).json()
    return {row[0]: dict(zip(data["fields"], row, strict=True)) for row in data["rows"]}


def features(query="", **headers) -> dict:
    data = Client().get(API + query, **headers).json()
    return {f["id"]: f["properties"] for f in data["features"]}


def everything() -> tuple:
    return page(), pins(), features()


def test_a_second_visitor_is_answered_with_one_query(positions, django_assert_num_queries):
    first = everything()
    for url in (PAGE, MAP, API):
        with django_assert_num_queries(1):  # the change marks
            response = Client().get(url)
        assert response.status_code == 200 and response["ETag"]
    assert everything()[1:] == first[1:]
    assert "A1社区党群服务中心" in first[0]


def test_a_changed_position_shows_at_once_everywhere(world, positions, lookups):
    everything()
    centre = ServicePosition.objects.get(pk=positions.centre.pk)
    centre.name = "改名的党群服务中心"
    centre.save()
    html, map_rows, api = everything()
    assert "改名的党群服务中心" in html and "A1社区党群服务中心" not in html
    assert map_rows[centre.pk]["name"] == "改名的党群服务中心"
    assert api[centre.pk]["name"] == "改名的党群服务中心"

    positions.grid_a.facilities.add(Facility.objects.get(code="book_bar"))
    assert "书吧" in page() and features()[positions.grid_a.pk]["facilities"] == ["book_bar"]
    Facility.objects.filter(code="book_bar").update(name="阅读角")  # a renamed lookup row
    assert "阅读角" in page() and "书吧" not in page()

    grid = world.grids["A1a"]
    grid.name = "改名网格"
    grid.save()  # the areas' names: the boundaries' mark
    assert features()[positions.grid_a.pk]["grid"] == "改名网格"

    ServicePosition.objects.filter(pk=positions.micro.pk).update(is_active=False)  # retired
    html, map_rows, api = everything()
    assert "A1a集装箱微站点" not in html
    assert positions.micro.pk not in map_rows and positions.micro.pk not in api

    MicroSiteFactory(grid=world.grids["A1a"], parent=positions.grid_a, name="新开的微站点")
    html, map_rows, api = everything()
    assert "新开的微站点" in html
    assert "新开的微站点" in {row["name"] for row in map_rows.values()}


@time_machine.travel(MONDAY_TEN, tick=False)
def test_new_hours_and_a_holiday_show_at_once(positions):
    assert pins()[positions.centre.pk]["open"] == 1
    assert features()[positions.centre.pk]["open_now"] is True
    page()
    opening_hours_set(
        position=positions.centre, weekly={0: [(datetime.time(18, 0), datetime.time(21, 0))]}
    )
    assert pins()[positions.centre.pk]["open"] == 0
    api = features()[positions.centre.pk]
    assert api["open_now"] is False
    assert api["opening_hours"] == [{"weekday": 0, "opens": "18:00", "closes": "21:00"}]
    assert positions.centre.pk not in pins("?open_now=on")

    OpeningException.objects.create(position=positions.grid_a, date=MONDAY_TEN.date())
    assert pins()[positions.grid_a.pk]["open"] == 0
    assert positions.grid_a.pk not in features("?open_now=true")
    html = page("?open_now=on")
    assert "A1a网格党群服务站" not in html and "A1b网格党群服务站" in html


def test_open_now_follows_the_clock(positions):
    """The answers of 20:59:59 are not those of 21:00, when every position closes, nor of the
    next morning's 08:30, when they open."""
    moments = [
        (datetime.datetime(2024, 6, 3, 20, 59, 59, tzinfo=TZ), 1),
        (datetime.datetime(2024, 6, 3, 21, 0, tzinfo=TZ), 0),
        (datetime.datetime(2024, 6, 4, 8, 29, 59, tzinfo=TZ), 0),
        (datetime.datetime(2024, 6, 4, 8, 30, tzinfo=TZ), 1),
    ]
    for moment, expected in moments:
        with time_machine.travel(moment, tick=False):
            for _ in range(2):  # rendered, then from the cache
                assert pins()[positions.centre.pk]["open"] == expected, moment
                assert features()[positions.centre.pk]["open_now"] is bool(expected), moment
                html = page("?open_now=on")
                assert ("A1社区党群服务中心" in html) is bool(expected), moment


def test_each_language_filter_and_page_has_its_own_answer(positions, settings):
    english = {"HTTP_COOKIE": f"{settings.LANGUAGE_COOKIE_NAME}=en"}
    assert "党群服务阵地" in page()
    assert "Party-mass service positions" in page(**english)
    assert "党群服务阵地" in page()
    tiers = {f["tier_label"] for f in features().values()}
    assert "Party-mass service centre" in {f["tier_label"] for f in features(**english).values()}
    assert {f["tier_label"] for f in features().values()} == tiers
    assert "Party-mass service centre" not in tiers

    assert {p["tier"] for p in pins("?tier=centre").values()} == {"centre"}
    assert len(pins()) == 5
    assert set(features("?tier=micro_site")) == {positions.micro.pk}
    assert len(features()) == 5
    assert "A1社区党群服务中心" not in page("?tier=micro_site")
    assert "A1社区党群服务中心" in page()
    here = positions.other_centre.location
    near = f"?lat={here.y}&lon={here.x}"
    assert next(iter(pins(near))) == positions.other_centre.pk
    assert next(iter(features(near))) == positions.other_centre.pk

    settings.REDGRID_SERVICE_POINTS_PAGE_SIZE = 2
    first, second = page(), page("?page=2")
    assert "第1页，共3页" in first and "第2页，共3页" in second
    names = [p.name for p in ServicePosition.objects.all()]
    assert {n for n in names if n in first}.isdisjoint({n for n in names if n in second})


def test_a_signed_in_visitor_is_never_given_nor_gives_the_anonymous_page(world, positions):
    anonymous = page()
    staff = Client()
    staff.force_login(world.users.grid_worker)
    html = page(client=staff)
    name = world.users.grid_worker.display_name
    assert name in html and name not in anonymous
    assert name not in page()  # the signed-in render was not stored for others
    # The content they share (filters, map, list) is kept, and changes for them at once too.
    ServicePosition.objects.filter(pk=positions.centre.pk).update(name="改名的党群服务中心")
    assert "改名的党群服务中心" in page(client=staff) and name in page(client=staff)
    assert "改名的党群服务中心" in page("?page=1", client=staff)
    # The API and the map data show everyone the same public positions; a signed-in person's
    # answers are not kept by the browser (core.middleware.PrivateAnswersNotStoredMiddleware).
    for url in (API, MAP):
        assert staff.get(url)["Cache-Control"] == "private, no-store"
        assert Client().get(url)["Cache-Control"] == "no-cache"
    api = {f["id"]: f["properties"] for f in staff.get(API).json()["features"]}
    assert api == features()


def test_a_browser_holding_the_answer_gets_a_304_until_it_changes(positions):
    for url in (PAGE, MAP, API):
        etag = Client().get(url)["ETag"]
        assert Client().get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    etags = {url: Client().get(url)["ETag"] for url in (PAGE, MAP, API)}
    ServicePosition.objects.filter(pk=positions.centre.pk).update(address="新地址1号")
    for url, etag in etags.items():
        response = Client().get(url, HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 200 and response["ETag"] != etag, url


def test_bad_filters_are_refused_each_time(positions):
    for _ in range(2):
        assert Client().get(MAP, {"lat": "22.7"}).status_code == 400
        assert Client().get(API, {"tier": "castle"}).status_code == 400
        assert Client().get(API, {"open_now": "maybe"}).status_code == 400


def test_nothing_is_kept_when_the_setting_is_zero(positions, settings, django_assert_num_queries):
    settings.REDGRID_SERVICE_POINTS_ANSWER_CACHE_SECONDS = 0
    everything()
    with django_assert_num_queries(1):  # map.json's own query, no mark
        response = Client().get(MAP)
    assert "ETag" not in response


def test_the_map_data_is_kept_compressed_too(positions):
    plain = Client().get(MAP)
    for _ in range(2):  # stored, then from the cache
        packed = Client().get(MAP, HTTP_ACCEPT_ENCODING="gzip, deflate")
        assert packed["Content-Encoding"] == "gzip" and packed["ETag"] == f"W/{plain['ETag']}"
        assert "Accept-Encoding" in packed["Vary"] and "Accept-Encoding" in plain["Vary"]
        assert gzip.decompress(packed.content) == plain.content
        assert Client().get(MAP, HTTP_IF_NONE_MATCH=packed["ETag"]).status_code == 304


def test_only_a_bounded_set_of_queries_is_kept(positions, django_assert_max_num_queries):
    """A text search, a place or an unknown parameter is answered without the cache (no one can
    fill it with distinct answers); so is the list with a code that does not exist."""
    here = positions.other_centre.location
    for query in ("?q=服务站", f"?lat={here.y}&lon={here.x}", "?x=1", "?tier=centre&tier=centre"):
        for url in (PAGE, MAP, API):
            for _ in range(2):
                response = Client().get(url + query)
                assert response.status_code == 200 and "ETag" not in response, url + query
    Client().get(PAGE + "?function=nonesuch")
    with django_assert_max_num_queries(8) as queries:
        response = Client().get(PAGE + "?function=nonesuch")
    assert "ETag" not in response and len(queries) > 1  # rendered again
    assert Client().get(MAP + "?function=nonesuch").status_code == 400


def test_a_process_answers_again_from_its_own_copy(positions, monkeypatch):
    """Each process reads an answer from the shared cache once and then answers from its own
    copy under the same key (the API's is ~330 kB over the network each time otherwise); the key
    holds the change marks, so a change still shows at once (the tests above)."""
    first = everything()
    everything()  # the whole page: stored by the first, copied by the second
    reads = []
    shared_get = answers.cache.get
    monkeypatch.setattr(
        answers.cache,
        "get",
        lambda key, *a, **k: (key.startswith("sp-") and reads.append(key))
        or shared_get(key, *a, **k),
    )
    again = everything()
    assert reads == [] and again[1:] == first[1:]
    assert "A1社区党群服务中心" in again[0]
    answers._COPIES.clear()  # another process: it reads the shared cache once per answer
    everything()
    assert len(reads) == 3  # the page, the map data, the API list


def test_the_copies_per_process_are_bounded(positions, monkeypatch):
    """At most COPIES answers are kept per process, whatever the queries, and none larger than
    COPY_MAX_BYTES (the browsable API's HTML page): that one is read from the shared cache."""
    for page_number in range(1, answers.COPIES + 5):
        Client().get(API, {"page": page_number})
    assert 0 < len(answers._COPIES) <= answers.COPIES
    small = len(Client().get(MAP).content)
    answers._COPIES.clear()
    monkeypatch.setattr(answers, "COPY_MAX_BYTES", small // 2)
    for _ in range(2):
        assert Client().get(API).status_code == 200
    assert not answers._COPIES


def test_the_maps_first_view_is_this_processs_for_the_boundaries_mark(world, positions):
    """The page's map view (the districts' extent) comes with the boundaries' mark the page reads
    anyway: no round trip to the shared cache for it on a second visit, and a redrawn district
    shows on the very next page — a write that does not forget the shared cache's view (admin,
    raw SQL) included."""
    from django.contrib.gis.geos import MultiPolygon, Polygon

    from grids import selectors

    assert 'data-map-bounds="22.70000,113.80000,22.90000,114.00000"' in page()
    reads = []
    shared_get = selectors.cache.get
    selectors.cache.get = lambda key, *a, **k: reads.append(key) or shared_get(key, *a, **k)
    try:
        page()
        assert selectors.MAP_VIEW_CACHE_KEY not in reads
        wider = MultiPolygon(Polygon.from_bbox((113.70, 22.60, 114.00, 22.90)), srid=4326)
        type(world.district).objects.filter(pk=world.district.pk).update(boundary=wider)
        assert 'data-map-bounds="22.60000,113.70000,22.90000,114.00000"' in page()
    finally:
        selectors.cache.get = shared_get
