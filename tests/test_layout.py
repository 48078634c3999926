"""The site header kept per language and what it shows (redgrid.layout): every page's HTML is
the header template rendered as it is, for every kind of visitor, language, address and name;
one visitor's name, address or token never reaches another's page; a menu, role or unread
change shows at once."""

import re

import pytest
from django.test import Client

from accounts.models import Role
from conftest import login_verified
from notifications.services import notification_enqueue
from redgrid import layout

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+"')
ANY_TOKEN = re.compile(r"\b[A-Za-z0-9]{64}\b")  # CSRF tokens (in forms and hx-headers)


def _pages(world):
    world.users.street_staff.first_name = '<b>"街道"&'
    world.users.street_staff.is_staff = True  # the admin link
    world.users.street_staff.save()
    notification_enqueue(kind="t", subject="消息", body="内容", user=world.users.grid_head)
    anonymous = Client()
    english = login_verified(Client(), world.users.grid_head)
    english.cookies["django_language"] = "en"
    return [
        (anonymous, "/"),
        (anonymous, "/map/?q=<script>&x=1"),
        (login_verified(Client(), world.users.street_staff), "/requests/queue/?q=<a>&stage="),
        (login_verified(Client(), world.users.grid_head), "/requests/queue/"),
        (login_verified(Client(), world.users.grid_head), "/inbox/"),
        (english, "/requests/queue/"),
        (login_verified(Client(), world.users.party_member), "/"),
        (login_verified(Client(), world.users.district_admin), "/accounts/people/"),
    ]


def _html(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def test_every_page_shows_the_header_as_rendered(world, monkeypatch):
    pages = _pages(world)
    kept = [_html(client, path) for client, path in pages]
    again = [_html(client, path) for client, path in pages]  # now from the kept headers
    monkeypatch.setattr(layout, "_parts", layout.rendered_parts)
    rendered = [_html(client, path) for client, path in pages]
    for first, second, third in zip(kept, again, rendered, strict=True):
        # Each answer has its own CSRF token; the rest is the same, byte for byte.
        assert ANY_TOKEN.sub("", first) == ANY_TOKEN.sub("", second) == ANY_TOKEN.sub("", third)
    street = kept[2]
    assert "&lt;b&gt;&quot;街道&quot;&amp;" in street and '<b>"街道"' not in street
    assert 'type="hidden" value="/requests/queue/?q=%3Ca%3E&amp;stage="' in street
    assert 'href="/admin/"' in street and 'href="/admin/"' not in kept[3]
    assert '<span class="bell-count">1</span>' in kept[3] and "bell-count" not in street


def test_a_visitor_never_gets_anothers_name_address_or_token(world):
    a = login_verified(Client(), world.users.grid_head)
    b = login_verified(Client(), world.users.other_grid_head)
    for _ in range(2):
        mine, theirs = _html(a, "/requests/queue/?stage="), _html(b, "/requests/queue/?stage=")
        assert world.users.grid_head.display_name in mine
        assert world.users.grid_head.display_name not in theirs
        assert world.users.other_grid_head.display_name in theirs
        assert TOKEN.search(mine).group(0) != TOKEN.search(theirs).group(0)
        # Each page's token is its session's: b's is refused with a's cookie.
        assert a.cookies["csrftoken"].value != b.cookies["csrftoken"].value


def test_a_role_or_unread_change_shows_in_the_header_at_once(world):
    user = world.users.grid_head
    client = login_verified(Client(), user)
    before = _html(client, "/")
    assert "bell-count" not in before and 'href="/requests/queue/"' in before
    notification_enqueue(kind="t", subject="消息", body="内容", user=user)
    assert '<span class="bell-count">1</span>' in _html(client, "/")
    user.role = Role.PARTY_MEMBER
    user.save(update_fields=["role"])
    after = _html(client, "/")
    assert 'href="/requests/queue/"' not in after and "staff-search" not in after


def test_the_header_reads_nothing_its_key_does_not_hold(world, settings):
    """A header template that reads more of the user than the key holds fails loudly instead of
    showing the first visitor's value to everyone."""
    from django.template import engines

    shown = layout._Shown("user", is_authenticated=True)
    template = engines["django"].from_string("{{ user.email }}")
    with pytest.raises(RuntimeError, match="user.email"):
        template.render({"user": shown})


def test_the_map_controls_words_follow_the_page_language():
    """base.html's {% map_strings_script %} is kept per language: a Chinese page and an English
    one each carry their own words for the map controls (static/js/redgrid-map.js reads them)."""
    import json

    from django.utils import translation

    from redgrid.context_processors import map_strings

    found = {}
    for language in ("zh-hans", "en", "zh-hans"):
        client = Client()
        client.cookies["django_language"] = language
        html = client.get("/requests/new/").content.decode()
        script = re.search(
            r'<script id="redgrid-map-i18n" type="application/json">(.*?)</script>', html
        )
        with translation.override(language):
            expected = {k: str(v) for k, v in map_strings().items()}
        assert json.loads(script.group(1)) == expected
        found[language] = expected["zoomIn"]
    assert found["zh-hans"] != found["en"] == "Zoom in"
