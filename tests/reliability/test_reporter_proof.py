"""Only the reporter acts on their case (issue 13 §4). Reading the status with the tracking code
stays open; rating — which can reopen a case — and posting an update need the proof of being
the reporter (requests_desk/proof.py)."""

import json

from django.urls import reverse

from requests_desk.models import Rating, Request, RequestEvent, Stage
from requests_desk.tests.test_flow import bring_to

OPEN311 = "/open311/v2"
LOW = {
    "score": 1,
    "confirm_low": "on",
    "speed": 1,
    "result": 1,
    "service": 1,
    "feedback_quality": 1,
    "comment": "伪造的差评",
}


def closed_resident_request(world, make_request, **kwargs):
    kwargs.setdefault("source", Request.Source.RESIDENT_FORM)
    kwargs.setdefault("reporter_phone", "13612345678")
    kwargs.setdefault("consent", True)
    return bring_to(make_request(**kwargs), Stage.CLOSED, world.users.district_admin)


def test_a_code_read_from_open311_cannot_rate_and_reopen_the_case(client, world, make_request):
    item = closed_resident_request(world, make_request)
    codes = [
        row["service_request_id"]
        for row in json.loads(client.get(f"{OPEN311}/requests.json").content)
    ]
    assert item.code in codes  # reading stays open
    response = client.post(reverse("requests_desk:rate", args=[item.code]), LOW)
    assert response.status_code in (400, 403)
    response = client.post(
        reverse("requests_desk:rate", args=[item.code]), {**LOW, "proof": "0000"}
    )
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.stage == Stage.CLOSED and not Rating.objects.exists()
    page = client.get(reverse("requests_desk:status", args=[item.code])).content.decode()
    assert "伪造的差评" not in page


def test_guessing_the_last_four_digits_is_cut_short(client, world, make_request, settings):
    settings.REDGRID_REQUESTS_DESK_RATE_LIMIT_PROOF = (5, 86400)
    item = closed_resident_request(world, make_request)
    url = reverse("requests_desk:rate", args=[item.code])
    for guess in range(5):
        assert client.post(url, {**LOW, "proof": f"{guess:04d}"}).status_code == 403
    # The right digits now come too late, from this address and for this request.
    assert client.post(url, {**LOW, "proof": "5678"}).status_code == 429
    other_address = client.post(url, {**LOW, "proof": "5678"}, REMOTE_ADDR="10.5.5.5")
    assert other_address.status_code == 429
    assert not Rating.objects.exists()


def test_open311_updates_only_from_the_reporter(client, world, categories, open311_key):
    from requests_desk.services import open311_client_create

    centre = world.grids["A1a"].boundary.centroid
    posted = client.post(
        f"{OPEN311}/requests.json",
        {
            "api_key": open311_key,
            "service_code": "E0103",
            "lat": centre.y,
            "long": centre.x,
            "email": "reporter@example.org",
            "description": "垃圾没人清理",
        },
    )
    code = json.loads(posted.content)[0]["service_request_id"]
    item = Request.objects.get(code=code)
    bring_to(item, Stage.CLOSED, world.users.district_admin)
    _other, other_key = open311_client_create(name="另一个应用")
    update = {
        "service_request_id": code,
        "status": "OPEN",
        "description": "根本没解决",
        "email": "reporter@example.org",
    }
    # Another client, naming the same e-mail: refused.
    response = client.post(
        f"{OPEN311}/servicerequestupdates.json", {**update, "api_key": other_key}
    )
    assert response.status_code == 403
    # The same client naming someone else: refused.
    response = client.post(
        f"{OPEN311}/servicerequestupdates.xml",
        {**update, "api_key": open311_key, "email": "attacker@example.org"},
    )
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.reopen_requested_at is None
    assert not RequestEvent.objects.filter(request=item, action="reopen_request").exists()
    # The reporter, through the client that sent it: a reopen request for staff to review.
    response = client.post(
        f"{OPEN311}/servicerequestupdates.json", {**update, "api_key": open311_key}
    )
    assert response.status_code == 201
    item.refresh_from_db()
    assert item.stage == Stage.CLOSED and item.reopen_requested_at is not None
