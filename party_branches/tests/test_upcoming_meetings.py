"""party_branches.selectors.upcoming_meetings: the dashboards' "upcoming meetings" list."""

import datetime

from party_branches.models import Meeting
from party_branches.selectors import upcoming_meetings
from party_branches.tests.factories import PartyBranchFactory

TODAY = datetime.date(2026, 5, 15)


def _meeting(branch, days, kind=Meeting.Kind.BRANCH):
    return Meeting.objects.create(
        branch=branch,
        kind=kind,
        agenda="学习传达会议精神",
        held_on=TODAY + datetime.timedelta(days=days),
    )


def test_upcoming_meetings_are_the_next_days_in_the_jurisdiction_soonest_first(
    world, branch, django_assert_num_queries
):
    other_street = PartyBranchFactory(grid=world.grids["B1a"])
    sibling = PartyBranchFactory(grid=world.grids["A1b"])
    later = _meeting(branch, 6, Meeting.Kind.COUNCIL)
    today = _meeting(branch, 0)
    _meeting(branch, -1)  # held yesterday: not upcoming
    _meeting(branch, 7)  # a week ahead: outside the default 7 days [today, today + 7)
    in_sibling = _meeting(sibling, 3)
    _meeting(other_street, 2)  # another street
    with django_assert_num_queries(1):
        head = [(m.pk, m.branch.name) for m in upcoming_meetings(world.users.grid_head, on=TODAY)]
    assert head == [(today.pk, branch.name), (later.pk, branch.name)]
    street = list(upcoming_meetings(world.users.street_staff, on=TODAY))
    assert street == [today, in_sibling, later]
    assert len(upcoming_meetings(world.users.street_staff, on=TODAY, days=8)) == 4
