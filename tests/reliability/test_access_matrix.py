"""The jurisdiction and sensitive-data access matrices, run against the HTTP layer as an outsider
would: log in as each role of the shared `world`, ask for another area's objects by their URLs
(pages and API) and expect 404 — never the object, never 403 that would confirm it exists —
while the objects of one's own area open. Stored files (request photos, visit photos) follow the
same matrix through core.files. Personal data shows masked on staff pages, never on public pages
or Open311, and in full only through the logged reveal of a permitted user."""

import pytest

from care.tests.factories import HouseholdFactory, ResidentFactory
from conftest import login_verified

PHONE = "13912345678"


@pytest.fixture
def objects(world, make_request):
    inside = make_request(
        grid="A1a",
        source="resident_form",
        reporter_name="王小明",
        reporter_phone=PHONE,
        consent=True,
    )
    outside = make_request(grid="B2b", code="C0102")
    neighbour = make_request(grid="A1b", code="E0401")
    households = {
        "A1a": HouseholdFactory(grid=world.grids["A1a"]),
        "B2b": HouseholdFactory(grid=world.grids["B2b"]),
    }
    residents = {
        k: ResidentFactory(
            household=h,
            name=f"李{k}",
            phone="13700000000",
            id_number="110101194001010012" if k == "A1a" else "11010119400202001X",
        )
        for k, h in households.items()
    }
    return {
        "inside": inside,
        "outside": outside,
        "neighbour": neighbour,
        "households": households,
        "residents": residents,
    }


def request_urls(item):
    return [
        f"/requests/case/{item.code}/",
        f"/requests/case/{item.code}/act/accept/",
        f"/api/v1/requests/{item.code}/",
    ]


def care_urls(household, resident):
    return [
        f"/care/households/{household.pk}/",
        f"/care/residents/{resident.pk}/",
        f"/api/v1/care/households/{household.pk}/",
    ]


# role → (what is inside its jurisdiction, what is outside)
MATRIX = {
    "district_admin": (["inside", "outside", "neighbour"], []),
    "street_staff": (["inside", "neighbour"], ["outside"]),
    "community_staff": (["inside", "neighbour"], ["outside"]),
    "grid_head": (["inside"], ["outside", "neighbour"]),
    "other_grid_head": (["neighbour"], ["inside", "outside"]),
    "other_street_staff": (["outside"], ["inside", "neighbour"]),
}


@pytest.mark.parametrize("role", list(MATRIX))
def test_staff_see_their_area_and_get_404_for_any_other(client, world, objects, role):
    client.force_login(getattr(world.users, role))
    inside, outside = MATRIX[role]
    for key in outside:
        for url in request_urls(objects[key]):
            response = client.get(url)
            assert response.status_code == 404, (role, url, response.status_code)
            assert objects[key].description not in response.content.decode()
    for key in inside:
        response = client.get(f"/requests/case/{objects[key].code}/")
        assert response.status_code == 200, (role, key)
        assert objects[key].code in response.content.decode()
    listing = client.get("/requests/queue/", {"stage": ""}).content.decode()
    for key in outside:
        assert objects[key].code not in listing
    api = client.get("/api/v1/requests/").content.decode()
    for key in outside:
        assert objects[key].code not in api


@pytest.mark.parametrize(
    "role, own, other",
    [
        ("street_staff", "A1a", "B2b"),
        ("community_staff", "A1a", "B2b"),
        ("other_street_staff", "B2b", "A1a"),
        ("grid_head", "A1a", "B2b"),
    ],
)
def test_care_records_of_another_area_are_404(client, world, objects, role, own, other):
    user = getattr(world.users, role)
    type(user).objects.filter(pk=user.pk).update(care_role=True)
    client.force_login(user)
    for url in care_urls(objects["households"][other], objects["residents"][other]):
        response = client.get(url)
        assert response.status_code == 404, (role, url, response.status_code)
        assert "13700000000" not in response.content.decode()


@pytest.mark.parametrize("role", ["party_member", "no_role"])
def test_non_staff_accounts_never_see_a_case(client, world, objects, role):
    client.force_login(getattr(world.users, role))
    for url in request_urls(objects["inside"]):
        response = client.get(url)
        assert response.status_code in (302, 401, 403, 404), (role, url)
        assert objects["inside"].description not in response.content.decode()


def test_anonymous_visitors_are_sent_to_the_login_page_or_refused(client, objects):
    for url in request_urls(objects["inside"]) + care_urls(
        objects["households"]["A1a"], objects["residents"]["A1a"]
    ):
        response = client.get(url)
        assert response.status_code in (302, 401, 403), (url, response.status_code)
        if response.status_code == 302:
            assert "/accounts/login/" in response["Location"]


def test_personal_data_is_masked_on_staff_pages_and_absent_from_public_ones(client, world, objects):
    item = objects["inside"]
    public = client.get(f"/requests/t/{item.code}/").content.decode()
    open311 = client.get("/open311/v2/requests.json").content.decode()
    for page in (public, open311):
        assert PHONE not in page and "王小明" not in page and "139****5678" not in page
    client.force_login(world.users.grid_head)
    case = client.get(f"/requests/case/{item.code}/").content.decode()
    assert PHONE not in case and "139****5678" in case
    api = client.get(f"/api/v1/requests/{item.code}/").content.decode()
    assert PHONE not in api


def test_reveal_needs_the_permission_and_a_purpose_and_is_logged(client, world, objects):
    from privacy.models import AuditLogEntry as AuditRecord

    item = objects["inside"]
    url = f"/requests/case/{item.code}/reveal/"
    client.force_login(world.users.grid_head)  # no may_reveal_personal_data
    page = client.post(url, {"purpose": "回访核实情况"}).content.decode()
    assert PHONE not in page
    user = world.users.community_staff
    type(user).objects.filter(pk=user.pk).update(may_reveal_personal_data=True)
    user.refresh_from_db()
    client.force_login(user)
    # Without the second-factor step the right is not usable (pages lead to the TOTP step).
    assert client.post(url, {"purpose": "回访核实情况"})["Location"].startswith(
        "/accounts/second-factor/"
    )
    login_verified(client, user)
    assert PHONE not in client.post(url, {"purpose": ""}).content.decode()
    before = AuditRecord.objects.count()
    assert PHONE in client.post(url, {"purpose": "回访核实情况"}).content.decode()
    assert AuditRecord.objects.count() == before + 2  # name and phone, one record each
    other = f"/requests/case/{objects['outside'].code}/reveal/"
    assert client.post(other, {"purpose": "回访核实情况"}).status_code == 404


@pytest.fixture
def files(world, objects, served_media_root):
    """A report photo on each request and a visit photo in each household of `objects`."""
    from care.models import Visit, VisitPhoto
    from core.uploads import files_store
    from requests_desk.uploads import photos_save
    from tests.reliability.payloads import jpeg

    photos = {}
    for key in ("inside", "outside", "neighbour"):
        (photos[key],) = photos_save(case=objects[key], files=[jpeg()])
    for key, household in objects["households"].items():
        visit = Visit.objects.create(
            household=household, visitor=world.users.district_admin, visited_on="2026-03-01"
        )
        photo = VisitPhoto(visit=visit)
        files_store([(photo.image, "photo.jpg", jpeg())])
        photo.save()
        photos[key] = photo
    return photos


@pytest.mark.parametrize("role", list(MATRIX))
def test_request_photos_follow_the_request_matrix(client, world, files, role):
    client.force_login(getattr(world.users, role))
    inside, outside = MATRIX[role]
    for key in outside:
        assert client.get(files[key].image.url).status_code == 404, (role, key)
    for key in inside:
        assert client.get(files[key].image.url).status_code == 200, (role, key)


@pytest.mark.parametrize(
    "role, own, other",
    [
        ("street_staff", "A1a", "B2b"),
        ("community_staff", "A1a", "B2b"),
        ("other_street_staff", "B2b", "A1a"),
        ("grid_head", "A1a", "B2b"),
    ],
)
def test_visit_photos_follow_the_household_matrix(client, world, files, role, own, other):
    user = getattr(world.users, role)
    type(user).objects.filter(pk=user.pk).update(care_role=True)
    client.force_login(user)
    assert client.get(files[own].image.url).status_code == 200, role
    assert client.get(files[other].image.url).status_code == 404, role


@pytest.mark.parametrize("role", [None, "party_member", "no_role", "grid_worker"])
def test_accounts_without_a_right_to_the_owner_never_get_a_file(client, world, files, role):
    if role:
        client.force_login(getattr(world.users, role))
    for photo in files.values():  # a file's URL never gives away where it is stored
        assert photo.image.name not in photo.image.url
    for key in ("outside", "neighbour", "B2b"):
        assert client.get(files[key].image.url).status_code == 404, (role, key)
    if role != "grid_worker":  # a grid worker handles the requests of their grid
        assert client.get(files["inside"].image.url).status_code == 404, role
    assert client.get(files["A1a"].image.url).status_code == 404, role


# --- API tokens follow the same matrix ---------------------------------------------------------


def token_client(user):
    """An API client that carries only a personal token (django-rest-knox), no session."""
    from knox.models import AuthToken
    from rest_framework.test import APIClient

    _token, secret = AuthToken.objects.create(user=user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return api


@pytest.mark.parametrize("role", list(MATRIX))
def test_a_token_sees_exactly_what_its_owner_sees(world, objects, role):
    api = token_client(getattr(world.users, role))
    inside, outside = MATRIX[role]
    for key in outside:
        response = api.get(f"/api/v1/requests/{objects[key].code}/")
        assert response.status_code == 404, (role, key, response.status_code)
    for key in inside:
        response = api.get(f"/api/v1/requests/{objects[key].code}/")
        assert response.status_code == 200, (role, key, response.status_code)
        assert PHONE not in response.content.decode()
    listing = api.get("/api/v1/requests/").content.decode()
    for key in outside:
        assert objects[key].code not in listing, (role, key)


@pytest.mark.parametrize(
    "role, own, other",
    [
        ("street_staff", "A1a", "B2b"),
        ("grid_head", "A1a", "B2b"),
        ("other_street_staff", "B2b", "A1a"),
    ],
)
def test_a_token_opens_care_records_only_of_its_owners_area(world, objects, role, own, other):
    user = getattr(world.users, role)
    type(user).objects.filter(pk=user.pk).update(care_role=True)
    api = token_client(user)
    own_url = f"/api/v1/care/households/{objects['households'][own].pk}/"
    other_url = f"/api/v1/care/households/{objects['households'][other].pk}/"
    assert api.get(own_url).status_code == 200, role
    response = api.get(other_url)
    assert response.status_code == 404, (role, response.status_code)
    assert "13700000000" not in response.content.decode()


@pytest.mark.parametrize("role", ["party_member", "no_role"])
def test_a_token_of_an_account_without_a_staff_role_opens_nothing(world, objects, role):
    api = token_client(getattr(world.users, role))
    for url in ("/api/v1/requests/", f"/api/v1/requests/{objects['inside'].code}/"):
        response = api.get(url)
        assert response.status_code in (401, 403, 404), (role, url, response.status_code)
        assert objects["inside"].code not in response.content.decode()


def test_a_token_never_reveals_personal_data_even_for_an_account_with_the_right(world):
    """The reveal right needs a sign-in confirmed with the second factor; a token is never one."""
    from party_branches.tests.factories import PartyMemberFactory
    from privacy.models import AuditLogEntry

    member = PartyMemberFactory(community=world.communities["A1"], phone=PHONE)
    user = world.users.community_staff
    type(user).objects.filter(pk=user.pk).update(may_reveal_personal_data=True)
    api = token_client(user)
    before = AuditLogEntry.objects.count()
    response = api.post(
        f"/api/v1/party-members/{member.pk}/reveal/", {"field": "phone", "purpose": "回访核实情况"}
    )
    assert response.status_code == 403, response.content
    assert PHONE not in response.content.decode()
    assert AuditLogEntry.objects.count() == before


def test_a_token_of_a_deactivated_account_stops_working(world, objects):
    user = world.users.grid_head
    api = token_client(user)
    assert api.get(f"/api/v1/requests/{objects['inside'].code}/").status_code == 200
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    assert api.get(f"/api/v1/requests/{objects['inside'].code}/").status_code == 401
