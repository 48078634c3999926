"""Visit frequency and overdue computation (care.selectors.with_visit_schedule), visits and
referrals."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from care.models import Household, Visit
from care.selectors import unpaired_households, with_visit_schedule
from care.services import referral_advance, referral_create, visit_record
from care.tests.factories import ResidentFactory, ResidentTagFactory, ServiceProjectFactory, tag

TODAY = datetime.date(2025, 6, 30)


def schedule(household):
    return (
        with_visit_schedule(Household.objects.filter(pk=household.pk), today=TODAY)
        .values("frequency_days", "last_visit_on", "due_on", "overdue")
        .get()
    )


def test_frequency_is_the_smallest_over_tags_with_per_person_override(care):
    household = care.households["paired"]  # one resident, elderly living alone (30 days)
    assert schedule(household)["frequency_days"] == 30
    other = ResidentFactory(household=household, phone="", id_number="")
    ResidentTagFactory(resident=other, tag=tag("mental_disorder"))  # 7 days by default
    assert schedule(household)["frequency_days"] == 7
    ResidentTagFactory(resident=care.residents["paired"], tag=tag("disability"), frequency_days=3)
    assert schedule(household)["frequency_days"] == 3


def test_due_is_last_visit_plus_frequency_else_registration(care):
    household = care.households["paired"]  # registered 2025-01-01, 30 days
    assert schedule(household)["due_on"] == datetime.date(2025, 1, 31)
    assert schedule(household)["overdue"] is True
    visit_record(
        household=household,
        visitor=care.users.grid_worker,
        visited_on=datetime.date(2025, 6, 5),
        mode="phone",
    )
    visit_record(
        household=household,
        visitor=care.users.grid_worker,
        visited_on=datetime.date(2025, 5, 1),
        mode="in_person",
    )
    row = schedule(household)
    assert row["last_visit_on"] == datetime.date(2025, 6, 5)
    assert row["due_on"] == datetime.date(2025, 7, 5) and row["overdue"] is False
    assert (
        with_visit_schedule(
            Household.objects.filter(pk=household.pk), today=datetime.date(2025, 7, 6)
        )
        .get()
        .overdue
        is True
    )


def test_household_without_tags_is_never_due(care):
    from care.tests.factories import HouseholdFactory

    household = HouseholdFactory(grid=care.world.grids["A1a"])
    row = schedule(household)
    assert row["frequency_days"] is None and row["due_on"] is None and not row["overdue"]


def test_overdue_households_come_first_on_the_pair_list(client, care):
    visit_record(
        household=care.households["unpaired"],
        visitor=care.users.grid_head,
        visited_on=datetime.date.today(),
        mode="in_person",
    )
    client.force_login(care.users.grid_head)
    html = client.get(reverse("care:home")).content.decode()
    assert html.index(care.residents["paired"].name) < html.index(care.residents["unpaired"].name)
    only = client.get(reverse("care:home"), {"overdue": "1"}).content.decode()
    assert care.residents["unpaired"].name not in only


def test_grid_head_sees_unpaired_households_and_pairs_one(client, care):
    head = care.users.grid_head
    assert list(unpaired_households(head)) == [care.households["unpaired"]]
    client.force_login(head)
    page = client.get(reverse("care:unpaired")).content.decode()
    assert reverse("care:pairing_new", args=[care.households["unpaired"].pk]) in page
    bad = client.post(
        reverse("care:pairing_new", args=[care.households["unpaired"].pk]),
        {"worker": care.users.worker_b.pk, "start_date": "2025-06-01"},
    )
    assert bad.status_code == 200 and not care.households["unpaired"].pairings.exists()
    client.post(
        reverse("care:pairing_new", args=[care.households["unpaired"].pk]),
        {
            "worker": care.users.other_worker.pk,
            "members": [care.users.party_member.pk],
            "start_date": "2025-06-01",
        },
    )
    assert care.households["unpaired"].pairings.get().worker == care.users.other_worker
    assert list(unpaired_households(head)) == []
    client.force_login(care.users.grid_worker)  # a worker may not pair
    assert (
        client.get(reverse("care:pairing_new", args=[care.households["paired"].pk])).status_code
        == 404
    )


def test_worker_records_a_visit_with_needs(client, care):
    client.force_login(care.users.grid_worker)
    household = care.households["paired"]
    response = client.post(
        reverse("care:visit_new", args=[household.pk]),
        {
            "visited_on": "2025-06-01",
            "mode": "in_person",
            "met": "本人及女儿",
            "condition": "精神状态良好",
            "needs": "希望安装扶手\n\n需要助餐",
        },
    )
    assert response.status_code == 302
    visit = Visit.objects.get(household=household)
    assert [n.description for n in visit.needs.all()] == ["希望安装扶手", "需要助餐"]
    future = client.post(
        reverse("care:visit_new", args=[household.pk]),
        {"visited_on": "2999-01-01", "mode": "in_person"},
    )
    assert future.status_code == 200 and Visit.objects.count() == 1


def test_referrals_respect_capacity_and_move_to_done(care):
    project = ServiceProjectFactory(capacity=1)
    referral = referral_create(
        resident=care.residents["paired"], project=project, by=care.users.care_staff
    )
    with pytest.raises(ValidationError):
        referral_create(
            resident=care.residents["unpaired"], project=project, by=care.users.care_staff
        )
    referral_advance(referral=referral, status="in_service")
    referral_advance(referral=referral, status="done")
    assert referral.closed_on is not None
    with pytest.raises(ValidationError):
        referral_advance(referral=referral, status="in_service")
    referral_create(resident=care.residents["unpaired"], project=project, by=care.users.care_staff)


def test_overdue_visit_households_are_the_list_filter_rows(client, care):
    from care.selectors import overdue_visit_households

    today = datetime.date.today()
    visit_record(
        household=care.households["paired"],
        visitor=care.users.grid_worker,
        visited_on=today,
        mode="in_person",
    )
    head = care.users.grid_head  # sees the households of grid A1a
    assert set(overdue_visit_households(head, today=today)) == {care.households["unpaired"]}
    staff = set(overdue_visit_households(care.users.care_staff, today=today))
    assert staff == {care.households["unpaired"], care.households["other"]}
    assert not overdue_visit_households(care.users.grid_worker, today=today).exists()
    Household.objects.filter(pk=care.households["other"].pk).update(anonymised_at=timezone.now())
    assert set(overdue_visit_households(care.users.care_staff, today=today)) == {
        care.households["unpaired"]
    }
    client.force_login(head)
    page = client.get(reverse("care:home") + "?overdue=1").context["page"]
    assert page.paginator.count == overdue_visit_households(head, today=today).count() == 1


def test_household_counts_are_the_counts_of_the_lists(care):
    """The dashboards' one-query figures equal the rows of overdue_visit_households and
    unpaired_households, for every user."""
    from care.selectors import household_counts, overdue_visit_households, unpaired_households

    today = datetime.date.today()
    visit_record(
        household=care.households["paired"],
        visitor=care.users.grid_worker,
        visited_on=today,
        mode="in_person",
    )
    counted = []
    for user in (care.users.grid_head, care.users.care_staff, care.users.grid_worker):
        counts = household_counts(user, today=today)
        assert counts == {
            "overdue_visits": overdue_visit_households(user, today=today).count(),
            "unpaired": unpaired_households(user, today=today).count(),
        }
        counted.append(counts)
    assert counted[0] == {"overdue_visits": 1, "unpaired": 1}
