"""The indicator query layer: correct counts and rates, one query, jurisdiction scoping."""

import datetime

from django.utils import timezone

from requests_desk import flow
from requests_desk.indicators import request_indicators
from requests_desk.models import Request, Stage
from requests_desk.tests.test_flow import bring_to


def test_indicators_per_grid_in_one_query(world, make_request, django_assert_num_queries):
    admin = world.users.district_admin
    closed = bring_to(make_request(), Stage.CLOSED, admin)
    flow.transition(
        case=closed, action="rate", by=None, speed=5, result=5, service=4, feedback_quality=4
    )
    late = bring_to(make_request(description="超期未处置的垃圾"), Stage.HANDLING, admin)
    Request.objects.filter(pk=late.pk).update(due_at=timezone.now() - datetime.timedelta(hours=1))
    flow.transition(
        case=late, action="request_extension", by=admin, working_days=2, note="需要协调"
    )
    flow.transition(case=late, action="approve_extension", by=admin)
    Request.objects.filter(pk=late.pk).update(due_at=timezone.now() - datetime.timedelta(hours=1))
    make_request(description="新上报还未受理")
    make_request(grid="B2b", description="另一个街道的问题")
    start = timezone.localdate() - datetime.timedelta(days=1)
    end = timezone.localdate() + datetime.timedelta(days=1)
    with django_assert_num_queries(1):
        rows = request_indicators(start=start, end=end, group_by=("grid",))
    by_grid = {r["grid__name"]: r for r in rows}
    a = by_grid["A1a网格"]
    assert (a["reports"], a["accepted"], a["filed"], a["dispatched"]) == (3, 2, 2, 2)
    assert a["closed"] == 1 and a["closure_rate"] == 0.5
    assert a["overdue_unhandled"] == 1 and a["extended"] == 1 and a["extension_rate"] == 0.5
    assert a["rated"] == 1 and a["satisfaction_score"] == 4.5 and a["satisfaction_rate"] == 1
    assert a["avg_handling_hours"] is not None
    assert by_grid["B2b网格"]["reports"] == 1


def test_indicators_are_scoped_and_group_by_month(world, make_request):
    make_request()
    make_request(grid="B2b", description="另一个街道的问题")
    start = timezone.localdate() - datetime.timedelta(days=40)
    end = timezone.localdate() + datetime.timedelta(days=1)
    rows = request_indicators(
        start=start, end=end, user=world.users.street_staff, group_by=("street", "month")
    )
    assert [r["street__name"] for r in rows] == ["A街道"] and rows[0]["month"] is not None
    total = request_indicators(start=start, end=end, group_by=())
    assert total[0]["reports"] == 2
