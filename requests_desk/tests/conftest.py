import io

import pytest
from PIL import Image


@pytest.fixture
def categories(db):
    """The seeded categories (data migration): a few sub-classes tests refer to by code."""
    from django.apps import apps

    from requests_desk.models import Category

    if not Category.objects.exists():
        # Transactional tests (live_server) flush the data the migration seeded: seed it again.
        seed = __import__("requests_desk.migrations.0002_seed_categories", fromlist=["seed"]).seed
        seed(apps, None)
    return {c.code: c for c in Category.objects.filter(parent__isnull=False)}


@pytest.fixture
def make_request(world, categories):
    """Create a request through the service, at the centre of a world grid by default."""
    from requests_desk.models import Request
    from requests_desk.services import request_create

    def make(grid="A1a", code="E0103", **kwargs):
        g = world.grids[grid]
        kwargs.setdefault("location", (g.boundary.centroid.x, g.boundary.centroid.y))
        kwargs.setdefault("source", Request.Source.GRID_PATROL)
        kwargs.setdefault("description", "小区门口有暴露垃圾，没人清理")
        return request_create(category=categories[code], **kwargs)

    return make


def jpeg_bytes(size=(40, 30), fmt="JPEG", exif_gps=False):
    image = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    kwargs = {}
    if exif_gps:
        exif = Image.Exif()
        exif[0x010F] = "TestCam"  # Make
        exif[0x8825] = {1: "N", 2: (22.0, 45.0, 0.0), 3: "E", 4: (113.0, 55.0, 0.0)}
        kwargs["exif"] = exif
    image.save(out, fmt, **kwargs)
    return out.getvalue()
