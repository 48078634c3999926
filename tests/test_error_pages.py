"""404, 403 and 500 are Chinese pages in the site's layout, readable on a phone (a viewport tag);
the 500 page needs neither the database nor the context processors (it is shown when they fail)."""

import pytest
from django.test import RequestFactory
from django.utils import translation
from django.views.defaults import server_error

VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'


def test_404_is_chinese_in_the_layout(client, db):
    response = client.get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert VIEWPORT in page and '<html lang="zh-hans">' in page
    assert "页面不存在" in page and 'class="site-header"' in page and 'id="site-menu"' in page
    assert "Not Found" not in page


def test_404_of_the_api_stays_json(client, db):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"


def test_403_is_chinese_in_the_layout(client, world):
    client.force_login(world.users.party_member)
    response = client.get("/requests/queue/")
    page = response.content.decode()
    assert response.status_code == 403
    assert VIEWPORT in page and "您无权打开此页面" in page and 'class="site-header"' in page
    assert "Forbidden" not in page


def test_500_needs_no_database_and_no_context_processors():
    """No `db` fixture: pytest-django refuses any query, so this proves the page makes none.
    The language is the one the middleware activated for the request (Chinese by default)."""
    request = RequestFactory().get("/")
    with translation.override("zh-hans"):
        response = server_error(request)
    page = response.content.decode()
    assert response.status_code == 500
    assert VIEWPORT in page and '<html lang="zh-hans">' in page
    assert "出错了" in page and 'class="site-header"' in page
    assert "Server Error" not in page


def test_a_failing_page_answers_the_chinese_500(client, db, monkeypatch):
    from redgrid import views

    def fail(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.HomeView, "get", fail)
    client.raise_request_exception = False
    response = client.get("/")
    page = response.content.decode()
    assert response.status_code == 500 and "出错了" in page and VIEWPORT in page


@pytest.mark.parametrize("path", ["/no-such-page/"])
def test_error_pages_follow_the_chosen_language(client, db, path):
    client.cookies["django_language"] = "en"
    page = client.get(path).content.decode()
    assert "Page not found" in page and '<html lang="en">' in page
