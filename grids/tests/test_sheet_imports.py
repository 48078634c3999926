"""Key places and service positions import from .xlsx or GeoJSON with the admin's checks, through
one function behind the page, the command and the admin's button (grids.sheet_import)."""

import io
import json

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from grids.models import KeyPlace
from grids.tests.sheets import commit, row_errors, upload, xlsx
from service_points.models import ServicePosition

HEADERS = ["名称", "类型", "网格编码", "地址", "经度", "纬度", "备注"]


@pytest.fixture
def staff(client, world):
    client.force_login(world.users.community_staff)  # community A1: grids A1a, A1b
    return client


def test_key_places_from_a_sheet_are_previewed_then_saved(staff, world):
    content = xlsx(
        [
            HEADERS,
            ["光明花园", "住宅小区", "44031100100101", "光明大道1号", 113.82, 22.75, ""],
            ["工业园", "工业园区", "", "", 113.87, 22.72, "找网格"],
        ]
    )
    preview = upload(staff, "key_places", content)
    assert preview.status_code == 200 and row_errors(preview) == 0
    assert not KeyPlace.objects.exists()
    assert commit(staff, "key_places", preview).status_code == 302
    places = dict(KeyPlace.objects.values_list("name", "grid__code"))
    assert places == {"光明花园": "44031100100101", "工业园": "44031100100102"}


def test_key_place_rows_break_the_admins_rules_one_message_each(staff, world):
    content = xlsx(
        [
            HEADERS,
            ["错网格", "学校", "44031100100101", "", 113.87, 22.72, ""],  # point in A1b
            ["外区", "学校", "44031100200101", "", 113.92, 22.72, ""],  # street B: not theirs
            ["无坐标", "学校", "44031100100101", "", "", "", ""],
            ["坏类型", "宫殿", "44031100100101", "", 113.82, 22.75, ""],
            ["坏数字", "学校", "44031100100101", "", "东经", 22.75, ""],
            ["好的", "学校", "44031100100101", "", 113.82, 22.76, ""],
        ]
    )
    preview = upload(staff, "key_places", content)
    assert preview.status_code == 200
    assert row_errors(preview) == 5
    assert commit(staff, "key_places", preview).status_code == 400
    assert not KeyPlace.objects.exists()
    assert commit(staff, "key_places", preview, mode="clean_only").status_code == 302
    assert list(KeyPlace.objects.values_list("name", flat=True)) == ["好的"]


def test_key_places_from_geojson_points(staff, world):
    data = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [113.82, 22.75]},
                "properties": {"名称": "光明小学", "类型": "学校"},
            },
            {"type": "Feature", "geometry": None, "properties": {"name": "无点", "kind": "school"}},
        ],
    }
    preview = upload(staff, "key_places", json.dumps(data).encode(), "places.geojson")
    assert preview.status_code == 200 and row_errors(preview) == 1
    commit(staff, "key_places", preview, mode="clean_only")
    assert KeyPlace.objects.get().grid == world.grids["A1a"]


@pytest.mark.parametrize(
    "content,name",
    [
        (b"PK\x03\x04not really a zip", "places.xlsx"),
        (b'{"type": "Feature"}', "places.geojson"),
        (b"[1, 2", "places.geojson"),
        (b"", "places.xlsx"),
    ],
    ids=["broken-zip", "a-feature", "bad-json", "empty"],
)
def test_malformed_place_files_are_refused_never_a_500(staff, content, name):
    response = upload(staff, "key_places", content, name)
    assert response.status_code == 400
    assert not KeyPlace.objects.exists()


def test_grid_staff_may_not_import_key_places(client, world):
    client.force_login(world.users.grid_head)
    assert client.get("/imports/key_places/").status_code == 403
    client.force_login(world.users.party_member)
    assert client.get("/imports/key_places/").status_code == 403
    client.logout()
    assert client.get("/imports/key_places/").status_code == 302


def test_an_unknown_import_is_404(staff):
    assert staff.get("/imports/nothing/").status_code == 404
    assert staff.get("/imports/nothing/template.xlsx").status_code == 404


def test_positions_with_their_parents_in_one_file(client, world):
    client.force_login(world.users.district_admin)
    content = xlsx(
        [
            [
                "名称",
                "层级",
                "上级阵地",
                "社区编码",
                "网格编码",
                "小分格编码",
                "地址",
                "经度",
                "纬度",
            ],
            ["A1中心", "党群服务中心", "", "440311001001", "", "", "路1号", 113.82, 22.75],
            ["A1a站", "网格党群服务站", "A1中心", "", "44031100100101", "", "路2号", 113.82, 22.76],
            [
                "错点站",
                "网格党群服务站",
                "A1中心",
                "",
                "44031100100101",
                "",
                "路3号",
                113.88,
                22.76,
            ],
            ["A1第二中心", "党群服务中心", "", "440311001001", "", "", "路4号", 113.82, 22.77],
            ["孤儿站", "网格党群服务站", "没有", "", "44031100100102", "", "路5号", 113.88, 22.77],
        ]
    )
    preview = upload(client, "service_positions", content)
    assert preview.status_code == 200 and row_errors(preview) == 3
    commit(client, "service_positions", preview, mode="clean_only")
    centre, station = ServicePosition.objects.order_by("tier")
    assert (centre.name, station.name, station.parent_id) == ("A1中心", "A1a站", centre.pk)


def test_the_command_and_the_template_use_the_same_import(world, tmp_path):
    template = tmp_path / "t.xlsx"
    call_command("import_sheet", "key_places", "--template", str(template), stdout=io.StringIO())
    rows = list(load_workbook(template).worksheets[0].iter_rows(values_only=True))
    assert rows[0] == tuple(HEADERS)
    assert rows[1][0] == "光明花园"
    path = tmp_path / "p.xlsx"
    path.write_bytes(xlsx([HEADERS, ["某园", "工业园区", "", "", 113.82, 22.75, ""]]))
    call_command("import_sheet", "key_places", str(path), "--commit", stdout=io.StringIO())
    assert KeyPlace.objects.get().grid == world.grids["A1a"]


def test_the_admin_change_lists_offer_the_same_import(client, world):
    client.force_login(world.users.district_admin)
    for url, kind in (
        ("/admin/grids/keyplace/", "key_places"),
        ("/admin/service_points/serviceposition/", "service_positions"),
        ("/admin/requests_desk/holiday/", "holidays"),
    ):
        assert f'href="/imports/{kind}/"' in client.get(url).content.decode()


def test_the_imports_page_lists_what_the_role_may_import(client, world):
    client.force_login(world.users.district_admin)
    body = client.get("/imports/").content.decode()
    for kind in ("key_places", "service_positions", "holidays"):
        assert f"/imports/{kind}/" in body
    client.force_login(world.users.grid_worker)
    body = client.get("/imports/").content.decode()
    assert "/imports/holidays/" not in body and "/imports/households/" in body


def test_the_boundary_import_page_offers_an_example_that_imports(client, world):
    from grids.boundary_import import example_collection, import_boundaries

    client.force_login(world.users.district_admin)
    page = client.get("/admin/grids/areagrid/import/").content.decode()
    assert 'href="example.geojson"' in page
    response = client.get("/admin/grids/areagrid/import/example.geojson")
    assert response.status_code == 200 and response.json() == example_collection()
    result = import_boundaries(example_collection(), dry_run=True)
    assert sum(result.created.values()) == 5
    client.force_login(world.users.grid_head)
    assert client.get("/admin/grids/areagrid/import/example.geojson").status_code in (302, 403)


def test_the_member_import_page_offers_its_template(client, world):
    client.force_login(world.users.community_staff)
    assert (
        "/branches/members/import/template.xlsx"
        in client.get("/branches/members/import/").content.decode()
    )
    response = client.get("/branches/members/import/template.xlsx")
    rows = list(
        load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True)
    )
    assert rows[0][:3] == ("姓名", "性别", "出生日期") and rows[1][0] == "陈志明"
    client.force_login(world.users.grid_worker)
    assert client.get("/branches/members/import/template.xlsx").status_code == 403
