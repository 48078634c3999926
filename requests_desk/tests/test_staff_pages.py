"""Staff queue and case page: jurisdiction scoping, filters, keyset pages, bulk dispatch, the
case page's allowed actions (full page and htmx fragment), masking and audited reveal, and a
query count that does not grow with the data."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import login_verified
from requests_desk.models import Request, Stage
from requests_desk.tests.factories import RequestFactory
from requests_desk.tests.test_flow import bring_to

QUEUE = reverse("requests_desk:queue")


def test_queue_is_scoped_to_the_jurisdiction(client, world, make_request):
    mine = make_request(grid="A1a")
    other = make_request(grid="A1b", description="隔壁网格的垃圾问题")
    far = make_request(grid="B2b", description="另一个街道的垃圾问题")
    client.force_login(world.users.grid_head)
    page = client.get(QUEUE).content.decode()
    assert mine.code in page and other.code not in page and far.code not in page
    client.force_login(world.users.street_staff)
    page = client.get(QUEUE).content.decode()
    assert mine.code in page and other.code in page and far.code not in page
    client.force_login(world.users.district_admin)
    page = client.get(QUEUE).content.decode()
    assert far.code in page


def test_case_outside_the_jurisdiction_is_404(client, world, make_request):
    other = make_request(grid="A1b")
    client.force_login(world.users.grid_head)
    assert client.get(reverse("requests_desk:case", args=[other.code])).status_code == 404
    assert (
        client.post(reverse("requests_desk:act", args=[other.code, "accept"]), {}).status_code
        == 404
    )


def test_queue_needs_a_staff_role(client, world):
    assert client.get(QUEUE).status_code == 302
    client.force_login(world.users.party_member)
    assert client.get(QUEUE).status_code == 403


def test_queue_filters_overdue_and_stage(client, world, make_request):
    late = bring_to(make_request(), Stage.DISPATCHED, world.users.district_admin)
    Request.objects.filter(pk=late.pk).update(due_at=timezone.now() - datetime.timedelta(hours=2))
    fresh = make_request(description="新报的垃圾问题，还没受理")
    client.force_login(world.users.grid_head)
    page = client.get(QUEUE, {"overdue": "on", "stage": "open"}).content.decode()
    assert late.code in page and fresh.code not in page
    page = client.get(QUEUE, {"stage": "reported"}).content.decode()
    assert fresh.code in page and late.code not in page


def test_keyset_pages_cover_everything_once(client, world, categories, settings):
    settings.REDGRID_REQUESTS_DESK_QUEUE_PAGE_SIZE = 3
    now = timezone.now()
    RequestFactory.create_batch(7, grid=world.grids["A1a"], created_at=now)
    client.force_login(world.users.grid_head)
    seen, url = [], QUEUE + "?stage=open"
    while url:
        response = client.get(url)
        seen += [r.code for r in response.context["page"].rows]
        url = response.context["next_url"] and QUEUE + response.context["next_url"]
    assert len(seen) == 7 and len(set(seen)) == 7


@pytest.mark.parametrize("count", [3, 30])
def test_queue_query_count_is_constant(
    client, world, categories, django_assert_max_num_queries, count
):
    RequestFactory.create_batch(count, grid=world.grids["A1a"])
    client.force_login(world.users.grid_head)
    with django_assert_max_num_queries(12):
        response = client.get(QUEUE)
    assert len(response.context["page"].rows) == count


def test_case_page_query_count_is_constant(
    client, world, make_request, django_assert_max_num_queries
):
    item = bring_to(make_request(), Stage.VERIFIED, world.users.district_admin)
    client.force_login(world.users.grid_head)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("requests_desk:case", args=[item.code]))
    assert response.status_code == 200


def test_case_page_shows_only_allowed_actions(client, world, make_request):
    item = make_request()
    client.force_login(world.users.grid_worker)
    page = client.get(reverse("requests_desk:case", args=[item.code])).content.decode()
    assert 'data-action="accept"' in page and 'data-action="cancel"' not in page
    client.force_login(world.users.grid_head)
    page = client.get(reverse("requests_desk:case", args=[item.code])).content.decode()
    assert 'data-action="cancel"' in page and 'data-action="close"' not in page


def test_action_form_posts_through_the_state_machine(client, world, make_request):
    item = make_request()
    client.force_login(world.users.grid_head)
    url = reverse("requests_desk:act", args=[item.code, "cancel"])
    response = client.post(url, {"reason": "", "version": item.version})
    assert response.status_code == 400
    item.refresh_from_db()
    assert item.stage == Stage.REPORTED
    response = client.post(url, {"reason": "重复上报", "version": item.version})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.stage == Stage.CANCELLED


def test_action_is_an_htmx_fragment(client, world, make_request):
    item = bring_to(make_request(), Stage.FILED, world.users.district_admin)
    client.force_login(world.users.grid_head)
    url = reverse("requests_desk:act", args=[item.code, "dispatch"])
    response = client.get(url, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "<html" not in page and f"user:{world.users.grid_worker.pk}" in page
    response = client.post(
        url,
        {"target": f"user:{world.users.grid_worker.pk}", "version": item.version},
        HTTP_HX_REQUEST="true",
    )
    assert 'data-stage="dispatched"' in response.content.decode()


def test_illegal_action_page_shows_the_refusal(client, world, make_request):
    item = make_request()
    client.force_login(world.users.grid_worker)
    response = client.post(reverse("requests_desk:act", args=[item.code, "close"]), {"note": "x"})
    assert response.status_code == 400
    item.refresh_from_db()
    assert item.stage == Stage.REPORTED


def test_bulk_dispatch(client, world, make_request):
    a = bring_to(make_request(), Stage.FILED, world.users.district_admin)
    b = bring_to(
        make_request(description="第二个已立案的垃圾问题"), Stage.FILED, world.users.district_admin
    )
    c = make_request(description="还没立案的问题不能派遣")
    client.force_login(world.users.grid_head)
    client.post(
        reverse("requests_desk:bulk_dispatch"),
        {"codes": [a.code, b.code, c.code], "target": "own_community"},
    )
    stages = dict(Request.objects.values_list("code", "stage"))
    assert stages[a.code] == stages[b.code] == Stage.DISPATCHED
    assert stages[c.code] == Stage.REPORTED


def test_phone_is_masked_and_reveal_is_audited(client, world, make_request):
    from privacy.models import AuditLogEntry

    item = make_request(reporter_name="王小明", reporter_phone="13812345678", consent=True)
    client.force_login(world.users.grid_head)
    page = client.get(reverse("requests_desk:case", args=[item.code])).content.decode()
    assert "138****5678" in page and "13812345678" not in page and "王**" in page
    response = client.post(
        reverse("requests_desk:reveal", args=[item.code]), {"purpose": "联系核实"}
    )
    assert "13812345678" not in response.content.decode()  # no reveal right
    user = world.users.grid_head
    user.may_reveal_personal_data = True
    user.save()
    login_verified(client, user)  # the reveal right works after the second-factor step
    response = client.post(
        reverse("requests_desk:reveal", args=[item.code]), {"purpose": "联系核实"}
    )
    assert "13812345678" in response.content.decode()
    assert AuditLogEntry.objects.filter(subject_label=item.code).count() == 2


def test_staff_enter_a_hotline_request(client, world, categories):
    client.force_login(world.users.grid_worker)
    grid = world.grids["A1a"]
    response = client.post(
        reverse("requests_desk:enter"),
        {
            "source": "hotline",
            "category": categories["C0101"].pk,
            "description": "来电：井盖缺失",
            "lat": grid.boundary.centroid.y,
            "lon": grid.boundary.centroid.x,
        },
    )
    item = Request.objects.get()
    assert response.status_code == 302 and item.source == "hotline"
    assert item.created_by == world.users.grid_worker
