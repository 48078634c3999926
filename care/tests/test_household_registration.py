"""Households and their residents registered outside the admin (site pages), their address
encrypted at rest, masked wherever it is shown, found only whole, revealed only with a logged
purpose; and the attacker's requests: other grids, wrong roles, bad input."""

import csv
import io
from types import SimpleNamespace

import pytest
from django.db import connection

from care.models import Household, Pairing, Resident, ResidentTag
from care.tests.factories import HouseholdFactory, PairingFactory, ResidentFactory, tag
from conftest import login_verified
from privacy.crypto import text_index
from privacy.models import AuditLogEntry

ADDRESS = "光明大道88号光明花园3栋1203室"
IN_A1A = {"lat": "22.75", "lon": "113.82"}
IN_A1B = {"lat": "22.75", "lon": "113.88"}
IN_B1A = {"lat": "22.75", "lon": "113.92"}


def register(client, **data):
    form = {"building": "光明花园3栋", "address": ADDRESS, "registered_on": "2026-03-01"}
    return client.post("/care/households/new/", {**form, **data})


def stored_address(pk) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT address FROM care_household WHERE id = %s", [pk])
        return cursor.fetchone()[0]


@pytest.fixture
def worker(client, world):
    client.force_login(world.users.grid_worker)
    return client


def test_a_grid_worker_registers_a_household_by_its_point_and_is_paired_with_it(worker, world):
    response = register(worker, **IN_A1A)
    household = Household.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/care/households/{household.pk}/residents/new/"
    assert household.grid == world.grids["A1a"] and household.address == ADDRESS
    assert Pairing.objects.get(household=household).worker == world.users.grid_worker
    # Encrypted at rest like a phone number, found by its blind index.
    assert ADDRESS not in stored_address(household.pk)
    assert stored_address(household.pk).startswith("gAAAAA")
    assert household.address_index == text_index(" 光明大道８８号光明花园3栋1203室 ")
    page = worker.get(f"/care/households/{household.pk}/").content.decode()
    assert ADDRESS not in page and "光明大道****" in page


def test_the_point_decides_the_grid_and_a_point_elsewhere_is_refused(worker, world):
    response = register(worker, **IN_A1B)  # the worker's grid is A1a
    assert response.status_code == 400
    assert not Household.objects.exists()
    response = register(worker, lat="22.75", lon="120.00")
    assert response.status_code == 400
    response = register(worker, lat="north", lon="113.82")
    assert response.status_code == 400
    assert not Household.objects.exists()


def test_without_a_point_the_grid_chosen_places_it(client, world):
    client.force_login(world.users.grid_head)
    assert register(client, grid=world.grids["A1a"].pk).status_code == 302
    assert Household.objects.get().grid == world.grids["A1a"]
    # A grid outside the choices (another grid) is not a valid choice.
    assert register(client, grid=world.grids["A1b"].pk, address="别处1号").status_code == 400


def test_the_same_address_twice_in_a_grid_is_refused(worker):
    assert register(worker, **IN_A1A).status_code == 302
    assert register(worker, **IN_A1A, address=" 光明大道88号光明花园3栋1203室").status_code == 400
    assert Household.objects.count() == 1


def test_people_without_a_staff_role_cannot_register(client, world):
    client.force_login(world.users.party_member)
    assert client.get("/care/households/new/").status_code == 403
    assert register(client, **IN_A1A).status_code == 403
    # An account without a role has no session at all: sent to the login page.
    client.force_login(world.users.no_role)
    assert client.get("/care/households/new/")["Location"].startswith("/accounts/login/")
    assert register(client, **IN_A1A).status_code == 302
    assert not Household.objects.exists()


def test_community_staff_need_the_care_role_and_stay_in_their_community(client, world):
    staff = world.users.community_staff
    client.force_login(staff)
    assert client.get("/care/households/new/").status_code == 403
    staff.care_role = True
    staff.save()
    assert register(client, **IN_A1B).status_code == 302
    assert register(client, **IN_B1A, address="外区1号").status_code == 400
    assert Household.objects.get().grid == world.grids["A1b"]


def test_residents_are_added_with_care_tags_and_encrypted_details(worker, world):
    from care.tests.conftest import _ensure_care_tags

    _ensure_care_tags()  # seeded by a migration; a transactional test may have flushed them
    register(worker, **IN_A1A)
    household = Household.objects.get()
    response = worker.post(
        f"/care/households/{household.pk}/residents/new/",
        {
            "name": "李秀英",
            "gender": "female",
            "birth_date": "1941-05-06",
            "phone": "13812345678",
            "id_number": "440306194105060021",
            "legal_basis": "statutory_duty",
            "tags": [tag("elderly_alone").pk, tag("disability").pk],
            "details_disability": "肢体二级",
        },
    )
    assert response.status_code == 302
    resident = Resident.objects.get()
    assert resident.phone_index and resident.id_number_index
    assert set(resident.tags.values_list("tag__code", flat=True)) == {"elderly_alone", "disability"}
    assert ResidentTag.objects.get(tag__code="disability").details == "肢体二级"
    with connection.cursor() as cursor:
        cursor.execute("SELECT details FROM care_residenttag WHERE details <> ''")
        assert "肢体" not in cursor.fetchone()[0]
    page = worker.get(f"/care/households/{household.pk}/").content.decode()
    assert "李秀英" in page and "13812345678" not in page


def test_a_bad_resident_gets_messages_and_saves_nothing(worker):
    register(worker, **IN_A1A)
    household = Household.objects.get()
    response = worker.post(
        f"/care/households/{household.pk}/residents/new/",
        {"name": "", "phone": "12345", "id_number": "440306194105060027", "legal_basis": "x"},
    )
    assert response.status_code == 400
    assert not Resident.objects.exists()


def test_residents_of_another_grid_cannot_be_added(client, world):
    other = HouseholdFactory(grid=world.grids["A1b"])
    client.force_login(world.users.grid_head)  # head of A1a
    response = client.post(f"/care/households/{other.pk}/residents/new/", {"name": "张三"})
    assert response.status_code == 404
    assert not Resident.objects.exists()


def test_the_full_address_is_revealed_only_with_a_purpose_and_logged(client, world):
    household = HouseholdFactory(grid=world.grids["A1a"], address=ADDRESS)
    head = world.users.grid_head
    client.force_login(head)
    url = f"/care/households/{household.pk}/reveal/"
    page = client.post(url, {"purpose": "上门走访核对门牌"}).content.decode()
    assert ADDRESS not in page  # a grid head may not reveal personal data
    head.may_reveal_personal_data = True
    head.save()
    login_verified(client, head)  # the reveal right works only after the second factor
    assert ADDRESS not in client.post(url, {"purpose": ""}).content.decode()
    page = client.post(url, {"purpose": "上门走访核对门牌"}).content.decode()
    assert ADDRESS in page
    entry = AuditLogEntry.objects.get(action="reveal")
    assert (entry.fields, entry.subject_id, entry.actor) == ("address", str(household.pk), head)
    outside = HouseholdFactory(grid=world.grids["B1a"], address="外区1号")
    assert (
        client.post(f"/care/households/{outside.pk}/reveal/", {"purpose": "看看"}).status_code
        == 404
    )


def test_every_list_export_api_and_reminder_shows_the_address_masked(client, world):
    household = HouseholdFactory(grid=world.grids["A1a"], address=ADDRESS, building="光明花园3栋")
    ResidentFactory(household=household)
    PairingFactory(household=household, worker=world.users.grid_worker)
    staff = world.users.community_staff
    staff.care_role = True
    staff.save()
    client.force_login(staff)
    assert ADDRESS not in client.get("/care/").content.decode()
    assert ADDRESS not in client.get("/api/v1/care/households/").content.decode()
    assert "光明大道****" in client.get("/api/v1/care/households/").content.decode()
    exported = client.post("/care/export/", {"purpose": "年度走访名单"}).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(exported)))
    assert rows[1][2] == "光明大道****"
    assert (
        ADDRESS
        not in client.get(
            f"/care/households/{household.pk}/print/?purpose=走访打印"
        ).content.decode()
    )
    assert ADDRESS not in str(household)


def test_the_admin_finds_a_household_only_by_its_whole_address(client, world):
    household = HouseholdFactory(grid=world.grids["A1a"], address=ADDRESS)
    staff = world.users.community_staff
    staff.care_role = True
    staff.save()
    client.force_login(staff)
    found = client.get("/admin/care/household/", {"q": "光明大道88号 光明花园3栋1203室"})
    assert f"/admin/care/household/{household.pk}/change/" in found.content.decode()
    assert ADDRESS not in found.content.decode()
    part = client.get("/admin/care/household/", {"q": "光明大道88号"})
    assert f"/admin/care/household/{household.pk}/change/" not in part.content.decode()
    change = client.get(f"/admin/care/household/{household.pk}/change/").content.decode()
    assert ADDRESS not in change


def test_a_need_becomes_a_request_with_the_building_not_the_door(world, request_category):
    from care.requests_link import need_to_request
    from care.tests.factories import VisitFactory

    household = HouseholdFactory(
        grid=world.grids["A1a"], address=ADDRESS, building="光明花园3栋", location=None
    )
    visit = VisitFactory(household=household, visitor=world.users.grid_worker)
    need = visit.needs.create(description="楼道灯坏了需要维修")
    request = need_to_request(need=need, category=request_category, by=world.users.grid_worker)
    assert request.address == "光明花园3栋"


def test_the_data_migration_encrypts_existing_plain_addresses(world):
    import importlib

    migration = importlib.import_module("care.migrations.0007_household_address_encrypted")
    household = HouseholdFactory(grid=world.grids["A1a"], address=ADDRESS)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE care_household SET address = %s, address_index = '' WHERE id = %s",
            [ADDRESS, household.pk],
        )
    editor = SimpleNamespace(connection=connection)
    migration.encrypt_addresses(None, editor)
    migration.encrypt_addresses(None, editor)  # a second run changes nothing
    household.refresh_from_db()
    assert household.address == ADDRESS and household.address_index == text_index(ADDRESS)
    assert stored_address(household.pk).startswith("gAAAAA")
    migration.decrypt_addresses(None, editor)
    assert stored_address(household.pk) == ADDRESS
