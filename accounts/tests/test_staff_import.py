"""Bulk staff import from .xlsx: accounts plus grid-head/worker assignments, with the member
import's habits (template, preview with an error per row, all rows or only the clean ones)."""

import io
import re

from openpyxl import Workbook, load_workbook

from accounts.models import Role, StaffImportBatch, User
from grids.models import GridAssignment
from notifications.sms import LocmemSmsBackend

HEADER = ["登录账号", "姓名", "角色", "所属区域", "手机号码", "电子邮箱", "任职日期"]


def sheet(rows, header=HEADER) -> io.BytesIO:
    workbook = Workbook()
    workbook.active.append(header)
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "staff.xlsx"
    return buffer


def upload(client, rows, **kwargs):
    response = client.post("/accounts/people/import/", {"file": sheet(rows, **kwargs)})
    assert response.status_code == 302, response.content.decode()[:1500]
    return response["Location"]


def test_the_template_has_the_headers_an_example_row_and_the_places(client, world):
    client.force_login(world.users.community_staff)
    response = client.get("/accounts/people/import/template.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    assert rows[1][0] == "wangfang" and rows[1][2] == "综合网格员"
    assert rows[1][3] in {world.grids["A1a"].code, world.grids["A1b"].code}
    places = {row[2] for row in workbook.worksheets[1].iter_rows(min_row=2, values_only=True)}
    assert places == {"A1a网格", "A1b网格"}


def test_the_filled_in_template_imports(client, world):
    """The template's own example row is a valid row (after a new login name)."""
    client.force_login(world.users.community_staff)
    template = load_workbook(
        io.BytesIO(client.get("/accounts/people/import/template.xlsx").content)
    )
    example = list(next(template.worksheets[0].iter_rows(min_row=2, values_only=True)))
    preview = client.get(upload(client, [example])).context["preview"]
    assert preview.is_clean, [r.errors for r in preview.rows]


def test_preview_lists_each_rows_problems_and_nothing_is_saved(client, world):
    client.force_login(world.users.community_staff)  # community A1
    url = upload(
        client,
        [
            ["li1", "李一", "网格员", world.grids["A1a"].code, "13800000001", "", "2026-01-05"],
            ["li2", "李二", "街道工作人员", world.streets["A"].code, "", "", ""],  # above
            ["li3", "李三", "网格员", world.grids["B1a"].code, "", "", ""],  # outside
            ["li4", "李四", "网格长", world.grids["A1a"].code, "", "", ""],  # A1a has a head
            ["li1", "李五", "党员", "A1b网格", "123", "not-an-email", "yesterday"],
            ["head_a1a", "", "队长", "", "", "", ""],
        ],
    )
    preview = client.get(url).context["preview"]
    errors = {r.line: " ".join(r.errors) for r in preview.rows}
    assert errors[2] == ""
    assert "只能创建低于您级别的角色" in errors[3] or "街道工作人员" in errors[3]
    assert world.grids["B1a"].code in errors[4] and "辖区" in errors[4]
    assert "网格长" in errors[5]
    assert "第 2 行" in errors[6] and "手机号码" in errors[6] and "日期" in errors[6]
    assert "已被使用" in errors[7] and "队长" in errors[7] and "姓名" in errors[7]
    response = client.post(url, {"mode": "all", "delivery": "screen"})
    assert response.status_code == 200
    assert not User.objects.filter(username="li1").exists()


def test_clean_rows_only_creates_accounts_assignments_and_shows_the_links(client, world):
    GridAssignment.objects.filter(grid=world.grids["A1b"]).update(end_date="2025-12-31")
    client.force_login(world.users.community_staff)
    url = upload(
        client,
        [
            ["li1", "李一", "网格员", world.grids["A1a"].code, "13800000001", "", "2026-01-05"],
            ["li2", "李二", "网格长", "A1b网格", "", "li2@example.org", ""],
            ["li3", "李三", "网格员", world.grids["B1a"].code, "", "", ""],
        ],
    )
    response = client.post(url, {"mode": "clean_only", "delivery": "screen"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    links = re.findall(r"/accounts/link/[\w-]+/", response.content.decode())
    assert len(links) == 2
    worker = User.objects.get(username="li1")
    assert (worker.role, worker.grid, worker.last_name) == (
        Role.GRID_WORKER,
        world.grids["A1a"],
        "李一",
    )
    assignment = GridAssignment.objects.get(user=worker)
    assert (assignment.role, assignment.start_date.isoformat()) == ("grid_worker", "2026-01-05")
    head = User.objects.get(username="li2")
    assert GridAssignment.objects.current_grid_heads().get(grid=world.grids["A1b"]).user == head
    assert not User.objects.filter(username="li3").exists()
    batch = StaffImportBatch.objects.get()
    assert batch.committed_at is not None and batch.content == ""  # the file is not kept
    assert client.post(url, {"mode": "all"}).status_code == 200  # already imported: nothing
    assert User.objects.filter(username__in=["li1", "li2"]).count() == 2


def test_links_can_go_by_sms(client, world, settings):
    settings.REDGRID_SMS_BACKEND = "notifications.sms.LocmemSmsBackend"
    LocmemSmsBackend.outbox.clear()
    client.force_login(world.users.street_staff)
    url = upload(
        client,
        [
            ["c1", "陈一", "社区工作人员", "A2社区", "13800000009", "", ""],
            ["c2", "陈二", "社区工作人员", "A2社区", "", "", ""],
        ],
    )
    response = client.post(url, {"mode": "all", "delivery": "sms"})
    assert len(LocmemSmsBackend.outbox) == 1
    assert len(re.findall(r"/accounts/link/[\w-]+/", response.content.decode())) == 1


def test_a_file_that_is_not_a_workbook_or_lacks_columns_is_refused(client, world):
    client.force_login(world.users.community_staff)
    bad = io.BytesIO(b"%PDF-1.4 not a workbook")
    bad.name = "staff.xlsx"
    url = client.post("/accounts/people/import/", {"file": bad})["Location"]
    assert client.get(url).context["preview"].problems
    url = upload(client, [["x", "y"]], header=["登录账号", "姓名"])
    assert "角色" in " ".join(client.get(url).context["preview"].problems)


def test_someone_elses_upload_is_not_found(client, world):
    client.force_login(world.users.community_staff)
    url = upload(client, [["li1", "李一", "网格员", world.grids["A1a"].code, "", "", ""]])
    client.force_login(world.users.district_admin)
    assert client.get(url).status_code == 404
    assert client.post(url, {"mode": "all"}).status_code == 404


def test_an_abandoned_import_deletes_its_file_and_imports_nothing(client, world):
    client.force_login(world.users.community_staff)
    url = upload(client, [["li1", "李一", "网格员", world.grids["A1a"].code, "", "", ""]])
    assert "abandon-import" in client.get(url).content.decode()
    response = client.post(url, {"mode": "abandon"})
    assert response.status_code == 302 and response["Location"] == "/accounts/people/import/"
    assert not StaffImportBatch.objects.exists()
    assert not User.objects.filter(username="li1").exists()
    assert client.get(url).status_code == 404
