"""The public status page as every anonymous visitor sees it comes from the cache
(core.page_cache) until the request changes; a change shows at once, the reporter's own view and
signed-in staff are never served (nor stored) from it, and every visitor's form carries their own
CSRF token (attack tests over HTTP)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from core.page_cache import CSRF_HOLE
from requests_desk import flow
from requests_desk.models import Request, Stage
from requests_desk.services import request_reroute, request_support
from requests_desk.tests.test_flow import PATH, bring_to, handler_of
from requests_desk.tests.test_intake import URL, form_data

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')


def url(item):
    return reverse("requests_desk:status", args=[item.code])


@pytest.fixture
def dispatched(world, make_request):
    item = make_request(reporter_phone="13812345678", consent=True)
    return bring_to(item, Stage.DISPATCHED, world.users.district_admin)


def test_a_second_visitor_is_answered_from_the_cache_with_one_query(
    world, dispatched, django_assert_num_queries
):
    first = Client().get(url(dispatched)).content.decode()
    with django_assert_num_queries(1):  # the change mark
        response = Client().get(url(dispatched))
    second = response.content.decode()
    assert response.status_code == 200 and "已派遣" in second
    assert CSRF_HOLE not in second
    # The same page apart from each visitor's own CSRF token.
    assert TOKEN.sub("", first) == TOKEN.sub("", second)
    assert TOKEN.findall(first)[0] != TOKEN.findall(second)[0]


def test_a_reply_a_plus_one_and_a_new_place_show_at_once(world, dispatched, settings):
    visitor = Client()
    assert "网格员已在路上" not in visitor.get(url(dispatched)).content.decode()
    flow.transition(
        case=dispatched,
        action="reply",
        by=world.users.grid_head,
        note="网格员已在路上",
        public=True,
    )
    assert "网格员已在路上" in visitor.get(url(dispatched)).content.decode()
    assert request_support(case=dispatched, client_ip="10.1.2.3")
    assert "另有 1 位居民反映了同一问题" in visitor.get(url(dispatched)).content.decode()
    other = next(g for g in world.grids.values() if g.community_id != dispatched.community_id)
    request_reroute(case=dispatched, grid=other)
    assert other.community.name in visitor.get(url(dispatched)).content.decode()


def test_closing_shows_at_once_and_the_cached_rating_form_takes_the_visitors_own_token(
    world, dispatched
):
    visitor = Client(enforce_csrf_checks=True)
    visitor.get(url(dispatched))
    handler = handler_of(dispatched)
    for action, params in PATH[Stage.CLOSED][3:]:
        by = handler if action in flow.HANDLING_ACTIONS else world.users.district_admin
        flow.transition(case=dispatched, action=action, by=by, **params)
    item = dispatched
    Client().get(url(item))  # another visitor renders and stores the closed page
    page = visitor.get(url(item)).content.decode()
    assert 'id="rate"' in page
    token = TOKEN.findall(page)[0]
    response = visitor.post(
        reverse("requests_desk:rate", args=[item.code]),
        {"csrfmiddlewaretoken": token, "score": 5, "proof": "5678"},
    )
    assert response.status_code == 302  # accepted: not a CSRF refusal
    item.refresh_from_db()
    assert item.rating.overall == 5
    assert "评价" in visitor.get(url(item)).content.decode()


def test_the_reporters_own_view_is_never_stored_nor_served_from_the_cache(
    world, categories, client
):
    description = "三栋楼下垃圾桶旁边堆满垃圾，已经三天"
    response = client.post(URL, form_data(world, categories, description=description))
    assert response.status_code == 302
    item = Request.objects.get()
    Client().get(url(item))  # an anonymous visitor: the public page is stored
    own = client.get(url(item)).content.decode()  # the reporter's browser (proof cookie)
    assert description in own and 'id="own"' in own
    # The reporter's page did not replace the public one, for anyone else.
    for _ in range(2):
        assert description not in Client().get(url(item)).content.decode()


def test_signed_in_staff_and_other_languages_get_their_own_page(world, dispatched, settings):
    Client().get(url(dispatched))  # the Chinese public page is stored
    visitor = Client()
    visitor.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = visitor.get(url(dispatched)).content.decode()
    assert "Dispatched" in english
    assert "已派遣" not in english
    staff = Client()
    staff.force_login(world.users.district_admin)
    page = staff.get(url(dispatched)).content.decode()
    assert "退出登录" in page  # their own header, not the anonymous one


def test_an_unknown_code_is_404_and_counts_as_a_miss(db, settings):
    for _ in range(2):
        assert Client().get(reverse("requests_desk:status", args=["ZZZZZZZZZZ"])).status_code == 404


def test_the_cache_can_be_turned_off(world, dispatched, settings):
    settings.REDGRID_REQUESTS_DESK_STATUS_PAGE_CACHE_SECONDS = 0
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            Client().get(url(dispatched))
        counts.append(len(captured))
    # Rendered both times: the request and its timeline read again, no change mark.
    assert counts[0] == counts[1] >= 2
    assert not any("max(e.id)" in q["sql"] for q in captured.captured_queries)


def test_a_browser_holding_the_page_is_answered_304_until_the_request_changes(
    world, dispatched, django_assert_num_queries
):
    visitor = Client()
    first = visitor.get(url(dispatched))
    etag = first["ETag"]
    assert etag and first["Cache-Control"] == "no-cache"
    with django_assert_num_queries(1):
        again = visitor.get(url(dispatched), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and not again.content
    flow.transition(
        case=dispatched, action="reply", by=world.users.grid_head, note="已到现场", public=True
    )
    changed = visitor.get(url(dispatched), HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and "已到现场" in changed.content.decode()
    assert changed["ETag"] != etag


def test_the_reporters_page_carries_no_etag_and_ignores_one(world, categories, client):
    assert client.post(URL, form_data(world, categories)).status_code == 302
    item = Request.objects.get()
    etag = Client().get(url(item))["ETag"]
    own = client.get(url(item), HTTP_IF_NONE_MATCH=etag)
    assert own.status_code == 200 and 'id="own"' in own.content.decode()
    assert not own.has_header("ETag")


@pytest.mark.parametrize("listed", [True, False])
def test_reply_photos_show_on_listed_requests_only(world, make_request, listed, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from requests_desk.tests.conftest import jpeg_bytes
    from requests_desk.uploads import photos_save

    settings.MEDIA_ROOT = tmp_path
    source = Request.Source.RESIDENT_FORM if listed else Request.Source.GRID_PATROL
    item = bring_to(make_request(source=source), Stage.DISPATCHED, world.users.district_admin)
    flow.transition(case=item, action="reply", by=world.users.grid_head, note="现场", public=True)
    flow.transition(case=item, action="reply", by=world.users.grid_head, note="内部", public=False)
    public_reply, internal = item.events.filter(action="reply").order_by("id")
    for event in (public_reply, internal):
        photo = SimpleUploadedFile("p.jpg", jpeg_bytes(), content_type="image/jpeg")
        photos_save(case=item, files=[photo], event=event)
    shown = re.findall(
        r'src="(/files/request-photo/[^"]+)"', Client().get(url(item)).content.decode()
    )
    assert len(shown) == (1 if listed else 0)
    if listed:
        assert str(public_reply.photos.get().pk) in shown[0]
