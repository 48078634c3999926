"""Holidays that do not run out: the official schedule imported (page and command, .xlsx and
CSV, per-row errors), the district admins reminded before the calendar ends, and a deadline past
the calendar flagged "calendar missing" instead of computed silently."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook

from conftest import login_verified
from notifications.models import Notification
from notifications.services import reminders_run
from requests_desk import flow
from requests_desk.models import Holiday, HolidayCalendarYear, Request
from requests_desk.worktime import WorkCalendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
URL = "/imports/holidays/"
SCHEDULE_2027 = (
    "日期,类型,名称\n"
    "2027-01-01,放假,元旦\n"
    "2027-02-06,上班,春节调休\n"
    "2027-02-08,放假,春节\n"
    "2027-02-09,放假,春节\n"
)


def upload(client, content: bytes, name="holidays.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(URL, {"file": SimpleUploadedFile(name, content)})


def commit(client, preview, mode="all"):
    body = preview.content.decode()
    sealed = body.split('name="sealed" value="')[1].split('"')[0]
    filename = body.split('name="filename" value="')[1].split('"')[0]
    return client.post(URL, {"sealed": sealed, "filename": filename, "mode": mode})


def xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.users.district_admin)
    return client


def test_the_seeded_schedule_covers_its_years(db):
    assert set(HolidayCalendarYear.objects.values_list("year", flat=True)) >= {2025, 2026}
    assert WorkCalendar.load().covered_until.year >= 2026


def test_a_csv_schedule_is_previewed_then_imported_and_covers_its_year(admin_client):
    preview = upload(admin_client, SCHEDULE_2027.encode())
    assert preview.status_code == 200
    body = preview.content.decode()
    assert 'class="row-error"' not in body and body.count("<tr") == 5  # header + 4 rows
    assert not Holiday.objects.filter(date__year=2027).exists()  # nothing saved yet
    done = commit(admin_client, preview)
    assert done.status_code == 302
    assert Holiday.objects.get(date=datetime.date(2027, 2, 6)).kind == Holiday.Kind.WORKDAY
    assert Holiday.objects.filter(date__year=2027).count() == 4
    assert WorkCalendar.load().covered_until == datetime.date(2027, 12, 31)


def test_an_xlsx_schedule_in_gb_words_imports_and_replaces_the_year(admin_client):
    Holiday.objects.create(date=datetime.date(2027, 5, 3), kind="off", name="手填的")
    content = xlsx(
        [
            ["日期", "类型", "名称"],
            [datetime.date(2027, 10, 1), "休", "国庆节"],
            ["2027/10/9", "班", "国庆节调休"],
        ]
    )
    done = commit(admin_client, upload(admin_client, content, "schedule.xlsx"))
    assert done.status_code == 302
    assert set(Holiday.objects.filter(date__year=2027).values_list("date", flat=True)) == {
        datetime.date(2027, 10, 1),
        datetime.date(2027, 10, 9),
    }


def test_bad_rows_get_one_message_each_and_nothing_is_saved(admin_client):
    content = (
        "日期,类型,名称\n"
        "2027-13-01,放假,坏日期\n"
        "2027-01-02,放假,周六\n"
        "2027-01-04,上班,周一\n"
        "2027-01-05,半天,不知道\n"
        "2027-01-01,放假,元旦\n"
        "2027-01-01,放假,重复\n"
    ).encode()
    preview = upload(admin_client, content)
    body = preview.content.decode()
    assert preview.status_code == 200
    for line in ("2027-13-01", "半天"):
        assert line in body
    assert body.count('class="row-error"') == 5
    assert 'value="clean_only"' not in body  # a year's schedule is whole or nothing
    refused = commit(admin_client, preview, mode="clean_only")
    assert refused.status_code == 400
    assert not Holiday.objects.filter(date__year=2027).exists()


@pytest.mark.parametrize(
    "content,name",
    [
        (b"\x00\x01garbage", "holidays.xlsx"),
        (b"", "holidays.csv"),
        (b"date\n2027-01-01\n", "holidays.csv"),
        ("日期,类型\n".encode(), "holidays.csv"),
        (b"\xff\xfe\x00bad", "holidays.csv"),
    ],
    ids=["garbage", "empty", "english-date-only", "no-kind-column", "bad-bytes"],
)
def test_malformed_files_are_refused_with_a_message_never_a_500(admin_client, content, name):
    response = upload(admin_client, content, name)
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    assert not HolidayCalendarYear.objects.filter(year=2027).exists()


def test_a_tampered_or_foreign_sealed_file_is_refused(admin_client, client, world):
    preview = upload(admin_client, SCHEDULE_2027.encode())
    body = preview.content.decode()
    sealed = body.split('name="sealed" value="')[1].split('"')[0]
    tampered = admin_client.post(
        URL, {"sealed": sealed[:-4] + "AAAA", "filename": "holidays.csv", "mode": "all"}
    )
    assert tampered.status_code == 400
    other = world.users.other_street_staff
    other.is_superuser = True  # may import, but the sealed file is not theirs
    other.save()
    login_verified(client, other)  # superusers sign in with the second factor
    stolen = client.post(URL, {"sealed": sealed, "filename": "holidays.csv", "mode": "all"})
    assert stolen.status_code == 400
    assert not Holiday.objects.filter(date__year=2027).exists()


@pytest.mark.parametrize("role", ["community_staff", "grid_head", "street_staff"])
def test_only_the_district_admin_imports_the_calendar(client, world, role):
    client.force_login(getattr(world.users, role))
    assert client.get(URL).status_code == 403
    assert upload(client, SCHEDULE_2027.encode()).status_code == 403
    assert client.get(URL + "template.xlsx").status_code == 403


def test_the_template_has_headers_and_an_example_row(admin_client):
    response = admin_client.get(URL + "template.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("日期", "类型", "名称")
    assert rows[1] == ("2027-01-01", "放假", "元旦")


def test_the_command_imports_the_same_way(world, tmp_path):
    path = tmp_path / "2027.csv"
    path.write_text(SCHEDULE_2027, encoding="utf-8")
    out = io.StringIO()
    call_command("import_sheet", "holidays", str(path), stdout=out)
    assert "dry run" in out.getvalue() and not Holiday.objects.filter(date__year=2027).exists()
    call_command("import_sheet", "holidays", str(path), "--commit", stdout=io.StringIO())
    assert Holiday.objects.filter(date__year=2027).count() == 4
    bad = tmp_path / "bad.csv"
    bad.write_text("日期,类型\n2027-02-30,放假\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_sheet", "holidays", str(bad), "--commit", stdout=io.StringIO())


def _reminded():
    return sorted(
        Notification.objects.filter(
            kind="requests.holiday_calendar_ending", channel="inbox"
        ).values_list("recipient__username", flat=True)
    )


def test_the_district_admin_is_reminded_60_days_before_the_calendar_ends(world, time_machine):
    last = HolidayCalendarYear.objects.order_by("-year").first().year
    end = datetime.date(last, 12, 31)
    ten = datetime.datetime.combine(end, datetime.time(10), tzinfo=SHANGHAI)
    time_machine.move_to(ten - datetime.timedelta(days=61), tick=False)
    reminders_run(kinds=["requests.holiday_calendar_ending"])
    assert _reminded() == []
    time_machine.move_to(ten - datetime.timedelta(days=60), tick=False)
    reminders_run(kinds=["requests.holiday_calendar_ending"])
    assert _reminded() == ["district"]
    reminders_run(kinds=["requests.holiday_calendar_ending"])
    assert _reminded() == ["district"]  # once per last day
    HolidayCalendarYear.objects.create(year=last + 1)
    reminders_run(kinds=["requests.holiday_calendar_ending"])
    assert _reminded() == ["district"]  # the next year is loaded: nothing more


def test_a_deadline_past_the_calendar_is_flagged_in_the_queue(world, categories, time_machine):
    from requests_desk.services import request_create

    last = HolidayCalendarYear.objects.order_by("-year").first().year
    # Dispatched on the calendar's last working days: 20 working days run past its end.
    time_machine.move_to(datetime.datetime(last, 12, 28, 10, tzinfo=SHANGHAI), tick=False)
    g = world.grids["A1a"]
    case = request_create(
        source=Request.Source.GRID_PATROL,
        category=categories["E0103"],
        description="违法搭建需要拆除处理",
        location=(g.boundary.centroid.x, g.boundary.centroid.y),
    )
    category = max(
        (c for c in categories.values() if c.limit_unit == "days"), key=lambda c: c.limit_amount
    )
    Request.objects.filter(pk=case.pk).update(category=category)
    case.refresh_from_db()
    head = world.users.grid_head
    for action in ("accept", "file"):
        flow.transition(case=case, action=action, by=head)
    flow.transition(case=case, action="dispatch", by=head, target=world.users.grid_worker)
    case.refresh_from_db()
    assert case.due_at.astimezone(SHANGHAI).date() > datetime.date(last, 12, 31)
    assert case.due_calendar_missing and case.calendar_missing
    quick = request_create(
        source=Request.Source.GRID_PATROL,
        category=categories["E0103"],
        description="暴露垃圾需要清理",
        location=(g.boundary.centroid.x, g.boundary.centroid.y),
    )
    for action in ("accept", "file"):
        flow.transition(case=quick, action=action, by=head)
    flow.transition(case=quick, action="dispatch", by=head, target=world.users.grid_worker)
    quick.refresh_from_db()
    assert not quick.due_calendar_missing  # 4 working hours: inside the calendar
    from django.test import Client

    client = Client()
    client.force_login(head)
    body = client.get("/requests/queue/").content.decode()
    assert body.count('data-testid="calendar-missing"') == 1
