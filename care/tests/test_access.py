"""The access matrix for sensitive data (PIPL): every role × paired/unpaired × own/other grid,
through the site, the admin and the API. Seeing a person that the rule does not allow is 404."""

import pytest
from django.urls import reverse

from care.selectors import residents_visible_to
from conftest import login_verified

# user key → the households whose resident that user must see (all others: 404)
MATRIX = {
    "grid_worker": {"paired"},  # paired worker of A1a
    "party_member": {"paired"},  # paired registered Party member
    "other_worker": set(),  # grid worker of A1a, not paired
    "grid_head": {"paired", "unpaired"},  # head of A1a: the whole grid
    "other_grid_head": {"other"},  # head of A1b
    "worker_b": {"other"},  # paired worker of A1b
    "community_staff": set(),  # community A1 without care role
    "care_staff": {"paired", "unpaired", "other"},  # community A1 with care role
    "street_staff": set(),
    "district_admin": set(),  # district admins do not see persons without care role
    "other_street_staff": set(),
    "no_role": set(),
}
HOUSEHOLDS = ("paired", "unpaired", "other")


@pytest.mark.parametrize(("user_key", "visible_keys"), MATRIX.items())
def test_site_and_api_show_a_person_only_to_those_the_rule_allows(
    client, care, user_key, visible_keys
):
    login_verified(client, getattr(care.users, user_key))
    for household_key in HOUSEHOLDS:
        resident = care.residents[household_key]
        expected = 200 if household_key in visible_keys else 404
        for url in (
            reverse("care:resident", args=[resident.pk]),
            reverse("care:household", args=[resident.household_id]),
            reverse("care:visit_new", args=[resident.household_id]),
            reverse("api-care-resident-detail", args=[resident.pk]),
            reverse("api-care-household-detail", args=[resident.household_id]),
        ):
            if user_key == "no_role":  # an account without a role cannot sign in at all
                expected = 401 if url.startswith("/api/") else 302
            assert client.get(url).status_code == expected, (household_key, url)
        listed = client.get(reverse("api-care-resident-list")).content.decode()
        assert (resident.name in listed) == (household_key in visible_keys)


def test_selector_matches_the_matrix(care):
    for user_key, visible in MATRIX.items():
        seen = set(
            residents_visible_to(getattr(care.users, user_key)).values_list(
                "household__address", flat=True
            )
        )
        expected = {care.households[k].address for k in visible}
        assert seen == expected, user_key


def test_households_visits_and_needs_follow_the_matrix_in_one_query(
    care, django_assert_num_queries
):
    """The dashboards count these (care panel, month figures): one query each, the same rule."""
    import datetime

    from care.models import HouseholdNeed
    from care.selectors import households_visible_to, needs_visible_to, visits_visible_to
    from care.tests.factories import VisitFactory

    for key, household in care.households.items():
        visit = VisitFactory(
            household=household, visitor=care.users.grid_head, visited_on=datetime.date(2025, 3, 1)
        )
        HouseholdNeed.objects.create(visit=visit, description=f"需求{key}")
    for user_key, visible in MATRIX.items():
        user = getattr(care.users, user_key)
        expected = {care.households[k].pk for k in visible}
        with django_assert_num_queries(3):
            households = set(households_visible_to(user).values_list("pk", flat=True))
            visits = set(visits_visible_to(user).values_list("household_id", flat=True))
            needs = set(needs_visible_to(user).values_list("visit__household_id", flat=True))
        assert households == visits == needs == expected, user_key


def test_each_way_of_seeing_a_household_adds_to_the_others(care):
    """A care staff member of community A1 who also works a pairing in B1a, and is a Party member
    of a pairing in B2a, sees A1 and those two households."""
    from care.selectors import households_visible_to
    from care.tests.factories import HouseholdFactory, PairingFactory

    staff = care.users.care_staff
    grids = care.world.grids
    worked = PairingFactory(household=HouseholdFactory(grid=grids["B1a"]), worker=staff).household
    member = PairingFactory(
        household=HouseholdFactory(grid=grids["B2a"]),
        worker=care.users.worker_b,
        members=[staff],
    ).household
    HouseholdFactory(grid=grids["B1b"])  # nobody's
    expected = {h.pk for h in care.households.values()} | {worked.pk, member.pk}
    assert set(households_visible_to(staff).values_list("pk", flat=True)) == expected
    staff.care_role = False
    assert set(households_visible_to(staff).values_list("pk", flat=True)) == {
        worked.pk,
        member.pk,
    }
    staff.is_active = False
    assert not households_visible_to(staff).exists()


def test_district_admin_with_care_role_sees_the_district(care):
    admin = care.users.district_admin
    admin.care_role = True
    admin.save()
    assert residents_visible_to(admin).count() == 3


def test_ended_pairing_no_longer_gives_access(client, care):
    pairing = care.households["paired"].pairings.get()
    import datetime

    from care.services import pairing_end

    pairing_end(pairing=pairing, reason="搬离本网格", end_date=datetime.date(2025, 2, 1))
    client.force_login(care.users.grid_worker)
    assert (
        client.get(reverse("care:resident", args=[care.residents["paired"].pk])).status_code == 404
    )


ADMIN_USERS = {
    "care_staff": True,
    "community_staff": False,
    "street_staff": False,
    "district_admin": False,
}


@pytest.mark.parametrize(("user_key", "sees"), ADMIN_USERS.items())
def test_admin_obeys_the_same_rule(client, care, user_key, sees):
    login_verified(client, getattr(care.users, user_key))
    changelist = client.get(reverse("admin:care_resident_changelist"))
    for household_key in HOUSEHOLDS:
        resident = care.residents[household_key]
        change = client.get(reverse("admin:care_resident_change", args=[resident.pk]))
        # Django's admin redirects a missing object to the index with a message (its "404");
        # users without the care permissions get 403.
        assert (change.status_code == 200) == sees
        if changelist.status_code == 200:
            assert (resident.name in changelist.content.decode()) == sees


def test_admin_never_shows_full_phone_or_id(client, care):
    login_verified(client, care.users.care_staff)
    resident = care.residents["paired"]
    for url in (
        reverse("admin:care_resident_change", args=[resident.pk]),
        reverse("admin:care_resident_changelist"),
    ):
        html = client.get(url).content.decode()
        assert resident.phone not in html and resident.id_number not in html
        assert "139****0000" in html
        assert "二级肢体残疾" not in html


def test_home_list_is_scoped_and_query_count_is_fixed(client, care, django_assert_max_num_queries):
    from care.tests.factories import HouseholdFactory, ResidentFactory, ResidentTagFactory

    client.force_login(care.users.grid_head)
    with django_assert_max_num_queries(14):
        first = client.get(reverse("care:home"))
    for _ in range(5):
        extra = HouseholdFactory(grid=care.world.grids["A1a"])
        ResidentTagFactory(resident=ResidentFactory(household=extra, phone="", id_number=""))
    with django_assert_max_num_queries(14):
        response = client.get(reverse("care:home"))
    html = response.content.decode()
    assert care.residents["paired"].name in html and care.residents["unpaired"].name in html
    assert care.residents["other"].name not in html
    assert first.status_code == 200
