"""Staff record positions in the admin: the tier/area rules run there and bad input saves nothing."""

import pytest

from service_points.models import ServicePosition
from service_points.services import opening_hours_set

INLINES = ("opening_hours", "opening_exceptions", "rooms", "photos")


def _post(positions, world, **overrides):
    data = {
        "name": "新建微站点",
        "tier": "micro_site",
        "parent": positions.grid_a.pk,
        "community": world.communities["A1"].pk,
        "grid": world.grids["A1a"].pk,
        "subgrid": "",
        "is_active": "on",
        "address": "光明区测试路8号",
        "location": '{"type": "Point", "coordinates": [113.82, 22.75]}',
    }
    for prefix in INLINES:
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(overrides)
    return data


def test_community_staff_add_a_micro_site_with_hours(client, world, positions):
    client.force_login(world.users.community_staff)
    data = _post(
        positions,
        world,
        **{
            "opening_hours-TOTAL_FORMS": "1",
            "opening_hours-0-weekday": "0",
            "opening_hours-0-opens": "18:00",
            "opening_hours-0-closes": "02:00",
        },
    )
    response = client.post("/admin/service_points/serviceposition/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    site = ServicePosition.objects.get(name="新建微站点")
    assert site.opening_hours.get().crosses_midnight


def test_a_point_outside_the_served_grid_is_refused_in_the_admin(client, world, positions):
    client.force_login(world.users.community_staff)
    data = _post(positions, world, location='{"type": "Point", "coordinates": [113.87, 22.75]}')
    response = client.post("/admin/service_points/serviceposition/add/", data)
    assert response.status_code == 200
    assert "A1b网格" in str(response.context["adminform"].form.errors["location"])
    assert not ServicePosition.objects.filter(name="新建微站点").exists()


def test_overlapping_opening_hours_are_refused(client, world, positions):
    client.force_login(world.users.community_staff)
    data = _post(
        positions,
        world,
        **{
            "opening_hours-TOTAL_FORMS": "2",
            "opening_hours-0-weekday": "0",
            "opening_hours-0-opens": "18:00",
            "opening_hours-0-closes": "02:00",
            "opening_hours-1-weekday": "1",
            "opening_hours-1-opens": "01:00",
            "opening_hours-1-closes": "09:00",
        },
    )
    response = client.post("/admin/service_points/serviceposition/add/", data)
    assert response.status_code == 200
    assert "重叠" in response.content.decode()
    assert not ServicePosition.objects.filter(name="新建微站点").exists()
    with pytest.raises(Exception, match="重叠"):
        import datetime

        opening_hours_set(
            position=positions.micro,
            weekly={
                2: [(datetime.time(9), datetime.time(12)), (datetime.time(11), datetime.time(13))]
            },
        )


def test_positions_outside_the_jurisdiction_are_404_in_the_admin(client, world, positions):
    client.force_login(world.users.community_staff)
    url = f"/admin/service_points/serviceposition/{positions.other_centre.pk}/change/"
    assert client.get(url).status_code in (302, 404)
    assert (
        client.get(
            f"/admin/service_points/serviceposition/{positions.centre.pk}/change/"
        ).status_code
        == 200
    )
