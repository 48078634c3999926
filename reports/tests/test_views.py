"""Reports in the UI: scoped lists, detail with month-over-month change, generation with a
progress bar, downloads, subscriptions, API."""

import io

import pytest
from django.core import mail
from django.urls import reverse

from reports.models import Report, ReportRun, ReportSubscription
from reports.services import reports_generate
from reports.tests.conftest import FEBRUARY, MARCH

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_months(places, in_april):
    for period in (FEBRUARY, MARCH):
        reports_generate(period=period, run=ReportRun.objects.create(period=period))
    return places


def _report(w, level, key, period=MARCH):
    node = {"grid": w.grids, "community": w.communities, "street": w.streets}[level][key]
    return Report.objects.filter(level=level, node_code=node.code, period=period).latest("version")


def test_list_is_scoped_to_the_jurisdiction(client, two_months, django_assert_max_num_queries):
    w = two_months
    client.force_login(w.users.community_staff)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("reports:index"), {"period": "2026-03"})
    names = {r.node_name for r in response.context["reports"]}
    assert names == {"A1社区", "A1a网格", "A1b网格"}


def test_outside_the_jurisdiction_is_404(client, two_months):
    w = two_months
    client.force_login(w.users.other_street_staff)
    report = _report(w, "grid", "A1a")
    assert client.get(reverse("reports:detail", args=[report.pk])).status_code == 404
    assert client.get(reverse("reports:xlsx", args=[report.pk])).status_code == 404


def test_party_members_have_no_access(client, two_months):
    client.force_login(two_months.users.party_member)
    assert client.get(reverse("reports:index")).status_code == 403


def test_detail_shows_month_over_month_change_and_chart_data(client, two_months):
    w = two_months
    client.force_login(w.users.grid_head)
    report = _report(w, "grid", "A1a")
    response = client.get(reverse("reports:detail", args=[report.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="report-charts"' in html and "reports/report-charts.js" in html
    assert "<script>" not in html.replace('<script id="report-charts"', "")
    area = response.context["tables"][0]
    population = next(r for r in area["rows"] if r["key"] == "population")
    assert (population["value"], population["previous"], population["change"]) == (8000, 8000, 0)


def test_generation_from_the_ui_with_progress(
    client, places, in_april, django_capture_on_commit_callbacks
):
    w = places
    client.force_login(w.users.district_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:run-start"), {"period": "2026-03"}, follow=True)
    assert response.status_code == 200
    run = ReportRun.objects.get()
    assert run.status == "done" and run.requested_by == w.users.district_admin
    fragment = client.get(reverse("reports:run-progress", args=[run.pk])).content.decode()
    assert 'value="100"' in fragment and "hx-trigger" not in fragment  # polling stops when done
    assert Report.objects.filter(period=MARCH).count() == 15


def test_progress_fragment_polls_while_running(client, world):
    run = ReportRun.objects.create(period=MARCH, status="running", total_steps=10, done_steps=4)
    client.force_login(world.users.district_admin)
    fragment = client.get(reverse("reports:run-progress", args=[run.pk])).content.decode()
    assert 'value="40"' in fragment and 'hx-trigger="every 1s"' in fragment


def test_future_month_is_refused_in_chinese(client, world, in_april):
    client.force_login(world.users.district_admin)
    response = client.post(reverse("reports:run-start"), {"period": "2026-05"}, follow=True)
    assert "只能为已经结束的月份生成报表" in response.content.decode()
    assert not ReportRun.objects.exists()


def test_grid_heads_cannot_start_generation(client, world, in_april):
    client.force_login(world.users.grid_head)
    assert client.post(reverse("reports:run-start"), {"period": "2026-03"}).status_code == 403


def test_xlsx_has_one_sheet_per_section_with_chinese_headers(client, two_months):
    from openpyxl import load_workbook

    w = two_months
    client.force_login(w.users.street_staff)
    report = _report(w, "community", "A1")
    response = client.get(reverse("reports:xlsx", args=[report.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[:2] == ["概况", "片区概况"]
    sheet = workbook["片区概况"]
    assert [c.value for c in sheet[1]] == ["指标", "本月", "上月", "变化"]
    rows = {row[0]: row[1:] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["人口"] == (16000, 16000, 0)
    assert rows["片区网格数"] == (2, 2, 0)
    assert workbook["概况"]["B1"].value == "A1社区"


def test_pdf_embeds_the_cjk_font(client, two_months):
    w = two_months
    client.force_login(w.users.district_admin)
    report = _report(w, "street", "A")
    response = client.get(reverse("reports:pdf", args=[report.pk]))
    assert response.content.startswith(b"%PDF")
    assert b"WenQuanYi" in response.content or b"RedGridCJK" in response.content


def test_missing_cjk_font_fails_with_a_clear_message(two_months, settings):
    from django.core.exceptions import ImproperlyConfigured

    from reports.exports import report_pdf

    settings.REDGRID_PDF_FONT = "/nonexistent/font.ttc"
    with pytest.raises(ImproperlyConfigured, match="CJK font"):
        report_pdf(_report(two_months, "street", "A"))


def test_subscribers_get_their_area_report_by_email_with_the_xlsx(
    client, places, in_april, django_capture_on_commit_callbacks
):
    w = places
    staff = w.users.community_staff
    staff.email = "a1@example.cn"
    staff.save()
    client.force_login(staff)
    client.post(reverse("reports:subscription"))
    assert ReportSubscription.objects.filter(user=staff).exists()
    client.force_login(w.users.district_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:run-start"), {"period": "2026-03"})
    from notifications.delivery import deliver_pending

    deliver_pending()  # the outbox's periodic task (the commit kick ran inside the test's
    (message,) = mail.outbox  # transaction, so the beat tick is simulated here)
    assert message.to == ["a1@example.cn"] and "A1社区" in message.subject
    filename, content, mimetype = message.attachments[0]
    assert filename.endswith(".xlsx") and content[:2] == b"PK"


def test_api_lists_latest_versions_in_scope(client, two_months):
    w = two_months
    reports_generate(period=MARCH, run=ReportRun.objects.create(period=MARCH))  # version 2
    client.force_login(w.users.grid_head)
    data = client.get("/api/v1/reports/", {"period": "2026-03"}).json()
    assert [(r["node_name"], r["version"]) for r in data["results"]] == [("A1a网格", 2)]
    assert data["results"][0]["numbers"]["area"]["population"] == 8000
    client.force_login(w.users.party_member)
    assert client.get("/api/v1/reports/").status_code == 403
