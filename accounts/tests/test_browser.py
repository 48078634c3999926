"""Accounts in a real browser (Debian's chromium through Playwright): a new grid worker activates
their account on a 360 px phone, and every account page, in Chinese, at 360 and 1280 px (the
screenshots land in test-artifacts/accounts-*.png)."""

import io
import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from openpyxl import Workbook

from accounts.models import Role, User
from accounts.passwords import link_issue
from accounts.services import user_create
from conftest import DESKTOP, PHONE, browser_login

NEW_PASSWORD = "光明网格-新同事-2026"


@pytest.mark.browser
def test_a_new_grid_worker_activates_on_a_phone_and_sees_their_grid(
    transactional_db, world, live_server, page, artifacts
):
    worker = user_create(
        by=world.users.community_staff,
        username="wangfang",
        name="王芳",
        role=Role.GRID_HEAD,
        node=world.grids["A1b"],
        phone="13800138000",
    )
    secret = link_issue(user=worker, by=world.users.community_staff)
    page.goto(f"{live_server.url}/accounts/link/{secret}/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert "激活账号" in page.text_content("h1")
    assert page.text_content("[data-testid=login-name]") == "wangfang"
    page.fill("input[name=new_password1]", "short")
    page.fill("input[name=new_password2]", "short")
    page.click("main button[type=submit]")
    assert page.locator(".field-error").count() >= 1  # too short: refused, in Chinese
    assert "密码太短" in page.content()
    page.fill("input[name=new_password1]", NEW_PASSWORD)
    page.fill("input[name=new_password2]", NEW_PASSWORD)
    # "显示密码" shows what was typed (ASVS 2.1.12) and hides it again.
    toggle = page.locator("input[name=new_password1] + button.password-toggle")
    toggle.click()
    assert page.get_attribute("input[name=new_password1]", "type") == "text"
    assert toggle.inner_text() == "隐藏密码" and toggle.get_attribute("aria-pressed") == "true"
    page.screenshot(path=str(artifacts / "accounts-activate-shown-phone.png"), full_page=True)
    toggle.click()
    assert page.get_attribute("input[name=new_password1]", "type") == "password"
    assert toggle.inner_text() == "显示密码"
    page.screenshot(path=str(artifacts / "accounts-activate-phone.png"), full_page=True)
    page.click("main button[type=submit]")
    page.wait_for_url("**/dashboard/**")
    assert "王芳" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(artifacts / "accounts-activated-dashboard-phone.png"), full_page=True)
    page.goto(f"{live_server.url}/accounts/link/{secret}/")
    assert "链接无效" in page.text_content("h1")  # the link works once
    worker.refresh_from_db()
    assert worker.check_password(NEW_PASSWORD)


def _staff_sheet(world) -> bytes:
    workbook = Workbook()
    workbook.active.append(
        ["登录账号", "姓名", "角色", "所属区域", "手机号码", "电子邮箱", "任职日期"]
    )
    workbook.active.append(
        ["li1", "李一", "网格员", world.grids["A1a"].code, "13800000001", "", ""]
    )
    workbook.active.append(["li2", "李二", "街道工作人员", "A街道", "", "", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _shoot(page, artifacts, name, size):
    suffix = "phone" if size == PHONE else "desktop"
    page.screenshot(path=str(artifacts / f"accounts-{name}-{suffix}.png"), full_page=True)
    if size == PHONE:
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, name


@pytest.mark.browser
@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_every_account_page_in_chinese(
    transactional_db, world, live_server, browser, artifacts, tmp_path, size
):
    context = browser.new_context(viewport=size, locale="en-US", timezone_id="Asia/Shanghai")
    page = context.new_page()
    page.set_default_timeout(15000)
    url = live_server.url
    shoot = lambda name: _shoot(page, artifacts, name, size)  # noqa: E731
    staff = world.users.community_staff
    User.objects.filter(pk=staff.pk).update(may_reveal_personal_data=True, phone="13700001111")

    # Signing in: password, then enrolment of the authenticator (the account may reveal).
    page.goto(f"{url}/accounts/login/")
    shoot("login")
    browser_login(page, live_server, "community_a1", second_factor=False)
    page.wait_for_url("**/accounts/second-factor/setup/**")
    assert page.locator("[data-testid=qr] svg").count() == 1
    shoot("second-factor-setup")
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    page.fill("input[name=code]", f"{totp(device.bin_key):06d}")
    page.click("button[type=submit].primary")
    page.wait_for_url("**/dashboard/**")

    page.goto(f"{url}/accounts/me/")
    assert "我的账号" in page.text_content("h1")
    shoot("me")
    page.goto(f"{url}/accounts/password/")
    shoot("password-change")
    page.goto(f"{url}/accounts/tokens/")
    page.click("form.actions button")
    page.wait_for_selector("[data-testid=new-token]")  # the page after the POST, not before
    assert page.locator("[data-testid=new-token]").count() == 1
    shoot("tokens")

    # Looking after the accounts of the community.
    page.goto(f"{url}/accounts/people/")
    assert "本辖区账号" in page.text_content("h1")
    shoot("people")
    page.goto(f"{url}/accounts/people/new/")
    page.fill("input[name=username]", "zhaoliu")
    page.fill("input[name=name]", "赵六")
    page.select_option("select[name=role]", "grid_worker")
    # The place list follows the role (static/accounts/person-form.js): only area grids.
    assert page.locator("select[name=node] optgroup:not([hidden])").count() == 1
    page.select_option("select[name=node]", f"grid:{world.grids['A1a'].pk}")
    page.fill("input[name=phone]", "13800002222")
    shoot("person-create")
    page.click("button[type=submit].primary")
    link = page.text_content("[data-testid=activation-link]")
    assert re.search(r"/accounts/link/[\w-]+/$", link)
    shoot("link-shown")
    person = User.objects.get(username="zhaoliu")
    page.goto(f"{url}/accounts/people/{person.pk}/")
    shoot("person")
    page.goto(f"{url}/accounts/people/{world.users.grid_worker.pk}/deactivate/")
    shoot("deactivate")

    # The staff import: upload, preview with an error per row, import the clean rows.
    page.goto(f"{url}/accounts/people/import/")
    shoot("import")
    sheet = tmp_path / "staff.xlsx"
    sheet.write_bytes(_staff_sheet(world))
    page.set_input_files("input[name=file]", str(sheet))
    page.click("button[type=submit].primary")
    page.wait_for_url("**/people/import/*/")
    assert "1 行无误，1 行有错误" in page.text_content("[data-testid=summary]")
    shoot("import-preview")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button[name=mode][value=clean_only]")
    page.wait_for_load_state()
    assert "账号已导入" in page.text_content("h1")
    shoot("import-done")

    # The member import can create member logins (the preview names each login to create).
    from party_branches.tests.factories import PartyBranchFactory, fresh_id_number

    PartyBranchFactory(grid=world.grids["A1a"])
    members = Workbook()
    members.active.append(
        ["姓名", "性别", "出生日期", "手机号码", "身份证号", "入党日期", "所在社区", "所属网格支部"]
    )
    for name, phone in (("孙一", "13700000001"), ("孙二", "")):
        members.active.append(
            [
                name,
                "男",
                "1980-05-01",
                phone,
                fresh_id_number(),
                "2005-07-01",
                "A1社区",
                world.grids["A1a"].code,
            ]
        )
    member_sheet = tmp_path / "members.xlsx"
    members.save(member_sheet)
    page.goto(f"{url}/branches/members/import/")
    page.set_input_files("input[name=file]", str(member_sheet))
    page.check("input[name=create_logins]")
    shoot("member-import-logins")
    page.click("button[type=submit].primary")
    page.wait_for_url("**/members/import/*/?logins=1")
    assert "137****0001" in page.content() and "不创建账号" in page.content()
    shoot("member-import-logins-preview")

    # The district admin's history of account and admin changes.
    context.clear_cookies()
    User.objects.filter(pk=world.users.district_admin.pk).update(phone="13700002222")
    browser_login(page, live_server, "district")
    page.goto(f"{url}/accounts/history/")
    assert "账号与后台变更记录" in page.text_content("h1")
    assert "赵六" in page.content() or "zhaoliu" in page.content()
    shoot("history")

    # Forgotten password, as someone signed out; and the second-factor step at the next sign-in.
    context.clear_cookies()
    page.goto(f"{url}/accounts/password/reset/")
    shoot("password-reset")
    page.fill("input[name=username]", "community_a1")
    page.click("button[type=submit].primary")
    page.wait_for_url("**/password/reset/code/")
    shoot("password-reset-code")
    browser_login(page, live_server, "community_a1", second_factor=False)
    page.wait_for_url("**/accounts/second-factor/**")
    assert "确认本次登录" in page.text_content("h1")
    shoot("second-factor-verify")
    context.close()
