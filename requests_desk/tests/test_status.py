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


def _closed(world, make_request, **kwargs):
    kwargs.setdefault("reporter_phone", "13812345678")
    kwargs.setdefault("consent", True)
    return bring_to(make_request(**kwargs), Stage.CLOSED, world.users.district_admin)


SCORES = {
    "score": 5,
    "speed": 5,
    "result": 4,
    "service": 5,
    "feedback_quality": 4,
    "comment": "很快",
}


def test_rating_once_after_closure_with_the_phones_last_four_digits(client, world, make_request):
    item = make_request(reporter_phone="13812345678", consent=True)
    url = reverse("requests_desk:rate", args=[item.code])
    client.post(url, {**SCORES, "proof": "5678"})
    # Not closed yet: refused, nothing rated, nothing on the timeline.
    assert not Rating.objects.exists()
    assert list(item.events.values_list("action", flat=True)) == ["report"]
    item = _closed(world, make_request)
    url = reverse("requests_desk:rate", args=[item.code])
    client.post(url, {**SCORES, "proof": "5678"})
    response = client.post(url, {**SCORES, "speed": 1, "proof": "5678"}, follow=True)
    assert "已评价" in response.content.decode()
    item.refresh_from_db()
    assert item.rating.speed == 5 and str(item.rating.overall) == "4.50" and item.rating.satisfied
    assert item.stage == Stage.CLOSED and item.events.filter(action="rate").count() == 1


def test_the_tracking_code_alone_does_not_rate(client, world, make_request):
    item = _closed(world, make_request)
    url = reverse("requests_desk:rate", args=[item.code])
    response = client.post(url, {**SCORES, "speed": 1, "result": 1})
    assert response.status_code == 400 and not Rating.objects.exists()
    response = client.post(url, {**SCORES, "speed": 1, "result": 1, "proof": "1234"})
    assert response.status_code == 403 and not Rating.objects.exists()
    item.refresh_from_db()
    assert item.stage == Stage.CLOSED


def test_the_browser_that_sent_the_request_rates_without_typing_anything(client, world, categories):
    grid = world.grids["A1a"]
    client.post(
        reverse("requests_desk:new"),
        {
            "category": categories["E0103"].pk,
            "description": "楼下垃圾桶旁边堆满垃圾",
            "lat": grid.boundary.centroid.y,
            "lon": grid.boundary.centroid.x,
        },
    )
    from requests_desk.models import Request

    item = bring_to(Request.objects.get(), Stage.CLOSED, world.users.district_admin)
    page = client.get(reverse("requests_desk:status", args=[item.code])).content.decode()
    assert 'name="proof"' not in page and 'name="speed"' in page
    client.post(reverse("requests_desk:rate", args=[item.code]), SCORES)
    assert Rating.objects.get().request == item
    # Another browser sees the form with the proof field.
    other = type(client)()
    page = other.get(reverse("requests_desk:status", args=[item.code])).content.decode()
    assert "评价" in page


def test_the_rating_key_shown_at_submission_proves_the_reporter(client, world, categories):
    grid = world.grids["A1a"]
    response = client.post(
        reverse("requests_desk:new"),
        {
            "category": categories["E0103"].pk,
            "description": "楼下垃圾桶旁边堆满垃圾",
            "lat": grid.boundary.centroid.y,
            "lon": grid.boundary.centroid.x,
        },
        follow=True,
    )
    page = response.content.decode()
    secret = page.split('id="reporter-secret">')[1].split("<")[0]
    from requests_desk.models import Request

    item = bring_to(Request.objects.get(), Stage.CLOSED, world.users.district_admin)
    other = type(client)()  # another phone: no cookie
    other.post(reverse("requests_desk:rate", args=[item.code]), {**SCORES, "proof": secret})
    assert Rating.objects.get().request == item
    # Shown once only.
    again = client.get(reverse("requests_desk:status", args=[item.code])).content.decode()
    assert secret not in again


def test_unsatisfied_rating_sends_the_request_back(client, world, make_request):
    item = _closed(world, make_request)
    client.post(
        reverse("requests_desk:rate", args=[item.code]),
        {"score": 1, "speed": 1, "result": 1, "service": 2, "feedback_quality": 2}
        | {"comment": "没解决", "proof": "5678", "confirm_low": "on"},
    )
    item.refresh_from_db()
    assert item.stage == Stage.DISPATCHED and item.redo_count == 1 and not item.rating.satisfied
    assert item.events.latest("id").action == "redo"


def test_bad_scores_save_nothing(client, world, make_request):
    item = _closed(world, make_request)
    events = item.events.count()
    response = client.post(
        reverse("requests_desk:rate", args=[item.code]),
        {"score": 2, "speed": 9, "result": 1, "service": 2, "feedback_quality": 2, "proof": "5678"},
    )
    assert response.status_code == 400
    item.refresh_from_db()
    assert item.stage == Stage.CLOSED and item.events.count() == events
    assert not Rating.objects.exists()
