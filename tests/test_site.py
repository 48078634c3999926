"""Site-wide plumbing: health check, security headers, home page."""

from unittest import mock


def test_healthz_reports_database_and_broker(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "ok" and data["database"]["ok"] and data["broker"]["ok"]


def test_healthz_is_503_when_the_broker_is_down(client, db, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"]["ok"] is False


def test_healthz_is_503_when_the_database_is_down(client, db):
    with mock.patch("redgrid.views.connection.cursor", side_effect=OSError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["database"]["ok"] is False


def test_pages_carry_a_content_security_policy_without_inline_scripts(client, db):
    response = client.get("/map/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline'" not in policy.split("script-src")[1]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_home_page_links_the_public_map(client, db):
    body = client.get("/").content.decode()
    assert 'href="/map/"' in body and "网格地图" in body


def test_a_database_lost_before_the_view_answers_503_not_500(db, world):
    """The session read of a staff page fails in a middleware, where DatabaseUnavailableMiddleware
    does not see it (it sees the view's exceptions): the error handler answers the same 503."""
    from django.db import OperationalError
    from django.test import Client

    from accounts.sessions import SessionStore

    client = Client(raise_request_exception=False)
    client.force_login(world.users.street_staff)
    gone = mock.patch.object(
        SessionStore, "_get_session_from_db", side_effect=OperationalError("server closed")
    )
    with gone:
        page = client.get("/requests/queue/")
        api = client.get("/api/v1/requests/")
    assert page.status_code == 503 and page["Retry-After"] == "5"
    assert page.content.decode() == "服务暂时不可用，请一分钟后再试。"
    assert api.status_code == 503 and api.json()["code"] == "unavailable"
    # Any other error in a middleware is still the site's 500 page.
    from accounts.middleware import AuditActorMiddleware

    with mock.patch.object(AuditActorMiddleware, "__call__", side_effect=RuntimeError("bug")):
        broken = Client(raise_request_exception=False).get("/requests/queue/")
    assert broken.status_code == 500 and "Retry-After" not in broken
