"""The resident's form (/requests/new/) under oversized, malformed, mixed-encoding and
script-bearing input: each bad submission is answered with the form and a clear (Chinese) error,
nothing is saved (no request, no timeline entry, no photo, no file), and text that carries a
script is stored as text and never rendered unescaped — neither on the public status page nor on
the staff pages."""

import pytest

from requests_desk.models import Request, RequestEvent, RequestPhoto
from tests.reliability import payloads
from tests.reliability.conftest import files_under, has_form_error

URL = "/requests/new/"


@pytest.fixture
def form(world, categories, client, media_root):
    centre = world.grids["A1a"].boundary.centroid
    counter = iter(range(1, 10_000))

    def post(**overrides):
        data = {
            "category": str(categories["E0103"].pk),
            "description": "小区门口垃圾堆放多日",
            "lat": str(centre.y),
            "lon": str(centre.x),
            "confirm_new": "on",
        }
        data.update(overrides)
        data = {k: v for k, v in data.items() if v is not None}
        # A different client address each time: the per-address limit is not what is tested.
        return client.post(
            URL, data, REMOTE_ADDR=f"10.1.{next(counter) // 250}.{next(counter) % 250 + 1}"
        )

    return post


def nothing_saved(media_root):
    return (
        Request.objects.count(),
        RequestEvent.objects.count(),
        RequestPhoto.objects.count(),
        files_under(media_root),
    ) == (0, 0, 0, [])


BAD = [
    ("description", payloads.HUGE, "4000"),
    ("description", "", "必填"),
    ("description", "短", "5"),
    ("description", "\x00\x00\x00\x00\x00\x00", "空字符"),
    ("category", "999999", ""),
    ("category", "abc", ""),
    ("category", payloads.HUGE, ""),
    ("lat", "abc", ""),
    ("lat", "1e309", ""),
    ("lat", "NaN", ""),
    ("lat", "91", ""),
    ("lon", "-181", ""),
    ("reporter_phone", "12345", "11"),
    ("reporter_phone", "1390000000\x00", ""),
    ("reporter_email", "not-an-email", ""),
    ("reporter_name", payloads.HUGE, "60"),
    ("address", payloads.HUGE, "200"),
    ("community", "abc", ""),
]


@pytest.mark.parametrize(
    "field, value, hint", BAD, ids=[f"{f}-{i}" for i, (f, _v, _h) in enumerate(BAD)]
)
def test_bad_fields_are_refused_with_the_form_and_nothing_is_saved(
    form, media_root, field, value, hint
):
    response = form(**{field: value})
    assert response.status_code == 200, response.status_code
    page = response.content.decode()
    assert has_form_error(page)
    if hint:
        assert hint in page
    assert nothing_saved(media_root)


def test_a_place_outside_the_district_is_refused_in_chinese(form, media_root):
    page = form(lat="39.9", lon="116.4").content.decode()
    assert has_form_error(page) and "不在本区范围内" in page
    assert nothing_saved(media_root)


def test_contact_details_without_consent_are_refused(form, media_root):
    page = form(reporter_phone="13900000000").content.decode()
    assert has_form_error(page) and "同意" in page
    assert nothing_saved(media_root)


@pytest.mark.parametrize(
    "value",
    [
        "☃️🚧 路灯不亮 \u202e\u200b 𠮷野家",  # emoji, RTL override, zero-width, astral CJK
        "é".encode().decode("latin-1") * 3 + "路灯不亮",  # UTF-8 read as Latin-1
        "路灯不亮\r\n第二行\ttab",
    ],
)
def test_mixed_encodings_are_stored_exactly_as_sent(form, value):
    response = form(description=value)
    assert response.status_code == 302
    assert Request.objects.get().description == value.strip()


def test_a_body_that_is_not_utf8_is_answered_not_crashed(client, categories, world, media_root):
    body = (
        f"category={categories['E0103'].pk}&description=".encode()
        + "路灯坏了好几天".encode("gb18030")
        + b"&community="
        + str(world.communities["A1"].pk).encode()
        + b"&address=x"
    )
    response = client.post(
        URL, body, content_type="application/x-www-form-urlencoded", REMOTE_ADDR="10.2.0.1"
    )
    assert response.status_code in (200, 302)
    if response.status_code == 302:  # decoded as text (not guessed as GB18030), stored as such
        stored = Request.objects.get().description
        assert isinstance(stored, str) and "路灯" not in stored


def test_scripts_are_stored_as_text_and_never_rendered_unescaped(form, client, world):
    script = payloads.SCRIPT
    response = form(
        description=f"{script}路灯不亮 {payloads.STRINGS[9]}",
        address=script,
        reporter_name=script,
        reporter_phone="13900000009",
        consent="on",
    )
    assert response.status_code == 302
    item = Request.objects.get()
    assert item.description.startswith(script)
    pages = [client.get(response["Location"]).content.decode()]
    client.force_login(world.users.grid_head)
    pages.append(client.get(f"/requests/case/{item.code}/").content.decode())
    pages.append(client.get("/requests/queue/").content.decode())
    for page in pages:
        assert "<script>alert('rg')</script>" not in page
        assert "onerror=alert" not in page or "&lt;img" in page
    assert "&lt;script&gt;alert(&#x27;rg&#x27;)&lt;/script&gt;" in pages[1]  # the case page


def test_a_request_without_a_csrf_token_is_refused_before_anything_happens(
    categories, world, media_root
):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    centre = world.grids["A1a"].boundary.centroid
    response = strict.post(
        URL,
        {
            "category": categories["E0103"].pk,
            "description": "小区门口垃圾堆放多日",
            "lat": centre.y,
            "lon": centre.x,
        },
    )
    assert response.status_code == 403
    assert nothing_saved(media_root)


def test_too_many_fields_are_refused_with_400(client, categories):
    from django.conf import settings

    data = {f"f{i}": "x" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 10)}
    response = client.post(URL, data, REMOTE_ADDR="10.3.0.1")
    assert response.status_code == 400
    assert Request.objects.count() == 0
