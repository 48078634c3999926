"""API contract of /api/v1/grids/ and /api/v1/locate/."""

import pytest


@pytest.fixture
def api(client):
    return client


def test_grid_list_is_a_geojson_feature_collection_with_the_documented_properties(
    world, client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        response = client.get("/api/v1/grids/")
    assert response.status_code == 200
    data = response.json()
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 8
    first = data["features"][0]
    assert first["type"] == "Feature" and first["geometry"]["type"] == "MultiPolygon"
    assert first["properties"] == {
        "code": "44031100100101",
        "name": "A1a网格",
        "community": "A1社区",
        "community_code": "440311001001",
        "street": "A街道",
        "street_code": "440311001",
        "population": 8000,
        "households": 3000,
        # A staff member's name is not public unless the district opts in (or for staff).
        "grid_head": None,
    }
    client.force_login(world.users.grid_head)
    staff_view = client.get("/api/v1/grids/").json()["features"][0]["properties"]
    assert staff_view["grid_head"] == "测head_a1a"


def test_grid_list_filters_by_street_and_community_code(world, client):
    by_street = client.get("/api/v1/grids/", {"street": "440311002"}).json()["features"]
    assert {f["properties"]["street"] for f in by_street} == {"B街道"} and len(by_street) == 4
    by_community = client.get("/api/v1/grids/", {"community": "440311001002"}).json()["features"]
    assert [f["properties"]["code"] for f in by_community] == ["44031100100201", "44031100100202"]


def test_grid_detail_by_code_and_404_for_unknown(world, client):
    assert client.get("/api/v1/grids/44031100100102/").json()["properties"]["name"] == "A1b网格"
    assert client.get("/api/v1/grids/99999999999999/").status_code == 404


def test_locate_answers_inside_and_outside(world, client):
    inside = client.get("/api/v1/locate/", {"lon": "113.82", "lat": "22.75"}).json()
    assert inside["inside"] is True and inside["grid"]["code"] == "44031100100101"
    outside = client.get("/api/v1/locate/", {"lon": "120", "lat": "30"}).json()
    assert outside["inside"] is False and outside["grid"] is None


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"lon": "x", "lat": "22"},
        {"lon": "200", "lat": "22"},
        {"lon": "113", "lat": "22", "on": "yesterday"},
    ],
)
def test_locate_rejects_bad_parameters_with_a_400_and_a_message(world, client, params):
    response = client.get("/api/v1/locate/", params)
    assert response.status_code == 400
    assert response.json()


def test_openapi_schema_documents_the_grid_endpoints(client, db):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/grids/" in paths and "/api/v1/locate/" in paths


def test_token_authentication_is_accepted(world, client):
    from knox.models import AuthToken

    _token, secret = AuthToken.objects.create(user=world.users.street_staff)
    response = client.get("/api/v1/grids/", HTTP_AUTHORIZATION=f"Token {secret}")
    assert response.status_code == 200


def test_the_api_docs_page_is_served_without_external_resources(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "cdn" not in body.lower() and "/static/drf_spectacular_sidecar/" in body
