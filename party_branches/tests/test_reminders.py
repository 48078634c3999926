"""Party branch reminders (party_branches/reminders.py): meetings tomorrow to the branch's
members, attendees and committee; expired committee terms without a successor to the community
staff and the community Party committee."""

import datetime
import zoneinfo

import pytest

from accounts.models import Role
from accounts.tests.factories import UserFactory
from notifications.models import Notification
from notifications.services import reminders_run
from party_branches.models import BranchCommitteeMember, CommunityCommitteeMember
from party_branches.services import meeting_record
from party_branches.tests.factories import PartyBranchFactory, PartyMemberFactory

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 3, 4, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
TOMORROW = datetime.date(2026, 3, 5)


def inbox(kind):
    return sorted(
        Notification.objects.filter(kind=kind, channel="inbox").values_list(
            "recipient__username", "link"
        )
    )


def seat(branch, member, position, start, end=None):
    return BranchCommitteeMember.objects.create(
        branch=branch,
        member=member,
        position=position,
        source="resident",
        start_date=start,
        end_date=end,
    )


def test_meeting_tomorrow_reminds_members_attendees_and_committee_once(world, branch):
    with_account = PartyMemberFactory(branch=branch, user=world.users.party_member)
    PartyMemberFactory(branch=branch)  # no login account: reached in person
    sent_down = PartyMemberFactory(community=world.communities["A1"], user=world.users.grid_head)
    seat(branch, sent_down, "secretary", datetime.date(2024, 1, 1))
    other_branch = PartyBranchFactory(grid=world.grids["A1b"])
    PartyMemberFactory(branch=other_branch, user=world.users.other_grid_head)
    meeting_record(
        branch=branch,
        kind="branch",
        held_on=TOMORROW,
        agenda="学习党章",
        place_name="光明社区党群服务中心",
        present_member_ids=[with_account.pk],
        guests=[("王某", "物业公司")],
    )
    meeting_record(
        branch=other_branch,
        kind="branch",
        held_on=TOMORROW + datetime.timedelta(1),
        agenda="组织生活会",
    )
    written = reminders_run(kinds=["party_branches.meeting_tomorrow"], now=NOW)
    detail = f"/branches/{branch.pk}/"
    assert inbox("party_branches.meeting_tomorrow") == [("head_a1a", detail), ("member_a1a", "")]
    assert written == {"party_branches.meeting_tomorrow": 2}
    message = Notification.objects.get(
        kind="party_branches.meeting_tomorrow", channel="inbox", recipient=world.users.party_member
    )
    assert branch.name in message.subject and "光明社区党群服务中心" in message.body
    assert reminders_run(kinds=["party_branches.meeting_tomorrow"], now=NOW) == {
        "party_branches.meeting_tomorrow": 0
    }


def test_expired_committee_term_without_successor_reminds_the_community(world, branch):
    a1_committee_user = UserFactory(
        username="party_committee_a1", role=Role.PARTY_MEMBER, node=world.grids["A1a"]
    )
    CommunityCommitteeMember.objects.create(
        committee=branch.community_committee,
        position="member",
        member=PartyMemberFactory(community=world.communities["A1"], user=a1_committee_user),
        start_date=datetime.date(2024, 1, 1),
    )
    UserFactory(username="community_b1", role=Role.COMMUNITY_STAFF, node=world.communities["B1"])
    old_term = (datetime.date(2021, 1, 1), datetime.date(2025, 12, 31))
    expired = seat(branch, PartyMemberFactory(branch=branch), "secretary", *old_term)
    seat(branch, PartyMemberFactory(branch=branch), "member", *old_term)
    seat(
        branch, PartyMemberFactory(branch=branch), "member", datetime.date(2026, 1, 1)
    )  # successor
    seat(
        branch,
        PartyMemberFactory(branch=branch),
        "deputy_secretary",
        datetime.date(2024, 1, 1),
        datetime.date(2026, 3, 4),
    )  # ends today: not yet expired
    reminders_run(kinds=["party_branches.committee_term_expired"], now=NOW)
    rows = Notification.objects.filter(
        kind="party_branches.committee_term_expired", channel="inbox"
    )
    assert sorted(rows.values_list("recipient__username", flat=True)) == [
        "community_a1",
        "party_committee_a1",
    ]
    assert all(
        row.urgent
        and row.dedup_key.startswith(f"party_branches.committee_term_expired:{expired.pk}:")
        for row in rows
    )
    assert reminders_run(kinds=["party_branches.committee_term_expired"], now=NOW) == {
        "party_branches.committee_term_expired": 0
    }
