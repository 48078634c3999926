import io

from django.urls import reverse
from openpyxl import Workbook, load_workbook

from conftest import login_verified
from party_branches.member_import import member_import_commit, member_import_preview
from party_branches.models import BranchCommitteeMember, PartyMember
from party_branches.tests.factories import PartyMemberFactory, fresh_id_number
from privacy.models import AuditLogEntry

HEADER = [
    "姓名",
    "性别",
    "出生日期",
    "手机号码",
    "身份证号",
    "入党日期",
    "转正日期",
    "工作单位",
    "单位类别",
    "党员类别",
    "所在社区",
    "所属网格支部",
    "登录账号",
    "支部职务",
]


def sheet(rows) -> io.BytesIO:
    workbook = Workbook()
    workbook.active.append(HEADER)
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "members.xlsx"
    return buffer


def row(name, id_number, community="A1社区", grid="", account="", position="", phone="13800138000"):
    return [
        name,
        "男",
        "1980-05-01",
        phone,
        id_number,
        "2005-07-01",
        "2006-07-01",
        "光明区人民医院",
        "事业单位",
        "报到党员",
        community,
        grid,
        account,
        position,
    ]


def test_preview_reports_each_rows_problem_and_commit_refuses(world, branch):
    recorded = PartyMemberFactory(community=world.communities["A1"])
    good = fresh_id_number()
    bad_checksum = good[:-1] + ("0" if good[-1] != "0" else "1")
    file = sheet(
        [
            row("李一", good),
            row("李二", bad_checksum),
            row("李三", good),  # duplicate in the file
            row("李四", recorded.id_number),  # duplicate in the database
            row("李五", fresh_id_number(), community="不存在社区"),
            row("李六", fresh_id_number(), community="B1社区"),  # outside the street staff's area
        ]
    )
    preview = member_import_preview(file, user=world.users.street_staff)
    errors = {r.values["name"]: " ".join(r.errors) for r in preview.rows}
    assert errors["李一"] == ""
    assert "check digit" in errors["李二"]
    assert "row 2" in errors["李三"]
    assert "already recorded" in errors["李四"]
    assert "Unknown community" in errors["李五"]
    assert "Unknown community" in errors["李六"]
    file.seek(0)
    count_before = PartyMember.objects.count()
    try:
        member_import_commit(file, user=world.users.street_staff)
    except Exception as exc:  # noqa: BLE001
        assert "nothing was imported" in str(exc)
    else:
        raise AssertionError("an import with errors must be refused")
    assert PartyMember.objects.count() == count_before
    file.seek(0)
    assert member_import_commit(file, user=world.users.street_staff, clean_only=True) == 1
    imported = PartyMember.objects.get(name="李一")
    assert imported.id_number == good and imported.workplace_kind == "public_institution"
    assert imported.kind == "registered"


def test_import_applies_the_secretary_rule(world, branch):
    file = sheet(
        [
            row(
                "王支书",
                fresh_id_number(),
                grid=world.grids["A1a"].code,
                account="worker_a1a",
                position="书记",
            )
        ]
    )
    preview = member_import_preview(file, user=world.users.street_staff)
    assert "neither the current grid head" in " ".join(preview.rows[0].errors)
    file = sheet(
        [
            row(
                "王网格长",
                fresh_id_number(),
                grid=world.grids["A1a"].code,
                account="head_a1a",
                position="书记",
            )
        ]
    )
    assert member_import_commit(file, user=world.users.street_staff) == 1
    seat = BranchCommitteeMember.objects.get()
    assert seat.member.name == "王网格长" and seat.branch == branch


def test_upload_preview_and_commit_pages(world, branch, client):
    client.force_login(world.users.community_staff)
    response = client.post(
        reverse("party_branches:import"),
        {"file": sheet([row("赵一", fresh_id_number()), row("赵二", "123")])},
    )
    preview_url = response["Location"]
    page = client.get(preview_url)
    content = page.content.decode()
    assert "赵二" in content and "仅导入无错误的行" in content and "身份证号无效" in content
    client.post(preview_url, {"mode": "all"})
    assert not PartyMember.objects.filter(name__startswith="赵").exists()
    client.post(preview_url, {"mode": "clean_only"})
    assert list(
        PartyMember.objects.filter(name__startswith="赵").values_list("name", flat=True)
    ) == ["赵一"]


def test_export_is_masked_unless_allowed_and_logged(world, branch, client):
    PartyMemberFactory(branch=branch, phone="13912345678", name="钱多")
    client.force_login(world.users.community_staff)
    response = client.post(reverse("party_branches:members"), {"purpose": "季度报送组织部"})
    workbook = load_workbook(io.BytesIO(response.content))
    values = [c.value for c in workbook.active[2]]
    assert "139****5678" in values and "13912345678" not in values
    assert AuditLogEntry.objects.filter(action="export", record_count=1).exists()
    # unmasked needs reveal rights
    response = client.post(
        reverse("party_branches:members"), {"purpose": "季度报送组织部", "unmasked": "on"}
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    world.users.community_staff.may_reveal_personal_data = True
    world.users.community_staff.save()
    login_verified(client, world.users.community_staff)  # the reveal right needs a second factor
    response = client.post(
        reverse("party_branches:members"), {"purpose": "季度报送组织部", "unmasked": "on"}
    )
    values = [c.value for c in load_workbook(io.BytesIO(response.content)).active[2]]
    assert "13912345678" in values


def test_the_member_import_can_create_member_logins(world, branch, client):
    from accounts.models import Role, User

    grid = world.grids["A1a"].code
    file = sheet(
        [
            row("孙一", fresh_id_number(), grid=grid, phone="13700000001"),
            row("孙二", fresh_id_number(), grid=grid, account="sun2", phone="13700000002"),
            row("孙三", fresh_id_number(), phone="13700000003"),  # no branch: no login
            row("孙四", fresh_id_number(), grid=grid, phone="head_a1a"),  # not a mobile
        ]
    )
    preview = member_import_preview(file, user=world.users.community_staff, create_logins=True)
    logins = {r.values["name"]: (r.new_login, r.login_note) for r in preview.rows}
    assert logins["孙一"] == ("13700000001", "")
    assert logins["孙二"][0] == "sun2"
    assert logins["孙三"][0] == "" and logins["孙三"][1]
    assert logins["孙四"][0] == "" and logins["孙四"][1]
    file.seek(0)
    imported = member_import_commit(file, user=world.users.community_staff, create_logins=True)
    assert imported == 4 and imported.logins == 2
    account = User.objects.get(username="13700000001")
    assert (account.role, account.grid, account.phone) == (
        Role.PARTY_MEMBER,
        world.grids["A1a"],
        "13700000001",
    )
    assert not account.has_usable_password()
    assert PartyMember.objects.get(name="孙一").user == account
    assert PartyMember.objects.get(name="孙二").user.username == "sun2"
    # The member sets a password with an SMS code sent to the phone of the login.
    from notifications.sms import LocmemSmsBackend

    LocmemSmsBackend.outbox.clear()
    from django.test import override_settings

    with override_settings(REDGRID_SMS_BACKEND="notifications.sms.LocmemSmsBackend"):
        client.post("/accounts/password/reset/", {"username": "13700000001"})
    assert LocmemSmsBackend.outbox[0]["phone"] == "13700000001"


def test_without_the_option_an_unknown_login_is_an_error_and_nothing_is_created(world, branch):
    from accounts.models import User

    file = sheet([row("周一", fresh_id_number(), grid=world.grids["A1a"].code, account="zhou1")])
    preview = member_import_preview(file, user=world.users.community_staff)
    assert "Unknown login account" in " ".join(preview.rows[0].errors)
    assert not User.objects.filter(username="zhou1").exists()


def test_a_login_name_taken_is_an_error_when_creating_logins(world, branch):
    file = sheet([row("吴一", fresh_id_number(), grid=world.grids["A1a"].code, account="HEAD_A1A")])
    preview = member_import_preview(file, user=world.users.community_staff, create_logins=True)
    assert "taken" in " ".join(preview.rows[0].errors)


def test_the_upload_page_passes_the_option_to_the_preview(world, branch, client):
    client.force_login(world.users.community_staff)
    response = client.post(
        reverse("party_branches:import"),
        {
            "file": sheet([row("郑一", fresh_id_number(), grid=world.grids["A1a"].code)]),
            "create_logins": "on",
        },
    )
    assert response["Location"].endswith("?logins=1")
    page = client.get(response["Location"])
    body = page.content.decode()
    assert "138****8000" in body and "13800138000" not in body  # the login to create, masked
    client.post(response["Location"].split("?")[0], {"mode": "all", "logins": "1"})
    assert PartyMember.objects.get(name="郑一").user.username == "13800138000"
