"""The case page on a 360 px phone, step by step: after each action the stage badge, the buttons
allowed now and the timeline change in place (no page load; it used to keep showing 已立案 and
offer 派遣 after a dispatch); a double tap on a submit button acts once; without JavaScript the
same steps work through full pages."""

import pytest

from conftest import DESKTOP, browser_login
from requests_desk.models import Request, RequestEvent, Stage

pytestmark = pytest.mark.browser


def actions_shown(page):
    return set(
        page.locator("#rq-actions [data-action]").evaluate_all(
            "els => els.map(e => e.getAttribute('data-action'))"
        )
    )


def do(page, action, *, fill=None, select=None, double=False):
    version = page.locator("#case-body").get_attribute("data-version")
    page.locator(f"#rq-actions [data-action={action}]").click()
    form = page.locator(f"form[data-action={action}]")
    form.wait_for()
    if select:
        form.locator(select[0]).select_option(select[1])
    if fill:
        form.locator(fill[0]).fill(fill[1])
    button = form.locator("button[type=submit]")
    if double:
        button.dblclick()
    else:
        button.click()
    # The case's body comes back with the next version.
    page.wait_for_function(
        "v => document.getElementById('case-body').dataset.version !== v", arg=version
    )


def test_the_case_page_follows_each_action_on_a_phone(
    transactional_db, world, categories, make_request, live_server, page, artifacts
):
    item = make_request()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    browser_login(page, live_server, "head_a1a")
    page.goto(f"{live_server.url}/requests/case/{item.code}/")
    page.evaluate("window.__noReload = true")
    assert page.locator("#case-stage").inner_text() == "已上报"
    assert {"accept", "cancel"} <= actions_shown(page)

    do(page, "accept")
    assert page.locator("#case-stage").inner_text() == "已受理"
    assert "accept" not in actions_shown(page) and "file" in actions_shown(page)
    assert page.locator("#case-timeline li").last.get_attribute("data-action") == "accept"
    # The outcome is announced and takes the focus (once htmx has settled the swap).
    page.wait_for_function("() => document.activeElement.classList.contains('case-outcome')")

    do(page, "file")
    assert page.locator("#case-stage").inner_text() == "已立案"
    do(
        page,
        "dispatch",
        select=("select[name=target]", f"user:{world.users.grid_worker.pk}"),
        double=True,
    )
    assert page.locator("#case-stage").inner_text() == "已派遣"
    shown = actions_shown(page)
    assert "file" not in shown and "start" in shown
    # A second dispatch is offered only as what it is: 二次派遣.
    assert page.locator("#rq-actions [data-action=dispatch]").inner_text() == "二次派遣"
    last = page.locator("#case-timeline li").last
    assert last.get_attribute("data-action") == "dispatch"
    assert f"已派遣至综合网格员 {world.users.grid_worker}" in last.inner_text()
    assert "已立案 → 已派遣" in last.inner_text()
    # The double tap dispatched once.
    assert RequestEvent.objects.filter(request=item, action="dispatch").count() == 1
    page.screenshot(path=str(artifacts / "case_after_dispatch_phone.png"), full_page=True)

    do(page, "contact")
    entry = page.locator("#case-timeline li").last
    assert "已联系居民" in entry.inner_text() and "→" not in entry.inner_text()
    assert page.locator("#case-stage").inner_text() == "已派遣"
    assert page.evaluate("window.__noReload === true")  # all in place, no page load
    assert errors == []
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(artifacts / "case_after_contact_desktop.png"), full_page=True)


def test_a_resent_form_is_refused_with_the_case_as_it_is(
    transactional_db, world, categories, make_request, live_server, page
):
    """Someone else acted while the form was open: the submit shows the case as it is now with
    the refusal, and changes nothing."""
    from requests_desk import flow

    item = make_request()
    browser_login(page, live_server, "head_a1a")
    page.goto(f"{live_server.url}/requests/case/{item.code}/")
    page.locator("#rq-actions [data-action=accept]").click()
    page.locator("form[data-action=accept]").wait_for()
    flow.transition(
        case=Request.objects.get(pk=item.pk), action="accept", by=world.users.grid_worker
    )
    page.locator("form[data-action=accept] button[type=submit]").click()
    outcome = page.locator(".case-outcome.error")
    outcome.wait_for()
    assert "已变化" in outcome.inner_text()
    assert page.locator("#case-stage").inner_text() == "已受理"
    assert RequestEvent.objects.filter(request=item, action="accept").count() == 1


def test_without_javascript_each_action_is_a_page(
    transactional_db, world, categories, make_request, live_server, browser
):
    from conftest import PHONE

    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    item = make_request()
    browser_login(page, live_server, "head_a1a")
    for action in ("accept", "file"):
        page.goto(f"{live_server.url}/requests/case/{item.code}/")
        page.locator(f"#rq-actions [data-action={action}]").click()
        page.locator(f"form[data-action={action}] button[type=submit]").click()
        page.wait_for_url(f"**/requests/case/{item.code}/")
    assert page.locator("#case-stage").inner_text() == "已立案"
    assert "file" not in actions_shown(page) and "dispatch" in actions_shown(page)
    assert Request.objects.get(pk=item.pk).stage == Stage.FILED
    context.close()
