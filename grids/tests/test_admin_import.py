"""Boundary upload in the admin: the same import as the command, refusals listed, nothing saved."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile

from grids.models import AreaGrid
from grids.tests.test_boundary_import import box, feature


def upload(client, data, **extra):
    file = SimpleUploadedFile("grids.geojson", json.dumps(data).encode(), "application/geo+json")
    return client.post("/admin/grids/areagrid/import/", {"file": file, **extra})


def test_district_admin_uploads_new_grids_into_an_existing_community(client, world):
    admin_user = world.users.district_admin
    admin_user.is_staff = True
    admin_user.save()
    client.force_login(admin_user)
    community = world.communities["A1"]
    # Redraw A1 as two versions: first refuse an overlapping pair, then accept a clean replacement.
    overlapping = {
        "type": "FeatureCollection",
        "features": [
            feature(
                "grid",
                community.code + "03",
                "新网格",
                community.code,
                box(113.80, 22.70, 113.86, 22.80),
            ),
        ],
    }
    response = upload(client, overlapping)
    assert response.status_code == 200
    body = response.content.decode()
    assert "导入被拒绝" in body and "重叠" in body
    assert AreaGrid.objects.filter(code=community.code + "03").count() == 0

    replacement = {
        "type": "FeatureCollection",
        "features": [
            feature(
                "grid",
                community.code + "01",
                "A1a网格",
                community.code,
                box(113.80, 22.70, 113.84, 22.80),
            ),
            feature(
                "grid",
                community.code + "03",
                "新网格",
                community.code,
                box(113.84, 22.70, 113.85, 22.80),
            ),
        ],
    }
    response = upload(client, replacement, replace="on", valid_from="2026-06-01")
    # A redraw that moved people shows what moved (grids.boundary_import: core.redraw_registry).
    assert response.status_code == 200
    assert 'data-testid="import-result"' in response.content.decode()
    assert AreaGrid.objects.current().filter(code=community.code + "03").exists()
    assert AreaGrid.objects.filter(code=community.code + "01").count() == 2


def test_a_grid_head_cannot_reach_the_upload(client, world):
    client.force_login(world.users.grid_head)
    response = upload(client, {"type": "FeatureCollection", "features": []})
    assert response.status_code == 302  # not an admin-site user: sent to the admin login
