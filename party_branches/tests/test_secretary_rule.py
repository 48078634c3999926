import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from grids.models import GridAssignment
from party_branches import selectors
from party_branches.models import BranchCommitteeMember, CommitteePosition, CommunityCommitteeMember
from party_branches.services import committee_member_appoint
from party_branches.tests.factories import PartyBranchFactory, PartyMemberFactory

TODAY = timezone.localdate()
SECRETARY = CommitteePosition.SECRETARY
RESIDENT = BranchCommitteeMember.Source.RESIDENT


def appoint(branch, member, **kwargs):
    return committee_member_appoint(
        branch=branch, member=member, position=SECRETARY, source=RESIDENT, **kwargs
    )


def test_grid_head_full_member_of_long_standing_may_be_secretary(world, branch):
    head = PartyMemberFactory(branch=branch, user=world.users.grid_head)
    seat = appoint(branch, head)
    assert seat.pk and seat.position == SECRETARY


def test_community_committee_member_may_be_secretary(world, branch):
    member = PartyMemberFactory(branch=branch)
    CommunityCommitteeMember.objects.create(
        committee=branch.community_committee,
        member=member,
        position=CommitteePosition.MEMBER,
        start_date=datetime.date(2021, 1, 1),
    )
    assert appoint(branch, member).pk


def test_probationary_member_is_refused_with_the_rule_named(world, branch):
    head = PartyMemberFactory(
        branch=branch,
        user=world.users.grid_head,
        full_member_on=None,
        joined_on=TODAY - datetime.timedelta(days=200),
    )
    with pytest.raises(ValidationError) as refused:
        appoint(branch, head)
    message = " ".join(refused.value.messages)
    assert "Secretary rule" in message and "probationary" in message
    assert not BranchCommitteeMember.objects.exists()


def test_one_year_of_standing_or_less_is_refused(world, branch):
    head = PartyMemberFactory(
        branch=branch,
        user=world.users.grid_head,
        joined_on=TODAY - datetime.timedelta(days=800),
        full_member_on=TODAY - datetime.timedelta(days=365),
    )
    with pytest.raises(ValidationError, match="not more than one year"):
        appoint(branch, head)


def test_neither_grid_head_nor_committee_member_is_refused(world, branch):
    member = PartyMemberFactory(branch=branch)
    with pytest.raises(ValidationError, match="neither the current grid head"):
        appoint(branch, member)
    # the grid head of ANOTHER grid does not qualify either
    other_head = PartyMemberFactory(branch=branch, user=world.users.other_grid_head)
    with pytest.raises(ValidationError, match="neither the current grid head"):
        appoint(branch, other_head)


def test_every_failing_condition_is_named(world, branch):
    member = PartyMemberFactory(branch=branch, full_member_on=None)
    with pytest.raises(ValidationError) as refused:
        appoint(branch, member)
    message = " ".join(refused.value.messages)
    assert "probationary" in message and "neither the current grid head" in message


def test_a_new_secretary_ends_the_previous_term(world, branch):
    first = PartyMemberFactory(branch=branch, user=world.users.grid_head)
    appoint(branch, first, start_date=datetime.date(2022, 1, 1))
    second = PartyMemberFactory(branch=branch)
    CommunityCommitteeMember.objects.create(
        committee=branch.community_committee,
        member=second,
        position=CommitteePosition.MEMBER,
        start_date=datetime.date(2021, 1, 1),
    )
    appoint(branch, second, start_date=TODAY)
    current = BranchCommitteeMember.objects.in_force().filter(branch=branch, position=SECRETARY)
    assert [s.member_id for s in current] == [second.pk]


def test_compliance_list_shows_term_ended_grid_head_changed_and_no_secretary(world, branch):
    ok_branch = PartyBranchFactory(grid=world.grids["A1b"])
    ok_head = PartyMemberFactory(branch=ok_branch, user=world.users.other_grid_head)
    appoint(ok_branch, ok_head)
    # A1a: the secretary was the grid head; then the grid head changed
    head = PartyMemberFactory(branch=branch, user=world.users.grid_head)
    appoint(branch, head, start_date=datetime.date(2022, 1, 1))
    GridAssignment.objects.filter(grid=world.grids["A1a"], role="grid_head").update(
        end_date=TODAY - datetime.timedelta(days=1)
    )
    # A2a: the secretary's term ended
    ended = PartyBranchFactory(grid=world.grids["A2a"])
    member = PartyMemberFactory(branch=ended)
    CommunityCommitteeMember.objects.create(
        committee=ended.community_committee,
        member=member,
        position=CommitteePosition.MEMBER,
        start_date=datetime.date(2021, 1, 1),
    )
    appoint(
        ended,
        member,
        start_date=datetime.date(2022, 1, 1),
        end_date=TODAY - datetime.timedelta(days=3),
    )
    # A2b: never had a secretary
    PartyBranchFactory(grid=world.grids["A2b"])

    rows = {
        row.branch.grid.name: row.failures
        for row in selectors.compliance_list(world.users.street_staff)
    }
    assert set(rows) == {"A1a网格", "A2a网格", "A2b网格"}
    assert "neither the current grid head" in rows["A1a网格"][0]
    assert "term ended" in rows["A2a网格"][0]
    assert rows["A2b网格"] == ["no current secretary"]


def test_member_facing_form_applies_the_rule(world, branch, client):
    member = PartyMemberFactory(branch=branch, community=world.communities["A1"])
    client.force_login(world.users.community_staff)
    response = client.post(
        reverse("party_branches:detail", args=[branch.pk]),
        {
            "action": "appoint",
            "member": member.pk,
            "position": SECRETARY,
            "source": RESIDENT,
            "start_date": TODAY.isoformat(),
        },
    )
    assert response.status_code == 200
    assert "书记任职规定" in response.content.decode()
    assert "既不是该片区网格的现任网格长" in response.content.decode()
    assert not BranchCommitteeMember.objects.exists()


def test_admin_form_applies_the_rule(world, branch, client):
    member = PartyMemberFactory(branch=branch)
    client.force_login(world.users.community_staff)
    url = reverse("admin:party_branches_branchcommitteemember_add")
    response = client.post(
        url,
        {
            "branch": branch.pk,
            "member": member.pk,
            "position": SECRETARY,
            "source": RESIDENT,
            "start_date": TODAY.isoformat(),
        },
    )
    assert response.status_code == 200
    assert not BranchCommitteeMember.objects.exists()


def test_coverage_lists_grids_without_branch(world, branch, client):
    client.force_login(world.users.street_staff)
    response = client.get(reverse("party_branches:coverage"))
    grids = [g.name for g in response.context["grids"]]
    assert grids == ["A1b网格", "A2a网格", "A2b网格"]  # street A only, A1a has its branch
