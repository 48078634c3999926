"""A need raised on a visit becomes a request in one step, linked both ways; once the request is
closed a follow-up visit is due."""

import datetime

from django.contrib.gis.geos import Point
from django.urls import reverse
from django.utils import timezone

from care.models import HouseholdNeed, Visit
from care.selectors import follow_ups_due
from care.services import visit_record
from requests_desk.models import Request


def test_need_becomes_a_request_linked_both_ways_and_follow_up_falls_due(
    client, care, request_category
):
    household = care.households["paired"]
    household.location = Point(113.82, 22.75, srid=4326)  # inside grid A1a
    household.save()
    visit = visit_record(
        household=household,
        visitor=care.users.grid_worker,
        visited_on=datetime.date(2025, 6, 1),
        mode="in_person",
        needs=["楼道灯坏了，老人夜间出行不便"],
    )
    need = visit.needs.get()
    category = request_category
    client.force_login(care.users.grid_worker)
    page = client.get(reverse("care:household", args=[household.pk])).content.decode()
    assert reverse("care:need_to_request", args=[need.pk]) in page
    client.post(reverse("care:need_to_request", args=[need.pk]), {"category": category.pk})
    need.refresh_from_db()
    request = need.request
    assert request.source == Request.Source.HOUSEHOLD_VISIT
    assert request.grid == care.world.grids["A1a"]
    assert list(request.care_needs.all()) == [need]
    assert care.residents["paired"].name not in request.description
    assert request.reporter_phone == ""
    # A second click does not file it twice.
    client.post(reverse("care:need_to_request", args=[need.pk]), {"category": category.pk})
    assert Request.objects.count() == 1
    assert list(follow_ups_due(care.users.grid_worker)) == []
    Request.objects.filter(pk=request.pk).update(
        stage="closed", closure_type="normal", closed_at=timezone.now()
    )
    assert list(follow_ups_due(care.users.grid_worker)) == [need]
    assert "楼道灯坏了" in client.get(reverse("care:home")).content.decode()
    client.post(
        reverse("care:visit_new", args=[household.pk]),
        {
            "visited_on": "2025-06-20",
            "mode": "phone",
            "follow_up_of": need.pk,
            "condition": "灯已修好，老人满意",
        },
    )
    follow_up = Visit.objects.get(follow_up_of=need)
    assert follow_up.kind == Visit.Kind.FOLLOW_UP
    assert list(follow_ups_due(care.users.grid_worker)) == []


def test_someone_who_cannot_see_the_household_cannot_file_its_need(client, care, request_category):
    visit = visit_record(
        household=care.households["other"],
        visitor=care.users.worker_b,
        visited_on=datetime.date(2025, 6, 1),
        mode="in_person",
        needs=["需要轮椅"],
    )
    need = visit.needs.get()
    category = request_category
    client.force_login(care.users.grid_worker)
    response = client.post(
        reverse("care:need_to_request", args=[need.pk]), {"category": category.pk}
    )
    assert response.status_code == 404 and HouseholdNeed.objects.get().request is None


def test_need_of_a_household_without_a_point_goes_to_its_grid_and_is_counted_there(
    care, request_category
):
    from care.requests_link import need_to_request
    from requests_desk.models import MonthlyRequestFigures

    household = care.households["paired"]
    household.location = None
    household.save()
    visit = visit_record(
        household=household,
        visitor=care.users.grid_worker,
        visited_on=datetime.date(2025, 6, 1),
        mode="in_person",
        needs=["屋顶漏水，需要维修"],
    )
    request = need_to_request(
        need=visit.needs.get(), category=request_category, by=care.users.grid_worker
    )
    assert request.grid == household.grid
    counted = MonthlyRequestFigures.objects.filter(reports__gt=0).values_list("grid_id", "reports")
    assert list(counted) == [(household.grid_id, 1)]
