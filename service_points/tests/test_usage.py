"""Usage per position and month, aggregated from the branch meetings and volunteer activities held
there (reverse relations added by party_branches and volunteers), and upcoming public activities."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from core.periods import time_zone
from service_points.selectors import has_relation, position_usage, upcoming_public_activities

TZ = time_zone()

pb_factories = pytest.importorskip("party_branches.tests.factories")
vol_factories = pytest.importorskip("volunteers.tests.factories")

NOW = datetime.datetime(2024, 6, 20, 12, 0, tzinfo=TZ)


@pytest.fixture
def events(world, positions):
    from party_branches.models import Meeting, MeetingAttendance
    from volunteers.models import Activity, SignUp

    assert has_relation("branch_meetings") and has_relation("volunteer_activities")
    branch = pb_factories.PartyBranchFactory(grid=world.grids["A1a"])
    for held_on, present in (
        (datetime.date(2024, 6, 5), [True, True, False]),
        (datetime.date(2024, 6, 12), []),
        (datetime.date(2024, 5, 8), [True]),
    ):
        meeting = Meeting.objects.create(
            branch=branch, kind="branch", held_on=held_on, place=positions.grid_a, agenda="学习"
        )
        MeetingAttendance.objects.bulk_create(
            MeetingAttendance(meeting=meeting, guest_name=f"来宾{i}", present=p)
            for i, p in enumerate(present)
        )
    # elsewhere: not counted
    Meeting.objects.create(
        branch=branch,
        kind="council",
        held_on=datetime.date(2024, 6, 6),
        place=positions.centre,
        agenda="议事",
    )

    def activity(start, **kw):
        return vol_factories.ActivityFactory(
            community=world.communities["A1"],
            place=positions.grid_a,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=2),
            **kw,
        )

    done = activity(datetime.datetime(2024, 6, 15, 9, 0, tzinfo=TZ), title="清洁家园")
    for hours, checked_in in ((Decimal("2.0"), True), (Decimal("1.5"), True), (Decimal(0), False)):
        member = pb_factories.PartyMemberFactory(branch=branch)
        SignUp.objects.create(
            activity=done,
            member=member,
            hours=hours,
            checked_in_at=done.starts_at if checked_in else None,
        )
    activity(
        datetime.datetime(2024, 6, 16, 9, 0, tzinfo=TZ),
        title="取消的活动",
        status=Activity.Status.CANCELLED,
    )
    activity(datetime.datetime(2024, 6, 25, 9, 0, tzinfo=TZ), title="长者智能手机课堂")
    activity(
        datetime.datetime(2024, 6, 26, 9, 0, tzinfo=TZ),
        title="取消的未来活动",
        status=Activity.Status.CANCELLED,
    )


@time_machine.travel(NOW, tick=False)
def test_usage_per_month_counts_events_attendance_and_hours(
    positions, events, django_assert_max_num_queries
):
    with django_assert_max_num_queries(2):
        usage = position_usage(positions.grid_a)
    june, may = usage
    assert june.month == datetime.date(2024, 6, 1)
    assert (june.events, june.attendance, june.hours) == (3, 4, 3.5)
    assert (may.month, may.events, may.attendance, may.hours) == (
        datetime.date(2024, 5, 1),
        1,
        1,
        0,
    )
    assert position_usage(positions.grid_b) == []


@time_machine.travel(NOW, tick=False)
def test_upcoming_public_activities_are_listed_on_the_position_page(client, positions, events):
    assert [a.title for a in upcoming_public_activities(positions.grid_a)] == ["长者智能手机课堂"]
    page = client.get(f"/positions/{positions.grid_a.pk}/").content.decode()
    assert "长者智能手机课堂" in page and "取消的未来活动" not in page
    assert "2024-06" in page  # the usage table
