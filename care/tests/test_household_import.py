"""The households import: one row per resident, grouped into households, with the site forms'
rules per row, masked in the preview, encrypted when saved, limited to the importer's area."""

import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from care.models import Household, Resident
from grids.tests.sheets import commit, row_errors, upload, xlsx
from privacy.crypto import text_index

HEADERS = [
    "网格编码",
    "楼栋",
    "地址",
    "经度",
    "纬度",
    "姓名",
    "性别",
    "出生日期",
    "手机号码",
    "身份证号",
    "关爱标签",
    "标签详情",
]
ADDRESS = "光明大道88号光明花园3栋1203室"


def row(address=ADDRESS, lon=113.82, lat=22.75, name="李秀英", phone="13812345678", **kw):
    values = {
        "grid": "",
        "building": "光明花园3栋",
        "address": address,
        "lon": lon,
        "lat": lat,
        "name": name,
        "gender": "女",
        "birth_date": "1941-05-06",
        "phone": phone,
        "id_number": "",
        "tags": "独居老人",
        "details": "",
    } | kw
    return list(values.values())


@pytest.fixture(autouse=True)
def _tags(db):
    from care.tests.conftest import _ensure_care_tags

    _ensure_care_tags()  # seeded by a migration; a transactional test may have flushed them


@pytest.fixture
def care_staff(client, world):
    staff = world.users.community_staff
    staff.care_role = True
    staff.save()
    client.force_login(staff)
    return client


def test_rows_with_the_same_address_are_one_household(care_staff, world):
    content = xlsx(
        [
            HEADERS,
            row(id_number="440306194105060021"),
            row(name="王建国", phone="13912345678", tags="残疾人", details="肢体二级"),
            row(address="光明大道90号", lon=113.88, name="", tags=""),
        ]
    )
    preview = upload(care_staff, "households", content)
    body = preview.content.decode()
    assert preview.status_code == 200 and row_errors(preview) == 0
    assert ADDRESS not in body and "13812345678" not in body and "440306194105060021" not in body
    assert "138****5678" in body and "光明大道****" in body
    assert preview["Cache-Control"] == "no-store"
    assert commit(care_staff, "households", preview).status_code == 302
    first, second = Household.objects.order_by("address_index").order_by("pk")
    assert (first.grid, second.grid) == (world.grids["A1a"], world.grids["A1b"])
    assert first.address_index == text_index(ADDRESS)
    assert first.residents.count() == 2 and second.residents.count() == 0
    assert Resident.objects.get(name="王建国").tags.get().details == "肢体二级"


def test_an_address_already_registered_gets_the_new_residents(care_staff, world):
    commit(care_staff, "households", upload(care_staff, "households", xlsx([HEADERS, row()])))
    content = xlsx([HEADERS, row(name="李二", phone="13712345678")])
    commit(care_staff, "households", upload(care_staff, "households", content))
    assert Household.objects.count() == 1 and Resident.objects.count() == 2


def test_each_bad_row_says_what_is_wrong_and_clean_rows_can_go_alone(care_staff, world):
    content = xlsx(
        [
            HEADERS,
            row(phone="12345"),
            row(id_number="440306194105060022"),
            row(tags="外星人"),
            row(lon=120.5),
            row(lon=113.92, address="B街道1号"),  # street B: outside the community
            row(grid="44031100200101", lon="", lat="", address="B街道2号"),
            row(lon="", lat="", address="没有位置"),
            row(birth_date="1941-13-40"),
            row(address="", name="无地址"),
            row(address="光明大道100号", name="好人", phone="13612345678"),
            row(address="光明大道101号", id_number="440306194105060021", name="甲"),
            row(address="光明大道102号", id_number="440306194105060021", name="乙"),
        ]
    )
    preview = upload(care_staff, "households", content)
    assert preview.status_code == 200
    assert row_errors(preview) == 10
    assert commit(care_staff, "households", preview).status_code == 400
    assert not Household.objects.exists()
    commit(care_staff, "households", preview, mode="clean_only")
    assert sorted(Resident.objects.values_list("name", flat=True)) == ["好人", "甲"]


@pytest.mark.parametrize(
    "content,name",
    [
        (b"not a workbook", "households.xlsx"),
        (xlsx([["姓名", "电话"], ["李", "1"]]), "households.xlsx"),
        (xlsx([HEADERS]), "households.xlsx"),
        ("网格编码,地址\n,\n".encode("gb18030"), "households.csv"),
    ],
    ids=["not-xlsx", "missing-columns", "no-rows", "empty-csv-rows"],
)
def test_malformed_sheets_are_refused_never_a_500(care_staff, content, name):
    response = upload(care_staff, "households", content, name)
    assert response.status_code == 400
    assert not Household.objects.exists()


def test_a_grid_worker_imports_only_into_their_own_grid(client, world):
    client.force_login(world.users.grid_worker)
    content = xlsx([HEADERS, row(), row(lon=113.88, address="A1b路1号", name="隔壁")])
    preview = upload(client, "households", content)
    assert row_errors(preview) == 1
    commit(client, "households", preview, mode="clean_only")
    assert list(Household.objects.values_list("grid__code", flat=True)) == ["44031100100101"]


def test_members_and_staff_without_the_care_role_cannot_import(client, world):
    client.force_login(world.users.party_member)
    assert client.get("/imports/households/").status_code == 403
    client.force_login(world.users.community_staff)  # no care role: no grid to import into
    preview = upload(client, "households", xlsx([HEADERS, row()]))
    assert row_errors(preview) == 1
    assert not Household.objects.exists()


def test_the_template_and_the_command(world, tmp_path):
    path = tmp_path / "t.xlsx"
    call_command("import_sheet", "households", "--template", str(path), stdout=io.StringIO())
    header, example = list(load_workbook(path).worksheets[0].iter_rows(values_only=True))[:2]
    assert (
        header[:3] == ("网格编码", "楼栋", "地址") and example[2] == "光明大道88号光明花园3栋1203室"
    )
    data = tmp_path / "h.xlsx"
    data.write_bytes(xlsx([HEADERS, row()]))
    call_command("import_sheet", "households", str(data), "--commit", stdout=io.StringIO())
    assert Household.objects.get().address == ADDRESS
