"""The public status page and the resident's rating."""

from django.urls import reverse

from requests_desk import flow
from requests_desk.models import Rating, Stage
from requests_desk.tests.test_flow import bring_to


def test_status_page_shows_stage_limit_and_public_replies_but_no_personal_data(
    client, world, make_request
):
    item = make_request(reporter_name="王小明", reporter_phone="13812345678", consent=True)
    bring_to(item, Stage.DISPATCHED, world.users.district_admin)
    flow.transition(
        case=item, action="reply", by=world.users.grid_head, note="网格员已在路上", public=True
    )
    flow.transition(
        case=item,
        action="reply",
        by=world.users.grid_head,
        note="内部：联系物业经理",
        public=False,
    )
    page = client.get(reverse("requests_desk:status", args=[item.code])).content.decode()
    assert "网格员已在路上" in page and "内部" not in page
    assert "13812345678" not in page and "5678" not in page and "王小明" not in page
    assert "已派遣" in page or "dispatched" in page


def test_unknown_code_is_404(client, db):
    assert client.get(reverse("requests_desk:status", args=["ZZZZZZZZZZ"])).status_code == 404


def test_lookup_redirects_to_status(client, world, make_request):
    item = make_request()
    response = client.get(reverse("requests_desk:lookup"), {"code": item.code.lower()})
    assert response.status_code == 302 and item.code in response.url


def _closed(world, make_request):
    return bring_to(make_request(), Stage.CLOSED, world.users.district_admin)


def test_rating_once_after_closure(client, world, make_request):
    item = make_request()
    url = reverse("requests_desk:rate", args=[item.code])
    scores = {"speed": 5, "result": 4, "service": 5, "feedback_quality": 4, "comment": "很快"}
    client.post(url, scores)
    # Not closed yet: refused, nothing rated, nothing on the timeline.
    assert not Rating.objects.filter(request=item).exists()
    assert list(item.events.values_list("action", flat=True)) == ["report"]
    item = _closed(world, make_request)
    url = reverse("requests_desk:rate", args=[item.code])
    client.post(url, scores)
    response = client.post(url, {**scores, "speed": 1}, follow=True)
    assert "已评价" in response.content.decode()
    item.refresh_from_db()
    assert item.rating.speed == 5 and str(item.rating.overall) == "4.50" and item.rating.satisfied
    assert item.stage == Stage.CLOSED and item.events.filter(action="rate").count() == 1


def test_unsatisfied_rating_sends_the_request_back(client, world, make_request):
    item = _closed(world, make_request)
    client.post(
        reverse("requests_desk:rate", args=[item.code]),
        {"speed": 1, "result": 1, "service": 2, "feedback_quality": 2, "comment": "没解决"},
    )
    item.refresh_from_db()
    assert item.stage == Stage.DISPATCHED and item.redo_count == 1 and not item.rating.satisfied
    assert item.events.latest("id").action == "redo"


def test_bad_scores_save_nothing(client, world, make_request):
    item = _closed(world, make_request)
    events = item.events.count()
    response = client.post(
        reverse("requests_desk:rate", args=[item.code]),
        {"speed": 9, "result": 1, "service": 2, "feedback_quality": 2},
        follow=True,
    )
    assert "1 到 5" in response.content.decode()
    item.refresh_from_db()
    assert item.stage == Stage.CLOSED and item.events.count() == events
    assert not Rating.objects.exists()
