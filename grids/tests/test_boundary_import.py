"""GeoJSON boundary import: every refusal rule, nothing saved on refusal, versions on replace."""

import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from grids.boundary_import import ImportRefused, import_boundaries
from grids.coords import gcj02_to_wgs84, wgs84_to_gcj02
from grids.models import AreaGrid, Community, District, Street


def box(x0, y0, x1, y1):
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}


def feature(level, code, name, parent, geometry, **props):
    return {
        "type": "Feature",
        "geometry": geometry,
        "properties": {"level": level, "code": code, "name": name, "parent": parent, **props},
    }


def valid_collection():
    return {
        "type": "FeatureCollection",
        "features": [
            feature("district", "440311", "光明区", None, box(0, 0, 4, 4)),
            feature("street", "440311001", "光明街道", "440311", box(0, 0, 2, 4)),
            feature("street", "440311002", "公明街道", "440311", box(2, 0, 4, 4)),
            feature(
                "community",
                "440311001001",
                "光明社区",
                "440311001",
                box(0, 0, 2, 2),
                population=20000,
                households=7000,
            ),
            feature("grid", "44031100100101", "光明社区第一网格", "440311001001", box(0, 0, 1, 2)),
            feature("grid", "44031100100102", "光明社区第二网格", "440311001001", box(1, 0, 2, 2)),
            feature("subgrid", "4403110010010101", "第一小分格", "44031100100101", box(0, 0, 1, 1)),
        ],
    }


def nothing_saved():
    return not (
        District.objects.exists()
        or Street.objects.exists()
        or Community.objects.exists()
        or AreaGrid.objects.exists()
    )


@pytest.mark.django_db
def test_a_valid_file_creates_every_level_with_its_parent():
    result = import_boundaries(valid_collection(), valid_from=datetime.date(2024, 1, 1))
    assert result.created == {"district": 1, "street": 2, "community": 1, "grid": 2, "subgrid": 1}
    grid = AreaGrid.objects.get(code="44031100100102")
    assert grid.community.street.district.code == "440311"
    assert Community.objects.get().population == 20000


def refuse(data):
    with pytest.raises(ImportRefused) as refused, translation.override("en"):
        import_boundaries(data, valid_from=datetime.date(2024, 1, 1))
    return "\n".join(refused.value.problems)


@pytest.mark.django_db
def test_invalid_geometry_is_refused_naming_the_feature_and_nothing_is_saved():
    data = valid_collection()
    bow_tie = {"type": "Polygon", "coordinates": [[[1, 0], [2, 2], [2, 0], [1, 2], [1, 0]]]}
    data["features"][5]["geometry"] = bow_tie
    message = refuse(data)
    assert "44031100100102" in message and "geometry is invalid" in message
    assert nothing_saved()


@pytest.mark.django_db
def test_grid_outside_its_community_is_refused():
    data = valid_collection()
    data["features"][5]["geometry"] = box(1, 0, 3, 2)
    message = refuse(data)
    assert "44031100100102" in message and "outside its parent 440311001001" in message
    assert nothing_saved()


@pytest.mark.django_db
def test_overlapping_sibling_grids_are_refused():
    data = valid_collection()
    data["features"][5]["geometry"] = box(0.5, 0, 2, 2)
    message = refuse(data)
    assert "overlaps its sibling 44031100100102" in message
    assert nothing_saved()


@pytest.mark.django_db
def test_touching_siblings_sharing_an_edge_are_accepted():
    import_boundaries(valid_collection(), valid_from=datetime.date(2024, 1, 1))
    assert AreaGrid.objects.count() == 2


@pytest.mark.django_db
def test_unknown_parent_code_is_refused():
    data = valid_collection()
    data["features"][4]["properties"]["parent"] = "440311001009"
    data["features"][4]["properties"]["code"] = "44031100100901"
    message = refuse(data)
    assert "unknown parent code 440311001009" in message
    assert nothing_saved()


@pytest.mark.django_db
def test_duplicate_code_in_the_file_is_refused():
    data = valid_collection()
    data["features"][5]["properties"]["code"] = "44031100100101"
    message = refuse(data)
    assert "duplicate code" in message and "44031100100101" in message
    assert nothing_saved()


@pytest.mark.django_db
def test_code_already_in_the_database_is_refused_without_replace():
    import_boundaries(valid_collection(), valid_from=datetime.date(2024, 1, 1))
    data = {
        "type": "FeatureCollection",
        "features": [feature("grid", "44031100100101", "again", "440311001001", box(0, 0, 1, 2))],
    }
    message = refuse(data)
    assert "already exists" in message
    assert AreaGrid.objects.count() == 2


@pytest.mark.django_db
def test_malformed_code_is_refused():
    data = valid_collection()
    data["features"][4]["properties"]["code"] = "4403110010019"
    assert "code rule" in refuse(data)


@pytest.mark.django_db
def test_refusal_messages_are_translated_to_chinese():
    data = valid_collection()
    data["features"][5]["geometry"] = box(0.5, 0, 2, 2)
    with pytest.raises(ImportRefused) as refused, translation.override("zh-hans"):
        import_boundaries(data, valid_from=datetime.date(2024, 1, 1))
    assert "重叠" in refused.value.problems[0]


@pytest.mark.django_db
def test_replace_draws_a_new_version_and_keeps_the_old_for_history():
    import_boundaries(valid_collection(), valid_from=datetime.date(2024, 1, 1))
    old = AreaGrid.objects.get(code="44031100100101")
    smaller = {
        "type": "FeatureCollection",
        "features": [
            feature("grid", "44031100100101", "光明社区第一网格", "440311001001", box(0, 0, 1, 1.5))
        ],
    }
    import_boundaries(smaller, valid_from=datetime.date(2025, 1, 1), replace=True)
    versions = AreaGrid.objects.filter(code="44031100100101").order_by("valid_from")
    assert [v.valid_to for v in versions] == [datetime.date(2025, 1, 1), None]
    assert versions[0].pk == old.pk
    assert AreaGrid.objects.in_force(datetime.date(2024, 6, 1)).get(code=old.code).pk == old.pk
    assert AreaGrid.objects.in_force(datetime.date(2025, 6, 1)).get(code=old.code).pk != old.pk


@pytest.mark.django_db
def test_gcj02_option_shifts_coordinates_back_to_wgs84():
    data = {
        "type": "FeatureCollection",
        "features": [
            feature("district", "440311", "光明区", None, box(113.90, 22.70, 113.95, 22.75))
        ],
    }
    import_boundaries(data, valid_from=datetime.date(2024, 1, 1), gcj02=True)
    extent = District.objects.get().boundary.extent
    corners = [gcj02_to_wgs84(x, y) for x in (113.90, 113.95) for y in (22.70, 22.75)]
    assert extent[0] == pytest.approx(min(c[0] for c in corners), abs=1e-9)
    assert extent[1] == pytest.approx(min(c[1] for c in corners), abs=1e-9)
    expected_lon, expected_lat = gcj02_to_wgs84(113.90, 22.70)
    # In Shenzhen the datums differ by a few hundred metres.
    assert 0.003 < 113.90 - expected_lon < 0.008
    assert wgs84_to_gcj02(expected_lon, expected_lat) == pytest.approx((113.90, 22.70), abs=1e-7)


@pytest.mark.django_db
def test_management_command_is_a_dry_run_unless_commit(tmp_path):
    path = tmp_path / "grids.geojson"
    path.write_text(json.dumps(valid_collection()), encoding="utf-8")
    call_command("import_boundaries", str(path), "--valid-from", "2024-01-01", stdout=io.StringIO())
    assert nothing_saved()
    call_command(
        "import_boundaries",
        str(path),
        "--valid-from",
        "2024-01-01",
        "--commit",
        stdout=io.StringIO(),
    )
    assert AreaGrid.objects.count() == 2


@pytest.mark.django_db
def test_management_command_reports_every_problem_and_fails(tmp_path):
    data = valid_collection()
    data["features"][5]["geometry"] = box(0.5, 0, 2, 2)
    data["features"][4]["properties"]["parent"] = "440311001009"
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps(data), encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError), translation.override("en"):
        call_command("import_boundaries", str(path), "--commit", stderr=err, stdout=io.StringIO())
    assert nothing_saved()
