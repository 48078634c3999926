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
