"""The queue's filtered list as .xlsx (masked unless revealed, logged) and the printable case
sheet (案件单)."""

import io

import pytest
from openpyxl import load_workbook

from conftest import login_verified
from privacy.models import AuditLogEntry


@pytest.fixture
def cases(world, make_request):
    a1a = make_request(
        grid="A1a", reporter_name="张小明", reporter_phone="13812345678", consent=True
    )
    a1b = make_request(grid="A1b", description="另一个网格的问题描述")
    b1a = make_request(grid="B1a", description="别的街道的问题描述")
    return a1a, a1b, b1a


def rows_of(response):
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


def test_the_export_holds_the_filtered_rows_masked_and_is_logged(client, world, cases):
    client.force_login(world.users.grid_head)  # grid A1a only
    page = client.get("/requests/queue/export/?stage=open")
    assert page.status_code == 200
    response = client.post("/requests/queue/export/?stage=open", {"purpose": "周报统计"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = rows_of(response)
    assert [r[0] for r in rows[1:]] == [cases[0].code]
    assert rows[1][-2:] == ("张**", "138****5678")
    entry = AuditLogEntry.objects.get(action="export")
    assert (entry.record_count, entry.purpose, entry.actor) == (
        1,
        "周报统计",
        world.users.grid_head,
    )


def test_the_filters_of_the_queue_apply(client, world, cases):
    client.force_login(world.users.street_staff)  # street A: A1a and A1b
    response = client.post(
        f"/requests/queue/export/?stage=open&grid={world.grids['A1b'].pk}", {"purpose": "核对一下"}
    )
    assert [r[0] for r in rows_of(response)[1:]] == [cases[1].code]


def test_unmasked_only_for_who_may_reveal_and_logged_as_such(client, world, cases):
    head = world.users.grid_head
    client.force_login(head)
    refused = client.post("/requests/queue/export/", {"purpose": "回访居民", "unmasked": "on"})
    assert refused.status_code == 400
    assert not AuditLogEntry.objects.exists()
    head.may_reveal_personal_data = True
    head.save()
    login_verified(client, head)  # the reveal right works only after the second factor
    response = client.post("/requests/queue/export/", {"purpose": "回访居民", "unmasked": "on"})
    assert rows_of(response)[1][-2:] == ("张小明", "13812345678")
    assert AuditLogEntry.objects.get().fields in ("unmasked", "未脱敏")


def test_no_purpose_no_file(client, world, cases):
    client.force_login(world.users.grid_head)
    response = client.post("/requests/queue/export/", {"purpose": ""})
    assert response.status_code == 400 and not AuditLogEntry.objects.exists()


def test_bad_filters_are_a_400_not_a_500(client, world, cases):
    client.force_login(world.users.grid_head)
    assert client.get("/requests/queue/export/?grid=abc&reported_from=x").status_code == 400
    assert (
        client.post("/requests/queue/export/?grid=999999", {"purpose": "看看看看"}).status_code
        == 400
    )


def test_no_staff_role_no_export(client, world, cases):
    client.force_login(world.users.party_member)
    assert client.get("/requests/queue/export/").status_code == 403
    # An account without a role has no session at all: sent to the login page.
    client.force_login(world.users.no_role)
    assert client.get("/requests/queue/export/")["Location"].startswith("/accounts/login/")


def test_the_case_sheet_prints_the_case_masked(client, world, cases):
    client.force_login(world.users.grid_head)
    page = client.get(f"/requests/case/{cases[0].code}/sheet/")
    body = page.content.decode()
    assert page.status_code == 200
    assert cases[0].code in body and "13812345678" not in body and "138****5678" in body
    assert 'media="print"' in body and "css/print.css" in body
    assert client.get(f"/requests/case/{cases[2].code}/sheet/").status_code == 404
