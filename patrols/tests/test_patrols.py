import datetime

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from grids.tests.factories import KeyPlaceFactory
from patrols import services
from patrols.geo import distance_m
from patrols.models import Finding, Patrol
from patrols.selectors import coverage_for, findings_summary, patrols_per_worker

# 0.001° of latitude ≈ 111 m.
PLACE = (113.825, 22.75)


@pytest.fixture
def place(world):
    return KeyPlaceFactory(
        grid=world.grids["A1a"], name="光明花园", location=Point(*PLACE, srid=4326)
    )


def test_distance_is_geodesic_metres():
    assert distance_m(Point(113.825, 22.75), Point(113.825, 22.751)) == pytest.approx(111.2, 0.01)


@override_settings(REDGRID_PATROLS_MAX_CHECK_IN_METRES=150)
def test_check_in_refused_when_too_far_and_saves_nothing(world, place):
    patrol = services.patrol_start(worker=world.users.grid_worker)
    with pytest.raises(ValidationError) as refused:
        services.check_in(
            patrol=patrol,
            key_place=place,
            lon=PLACE[0],
            lat=PLACE[1] + 0.002,
            by=world.users.grid_worker,
        )
    assert "222" in str(refused.value) and "150" in str(refused.value)
    assert patrol.check_ins.count() == 0
    check_in = services.check_in(
        patrol=patrol,
        key_place=place,
        lon=PLACE[0],
        lat=PLACE[1] + 0.001,
        by=world.users.grid_worker,
    )
    assert check_in.distance_m == pytest.approx(111.2, abs=0.5)


def test_worker_patrol_end_to_end_through_the_pages(client, world, place):
    client.force_login(world.users.grid_worker)
    from patrols.models import PatrolPlan

    PatrolPlan.objects.create(grid=world.grids["A1a"], key_place=place, frequency_days=7)
    client.post(reverse("patrols:start"))
    patrol = Patrol.objects.get(worker=world.users.grid_worker)
    page = client.get(reverse("patrols:home")).content.decode()
    assert "光明花园" in page
    far = client.post(
        reverse("patrols:check_in", args=[patrol.pk]),
        {"key_place": place.pk, "lon": PLACE[0] + 0.01, "lat": PLACE[1]},
        follow=True,
    )
    assert "光明花园" in far.content.decode() and patrol.check_ins.count() == 0
    client.post(
        reverse("patrols:check_in", args=[patrol.pk]),
        {"key_place": place.pk, "lon": PLACE[0], "lat": PLACE[1]},
    )
    assert patrol.check_ins.count() == 1
    client.post(
        reverse("patrols:finding_new", args=[patrol.pk]),
        {
            "kind": "rubbish",
            "description": "路边堆放建筑垃圾",
            "key_place": place.pk,
            "handled_note": "已联系物业清运",
        },
    )
    client.post(
        reverse("patrols:finding_new", args=[patrol.pk]),
        {"kind": "fire_risk", "description": "楼道堆放电动车充电"},
    )
    client.post(reverse("patrols:end", args=[patrol.pk]))
    patrol.refresh_from_db()
    assert patrol.ended_at is not None
    outcomes = sorted(patrol.findings.values_list("outcome", flat=True))
    assert outcomes == ["open", "self_handled"]


def test_only_grid_workers_of_the_patrol_touch_it(client, world, place):
    patrol = services.patrol_start(worker=world.users.grid_worker)
    client.force_login(world.users.other_grid_head)
    assert client.get(reverse("patrols:detail", args=[patrol.pk])).status_code == 404
    client.force_login(world.users.grid_head)
    assert client.get(reverse("patrols:detail", args=[patrol.pk])).status_code == 200
    response = client.post(
        reverse("patrols:check_in", args=[patrol.pk]),
        {"key_place": place.pk, "lon": PLACE[0], "lat": PLACE[1]},
    )
    assert response.status_code == 404 and patrol.check_ins.count() == 0
    client.force_login(world.users.party_member)  # not staff: the staff gate's 403
    assert client.get(reverse("patrols:home")).status_code == 403
    assert client.get(reverse("patrols:coverage")).status_code == 403


def test_one_open_patrol_per_worker(world):
    services.patrol_start(worker=world.users.grid_worker)
    with pytest.raises(ValidationError):
        services.patrol_start(worker=world.users.grid_worker)


def test_coverage_counts_overdue_places_patrols_and_findings(
    client, world, place, django_assert_max_num_queries
):
    from patrols.models import PatrolPlan

    other = KeyPlaceFactory(
        grid=world.grids["A1a"], name="光明工业园", location=Point(113.83, 22.76, srid=4326)
    )
    far_grid = KeyPlaceFactory(grid=world.grids["A1b"], name="外网格场所")
    for p in (place, other, far_grid):
        PatrolPlan.objects.create(grid=p.grid, key_place=p, frequency_days=7)
    worker = world.users.grid_worker
    now = timezone.now()
    old = services.patrol_start(worker=worker, now=now - datetime.timedelta(days=20))
    services.check_in(
        patrol=old,
        key_place=other,
        lon=113.83,
        lat=22.76,
        by=worker,
        now=now - datetime.timedelta(days=20),
    )
    services.patrol_end(patrol=old, by=worker, now=now - datetime.timedelta(days=20))
    recent = services.patrol_start(worker=worker, now=now - datetime.timedelta(days=1))
    services.check_in(patrol=recent, key_place=place, lon=PLACE[0], lat=PLACE[1], by=worker)
    services.finding_record(patrol=recent, by=worker, kind="hazard", description="井盖缺失有隐患")
    services.finding_record(
        patrol=recent, by=worker, kind="hazard", description="护栏松动有隐患", handled_note="已加固"
    )
    head = world.users.grid_head
    overdue = {p.key_place.name for p in coverage_for(head) if p.overdue}
    assert overdue == {"光明工业园"}  # visited 20 days ago, every 7 days; the other grid is not his
    since = now - datetime.timedelta(days=30)
    rows = list(patrols_per_worker(head, since=since))
    assert [(r["patrols"], r["check_ins"], r["findings"]) for r in rows] == [(2, 2, 2)]
    assert findings_summary(head, since=since) == [
        {
            "kind": "hazard",
            "total": 2,
            "self_handled": 1,
            "reported": 0,
            "open": 1,
            "label": Finding.Kind.HAZARD.label,
        }
    ]
    client.force_login(head)
    with django_assert_max_num_queries(12):
        html = client.get(reverse("patrols:coverage")).content.decode()
    assert "光明工业园" in html and "外网格场所" not in html


def test_api_check_in_obeys_the_distance_rule(client, world, place):
    client.force_login(world.users.grid_worker)
    started = client.post(reverse("api-patrol-start"))
    assert started.status_code == 201
    patrol_id = started.json()["id"]
    url = reverse("api-patrol-check-in-list")
    too_far = client.post(
        url,
        {"patrol": patrol_id, "key_place": place.pk, "lon": PLACE[0], "lat": PLACE[1] + 0.01},
        content_type="application/json",
    )
    assert too_far.status_code == 400 and "position" in too_far.json()
    ok = client.post(
        url,
        {"patrol": patrol_id, "key_place": place.pk, "lon": PLACE[0], "lat": PLACE[1]},
        content_type="application/json",
    )
    assert ok.status_code == 201 and ok.json()["distance_m"] == 0
    client.force_login(world.users.other_grid_head)
    assert client.get(reverse("api-patrol-detail", args=[patrol_id])).status_code == 404


def test_finding_becomes_a_request_routed_to_the_grid(client, world, place, request_category):
    from requests_desk.models import Request

    worker = world.users.grid_worker
    patrol = services.patrol_start(worker=worker)
    finding = services.finding_record(
        patrol=patrol,
        by=worker,
        kind="illegal_structure",
        description="楼顶新搭建彩钢棚",
        key_place=place,
    )
    category = request_category
    client.force_login(worker)
    client.post(reverse("patrols:finding_to_request", args=[finding.pk]), {"category": category.pk})
    finding.refresh_from_db()
    assert finding.outcome == Finding.Outcome.REPORTED
    request = finding.request
    assert request.source == Request.Source.GRID_PATROL and request.grid == world.grids["A1a"]
    assert list(request.patrol_findings.all()) == [finding]
    again = client.post(
        reverse("patrols:finding_to_request", args=[finding.pk]), {"category": category.pk}
    )
    assert again.status_code == 302 and Request.objects.count() == 1


def test_finding_whose_gps_fix_fell_across_the_edge_still_goes_to_the_patrolled_grid(
    world, request_category
):
    worker = world.users.grid_worker
    patrol = services.patrol_start(worker=worker)
    finding = services.finding_record(
        patrol=patrol,
        by=worker,
        kind="rubbish",
        description="路口堆放生活垃圾",
        lon=113.851,
        lat=22.75,
    )
    request = services.finding_report(finding=finding, category=request_category, by=worker)
    assert request.grid == world.grids["A1a"] and request.community == world.communities["A1"]
    # The requests desk's monthly summary follows the re-route (the dashboards read it).
    from requests_desk.models import MonthlyRequestFigures

    counted = MonthlyRequestFigures.objects.filter(reports__gt=0).values_list("grid_id", "reports")
    assert list(counted) == [(world.grids["A1a"].pk, 1)]


def test_patrol_count_and_the_coverage_month_filter_agree(client, world):
    """patrol_count(user, start, end) counts patrols started in a period (local days, end
    exclusive); the coverage page for ?month=YYYY-MM shows the same figure and only that month's
    patrols per worker."""
    from patrols.selectors import patrol_count

    utc = datetime.UTC
    worker = world.users.grid_worker
    starts = [
        datetime.datetime(2026, 4, 10, 2, tzinfo=utc),
        # 1 May 01:00 in Shanghai, still 30 April in UTC: a May patrol.
        datetime.datetime(2026, 4, 30, 17, tzinfo=utc),
        datetime.datetime(2026, 5, 12, 2, tzinfo=utc),
        datetime.datetime(2026, 5, 31, 15, 59, tzinfo=utc),  # 31 May 23:59 in Shanghai
        datetime.datetime(2026, 5, 31, 16, 1, tzinfo=utc),  # 1 June 00:01 in Shanghai
    ]
    for at in starts:
        patrol = services.patrol_start(worker=worker, now=at)
        services.patrol_end(patrol=patrol, by=worker, now=at + datetime.timedelta(hours=1))
    head = world.users.grid_head
    may, june = datetime.date(2026, 5, 1), datetime.date(2026, 6, 1)
    assert patrol_count(head, start=may, end=june) == 3
    assert patrol_count(head, start=datetime.date(2026, 4, 1), end=may) == 1
    assert patrol_count(world.users.street_staff, start=may, end=june) == 3
    assert patrol_count(world.users.other_grid_head, start=may, end=june) == 0
    # Several periods in one query (the dashboard's this month and last): the same counts.
    from patrols.selectors import patrol_counts

    april = datetime.date(2026, 4, 1)
    assert patrol_counts(head, periods={"may": (may, june), "april": (april, may)}) == {
        "may": 3,
        "april": 1,
    }
    assert patrol_counts(world.users.other_grid_head, periods={"may": (may, june)}) == {"may": 0}
    client.force_login(head)
    response = client.get(reverse("patrols:coverage") + "?month=2026-05")
    assert response.context["patrol_total"] == 3
    assert [row["patrols"] for row in response.context["per_worker"]] == [3]
    html = response.content.decode()
    assert 'value="2026-05"' in html and "2026-05-01" in html and "2026-05-31" in html
    bad = client.get(reverse("patrols:coverage") + "?month=2026-13")
    assert bad.status_code == 200 and bad.context["month"] is None
    assert "2026-05" in bad.context["month_error"]  # the translated hint with an example
    assert 'aria-invalid="true"' in bad.content.decode()
