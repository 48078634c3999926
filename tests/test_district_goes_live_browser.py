"""A new district goes live, end to end in a real browser (Debian's chromium), in Chinese, with no
developer and no superuser: the district is created from its boundary file (the command of
docs/going-live.md) → its first admin opens the one-time link, sets a password and enrols an
authenticator app (the key read off the page, as the app would) → creates a street admin → who
activates and imports a staff .xlsx → a grid head of that sheet activates on a 360 px phone and
sees their own grid's dashboard. Screenshots: test-artifacts/district-live-*.png."""

import base64
import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django_otp.oath import totp
from openpyxl import Workbook

from accounts.models import Role, User
from conftest import DESKTOP, PHONE
from grids.models import AreaGrid, Street

ROOT = Path(__file__).resolve().parent.parent
PINGSHAN = str(ROOT / "docs" / "examples" / "440310.geojson")
LINK = re.compile(r"/accounts/link/[\w-]+/")


def shoot(page, artifacts, name):
    label = "phone" if page.viewport_size["width"] == PHONE["width"] else "desktop"
    page.screenshot(path=str(artifacts / f"district-live-{name}-{label}.png"), full_page=True)
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    if label == "phone":
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1, name


def activate(page, live_server, link, password):
    page.goto(f"{live_server.url}{link}")
    assert "激活账号" in page.text_content("h1")
    page.fill("input[name=new_password1]", password)
    page.fill("input[name=new_password2]", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    errors = page.locator(".field-error, .errorlist, .error-summary").all_text_contents()
    assert "/accounts/link/" not in page.url, errors


def enrol_authenticator(page):
    """What the owner's authenticator app does with the key the setup page shows."""
    key = page.text_content("[data-testid=totp-key]").replace(" ", "").strip()
    secret = base64.b32decode(key + "=" * (-len(key) % 8))
    page.fill("input[name=code]", f"{totp(secret):06d}")
    page.click("main button[type=submit].primary")
    page.wait_for_load_state()


def staff_sheet(grid: AreaGrid) -> bytes:
    workbook = Workbook()
    workbook.active.append(
        ["登录账号", "姓名", "角色", "所属区域", "手机号码", "电子邮箱", "任职日期"]
    )
    workbook.active.append(["chenjing", "陈静", "网格长", grid.code, "13800138011", "", ""])
    workbook.active.append(["liuyang", "刘洋", "网格员", grid.code, "13800138012", "", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.browser
def test_a_new_district_goes_live(transactional_db, live_server, browser, artifacts, tmp_path):
    # 1. The district from its boundary file, with its first admin (docs/going-live.md).
    out = io.StringIO()
    call_command(
        "create_district",
        PINGSHAN,
        "--admin-username",
        "pingshan-admin",
        "--admin-name",
        "张伟",
        "--site-url",
        live_server.url,
        "--commit",
        stdout=out,
    )
    admin_link = LINK.search(out.getvalue()).group(0)
    street = Street.objects.get(code="440310001")
    grid = AreaGrid.objects.current().get(code="44031000100101")

    desk = browser.new_context(viewport=DESKTOP, locale="en-US", timezone_id="Asia/Shanghai")
    page = desk.new_page()
    page.set_default_timeout(20000)

    # 2. The admin activates: a password, then the authenticator app (the admin may reveal).
    activate(page, live_server, admin_link, "坪山区-红网格-管理员-2026")
    assert "/accounts/second-factor/setup/" in page.url
    shoot(page, artifacts, "admin-authenticator")
    enrol_authenticator(page)
    assert "/dashboard/" in page.url, page.url
    shoot(page, artifacts, "admin-dashboard")

    # 3. …creates the street's admin with role and place in one step, and gets their link.
    page.goto(f"{live_server.url}/accounts/people/new/")
    page.fill("input[name=username]", "pingshan-street")
    page.fill("input[name=name]", "李娜")
    page.select_option("select[name=role]", Role.STREET_STAFF)
    page.select_option("select[name=node]", f"street:{street.pk}")
    page.fill("input[name=phone]", "13800138010")
    page.click("main button[type=submit].primary")
    street_link = LINK.search(page.text_content("[data-testid=activation-link]")).group(0)
    shoot(page, artifacts, "street-admin-link")
    person = User.objects.get(username="pingshan-street")
    assert (person.role, person.street) == (Role.STREET_STAFF, street)
    desk.close()

    # 4. The street admin activates and imports the staff sheet of their street.
    desk = browser.new_context(viewport=DESKTOP, locale="en-US", timezone_id="Asia/Shanghai")
    page = desk.new_page()
    page.set_default_timeout(20000)
    activate(page, live_server, street_link, "坪山街道-网格办-2026年")
    assert "/dashboard/" in page.url, page.url
    page.goto(f"{live_server.url}/accounts/people/import/")
    sheet = tmp_path / "staff.xlsx"
    sheet.write_bytes(staff_sheet(grid))
    page.set_input_files("input[name=file]", str(sheet))
    page.click("main button[type=submit].primary")
    page.wait_for_url("**/people/import/*/")
    assert "2 行无误" in page.text_content("[data-testid=summary]")
    shoot(page, artifacts, "import-preview")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button[name=mode][value=all]")
    page.wait_for_load_state()
    assert "账号已导入" in page.text_content("h1")
    shoot(page, artifacts, "import-done")
    links = dict(
        zip(
            page.locator(".link-cards li").all_text_contents(),
            [LINK.search(t).group(0) for t in page.locator(".link-secret").all_text_contents()],
            strict=True,
        )
    )
    head_link = next(link for text, link in links.items() if "陈静" in text)
    head = User.objects.get(username="chenjing")
    assert (head.role, head.grid) == (Role.GRID_HEAD, grid)
    desk.close()

    # 5. The grid head activates on a 360 px phone and lands on their own grid's dashboard.
    phone = browser.new_context(viewport=PHONE, locale="en-US", timezone_id="Asia/Shanghai")
    page = phone.new_page()
    page.set_default_timeout(20000)
    activate(page, live_server, head_link, "坪山社区第一网格-网格长陈静")
    assert "/dashboard/" in page.url, page.url
    text = page.text_content("main")
    assert "坪山社区第一网格" in text
    assert "坪山社区第二网格" not in text and "坑梓" not in text
    shoot(page, artifacts, "grid-head-dashboard")
    phone.close()
