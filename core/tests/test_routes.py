"""core.routes.KeptRoutes: each path resolved once per process, with the same answer as Django's
resolution and nothing shared between requests."""

import pytest
from django.urls import Resolver404, get_resolver, resolve, reverse

from core.routes import KeptRoutes


def _kept() -> KeptRoutes:
    (kept,) = [p for p in get_resolver().url_patterns if isinstance(p, KeptRoutes)]
    return kept


@pytest.mark.django_db
def test_each_request_reaches_the_view_with_the_arguments_of_its_own_path(client):
    first = client.get("/requests/t/AAAA2222/")
    second = client.get("/requests/t/BBBB3333/")
    again = client.get("/requests/t/AAAA2222/")
    assert [r.wsgi_request.resolver_match.kwargs["code"] for r in (first, second, again)] == [
        "AAAA2222",
        "BBBB3333",
        "AAAA2222",
    ]
    assert "requests/t/AAAA2222/" in _kept().matches
    assert again.wsgi_request.resolver_match.view_name == "requests_desk:status"


def test_a_view_changing_its_match_does_not_change_the_next_requests():
    first = resolve("/requests/t/CCCC4444/")
    first.kwargs["code"] = "changed"
    first.args += ("changed",)
    second = resolve("/requests/t/CCCC4444/")
    assert second is not first
    assert second.kwargs == {"code": "CCCC4444"} and second.args == ()


@pytest.mark.django_db
def test_a_path_that_matches_nothing_is_not_kept(client):
    assert client.get("/no-such-page-5f1c/").status_code == 404
    with pytest.raises(Resolver404):
        resolve("/no-such-page-5f1c/")
    assert "no-such-page-5f1c/" not in _kept().matches


def test_names_namespaces_routes_and_reversing_are_django_s():
    match = resolve("/requests/queue/")
    assert match.view_name == "requests_desk:queue"
    assert match.namespaces == ["requests_desk"] and match.route == "requests/queue/"
    assert reverse("requests_desk:status", args=["DDDD5555"]) == "/requests/t/DDDD5555/"
    assert resolve("/api/v1/positions/").url_name == "api-position-list"
    assert resolve("/dashboard/").view_name == "dashboards:dashboard"


def test_the_paths_kept_are_bounded_and_each_still_resolves():
    kept = KeptRoutes(_kept().url_patterns, limit=3)
    paths = [f"requests/t/EEEE{n:04d}/" for n in range(7)]
    for path in paths:
        assert kept.resolve(path).kwargs == {"code": path.split("/")[2]}
        assert len(kept.matches) <= 3
    assert kept.resolve(paths[0]).kwargs == {"code": "EEEE0000"}
