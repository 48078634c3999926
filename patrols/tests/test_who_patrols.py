"""Who may start a patrol, and what the others are told: the grid workers and the grid head of an
area grid patrol it; staff above the grid see why there is no button instead of an empty page."""

import pytest
from django.urls import reverse

from patrols import services
from patrols.models import Patrol

pytestmark = pytest.mark.django_db


def test_a_grid_head_starts_a_patrol_of_their_grid_from_the_page(client, world):
    head = world.users.grid_head
    client.force_login(head)
    page = client.get(reverse("patrols:home")).content.decode()
    assert "开始巡查" in page and 'id="patrol-why-not"' not in page
    response = client.post(reverse("patrols:start"), follow=True)
    patrol = Patrol.objects.get(worker=head, ended_at__isnull=True)
    assert patrol.grid == world.grids["A1a"]
    assert "巡查进行中" in response.content.decode()


@pytest.mark.parametrize("role", ["community_staff", "street_staff", "district_admin"])
def test_staff_above_the_grid_are_told_why_they_cannot_start_one(client, world, role):
    client.force_login(getattr(world.users, role))
    page = client.get(reverse("patrols:home")).content.decode()
    assert 'id="patrol-why-not"' in page and "网格长" in page
    assert reverse("patrols:start") not in page
    response = client.post(reverse("patrols:start"), follow=True)
    assert response.status_code == 200 and "网格员和网格长" in response.content.decode()
    assert not Patrol.objects.exists()


def test_the_refusal_names_what_is_missing(world):
    assert services.patrol_start_refusal(world.users.grid_worker) is None
    assert services.patrol_start_refusal(world.users.grid_head) is None
    assert services.patrol_start_refusal(world.users.community_staff)
