"""Fixtures of the reliability and security suite: requests in the shared `world` (see the root
conftest's docstring), an Open311 client key, photo payloads."""

import pytest


@pytest.fixture
def categories(db):
    """The seeded request categories (a data migration; seeded again after a flush)."""
    from django.apps import apps

    from requests_desk.models import Category

    if not Category.objects.exists():
        seed = __import__("requests_desk.migrations.0002_seed_categories", fromlist=["seed"]).seed
        seed(apps, None)
    return {c.code: c for c in Category.objects.filter(parent__isnull=False)}


@pytest.fixture
def make_request(world, categories):
    """A request made through requests_desk.services.request_create, in a world grid."""
    from requests_desk.models import Request
    from requests_desk.services import request_create

    def make(grid="A1a", code="E0103", **kwargs):
        g = world.grids[grid]
        kwargs.setdefault("location", (g.boundary.centroid.x, g.boundary.centroid.y))
        kwargs.setdefault("source", Request.Source.GRID_PATROL)
        kwargs.setdefault("description", "小区门口有暴露垃圾，没人清理")
        return request_create(category=categories[code], **kwargs)

    return make


@pytest.fixture
def open311_key(db):
    from requests_desk.services import open311_client_create

    _client, key = open311_client_create(name="reliability suite")
    return key


@pytest.fixture
def media_root(tmp_path, settings):
    """An empty MEDIA_ROOT per test, so that "no file was written" can be checked."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def served_media_root(settings):
    """The MEDIA_ROOT the site is configured with, not a temporary one, so that a route fixed at
    import (the old `/media/` one served this folder) would find the files; what the test stored
    there is removed afterwards."""
    from pathlib import Path

    root = Path(settings.MEDIA_ROOT)
    root.mkdir(parents=True, exist_ok=True)
    before = set(files_under(root))
    yield root
    for path in set(files_under(root)) - before:
        path.unlink(missing_ok=True)


def has_form_error(page: str) -> bool:
    """Whether a requests-desk form page shows an error (field or summary)."""
    return 'class="field-error"' in page or 'class="error-summary"' in page


def files_under(path) -> list:
    return sorted(p for p in path.rglob("*") if p.is_file())


@pytest.fixture
def client():
    """The test client answering as a server would: an exception in a view becomes a 500
    response (which these tests look for) instead of being raised into the test."""
    from django.test import Client

    return Client(raise_request_exception=False)
