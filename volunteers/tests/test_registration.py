import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from notifications.models import Notification
from party_branches.tests.factories import PartyBranchFactory, PartyMemberFactory
from volunteers import selectors, services
from volunteers.models import Registration
from volunteers.tests.factories import RegistrationFactory


def test_member_registers_and_community_staff_approve(world, member, client):
    client.force_login(world.users.party_member)
    response = client.post(
        reverse("volunteers:register"), {"grid": world.grids["A1a"].pk, "skills": "急救"}
    )
    assert response.status_code == 302
    registration = Registration.objects.get(member=member)
    assert registration.status == Registration.Status.SUBMITTED
    assert registration.community == world.communities["A1"]

    client.force_login(world.users.community_staff)
    page = client.get(reverse("volunteers:registrations"))
    assert "张三" in page.content.decode()
    client.post(reverse("volunteers:registration_decide", args=[registration.pk, "approve"]))
    registration.refresh_from_db()
    assert registration.status == Registration.Status.APPROVED
    assert registration.confirmed_on is not None
    assert services.registration_is_current(registration)
    assert Notification.objects.filter(recipient=world.users.party_member).exists()


def test_return_needs_a_reason_and_keeps_it(world, member):
    registration = services.registration_submit(
        member=member, community=world.communities["A1"], grid=world.grids["A1a"]
    )
    with pytest.raises(ValidationError):
        services.registration_return(
            registration=registration, by=world.users.community_staff, reason="  "
        )
    services.registration_return(
        registration=registration,
        by=world.users.community_staff,
        reason="网格选错了，请选择居住地所在网格",
    )
    registration.refresh_from_db()
    assert registration.status == Registration.Status.RETURNED
    # a returned registration can be followed by a new one
    services.registration_submit(
        member=member, community=world.communities["A1"], grid=world.grids["A1b"]
    )


def test_grid_must_lie_in_community_and_only_one_open_registration(world, member):
    with pytest.raises(ValidationError):
        services.registration_submit(
            member=member, community=world.communities["A2"], grid=world.grids["A1a"]
        )
    services.registration_submit(
        member=member, community=world.communities["A1"], grid=world.grids["A1a"]
    )
    with pytest.raises(ValidationError, match="already has a registration"):
        services.registration_submit(
            member=member, community=world.communities["A1"], grid=world.grids["A1b"]
        )
    assert Registration.objects.filter(member=member).count() == 1


def test_registration_expires_after_the_configured_period_and_reconfirms(world, registered):
    with time_machine.travel(datetime.date.today() + datetime.timedelta(days=200), tick=False):
        registered.refresh_from_db()
        assert not services.registration_is_current(registered)
        assert (
            selectors.registration_rate(level="grid", node_id=world.grids["A1a"].pk)["registered"]
            == 0
        )
        services.registration_reconfirm(registration=registered, by=world.users.party_member)
        registered.refresh_from_db()
        assert services.registration_is_current(registered)
    registered.confirmed_on = datetime.date.today()
    with (
        override_settings(REDGRID_VOLUNTEERS_REGISTRATION_MONTHS=1),
        time_machine.travel(datetime.date.today() + datetime.timedelta(days=40), tick=False),
    ):
        assert not services.registration_is_current(registered)


def test_staff_cannot_decide_outside_their_jurisdiction(world, client):
    other = RegistrationFactory(
        grid=world.grids["B1a"],
        status=Registration.Status.SUBMITTED,
        confirmed_on=None,
        member=PartyMemberFactory(community=world.communities["B1"]),
    )
    client.force_login(world.users.community_staff)
    response = client.post(reverse("volunteers:registration_decide", args=[other.pk, "approve"]))
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == Registration.Status.SUBMITTED


def test_registration_rate_is_computed_per_area_in_the_database(world):
    a1, b1 = world.communities["A1"], world.communities["B1"]
    for i in range(18):
        member = PartyMemberFactory(community=a1, workplace="光明区政府" if i < 9 else "某公司")
        if i < 17:  # 17 of 18 registered
            RegistrationFactory(member=member, grid=world.grids["A1a"])
    for i in range(2):
        member = PartyMemberFactory(community=b1, workplace="某公司")
        if i == 0:
            RegistrationFactory(
                member=member,
                grid=world.grids["B1a"],
                status=Registration.Status.SUBMITTED,
                confirmed_on=None,
            )
    PartyMemberFactory(community=b1, must_register=False)  # not expected: not counted
    district = selectors.registration_rate(level="district", node_id=world.district.pk)
    assert district == {"expected": 20, "registered": 17, "rate": 85.0}
    assert selectors.registration_rate(level="community", node_id=a1.pk)["rate"] == 94.4
    by_street = {r["name"]: r for r in selectors.registration_rates(group="street")}
    assert by_street["A街道"]["rate"] == 94.4 and by_street["B街道"]["rate"] == 0.0
    by_workplace = {r["workplace"]: r for r in selectors.registration_rates(group="workplace")}
    assert by_workplace["光明区政府"]["registered"] == 9
    assert by_workplace["某公司"] == {**by_workplace["某公司"], "expected": 11, "registered": 8}
    # scoped to the community staff's community
    scoped = selectors.registration_rates(group="community", user=world.users.community_staff)
    assert [r["name"] for r in scoped] == ["A1社区"]


def test_registration_rate_by_grid_follows_the_branch(world):
    """Members sit in an area grid through their branch: the "grid" group gives each grid's rate,
    equal to registration_rate(level="grid") for that grid."""
    a1a = PartyBranchFactory(grid=world.grids["A1a"])
    b1a = PartyBranchFactory(grid=world.grids["B1a"])
    for i in range(4):  # 3 of 4 registered in A1a
        member = PartyMemberFactory(branch=a1a)
        if i < 3:
            RegistrationFactory(member=member, grid=world.grids["A1a"])
    PartyMemberFactory(branch=b1a)  # 0 of 1 in B1a
    PartyMemberFactory(community=world.communities["A1"])  # no branch: no grid
    rows = {r["branch__grid_id"]: r for r in selectors.registration_rates(group="grid")}
    a1a_row = rows[world.grids["A1a"].pk]
    assert (a1a_row["expected"], a1a_row["registered"], a1a_row["rate"]) == (4, 3, 75.0)
    assert a1a_row["name"] == "A1a网格"
    assert rows[world.grids["B1a"].pk]["rate"] == 0.0
    assert rows[None]["expected"] == 1
    for grid in ("A1a", "B1a"):
        single = selectors.registration_rate(level="grid", node_id=world.grids[grid].pk)
        assert single["rate"] == rows[world.grids[grid].pk]["rate"]
    scoped = selectors.registration_rates(group="grid", user=world.users.street_staff)
    assert world.grids["B1a"].pk not in {r["branch__grid_id"] for r in scoped}
