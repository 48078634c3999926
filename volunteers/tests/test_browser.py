import pytest

from conftest import browser_login
from party_branches.tests.factories import PartyBranchFactory, PartyMemberFactory
from volunteers.models import SignUp
from volunteers.tests.factories import ActivityFactory, RegistrationFactory


@pytest.mark.browser
def test_member_signs_up_on_a_phone(transactional_db, world, live_server, page, artifacts):
    branch = PartyBranchFactory(grid=world.grids["A1a"])
    member = PartyMemberFactory(branch=branch, user=world.users.party_member, name="刘红")
    RegistrationFactory(member=member, grid=world.grids["A1a"])
    activity = ActivityFactory(
        community=world.communities["A1"], title="城中村消防隐患排查", capacity=3
    )
    browser_login(page, live_server, "member_a1a")
    page.goto(f"{live_server.url}/volunteer/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    card = page.locator(f"article[data-activity='{activity.pk}']")
    assert "城中村消防隐患排查" in card.inner_text()
    button = card.locator("button[type=submit]")
    assert button.bounding_box()["width"] <= 360
    button.click()
    page.wait_for_load_state()
    assert "已报名" in page.locator(f"article[data-activity='{activity.pk}']").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(artifacts / "volunteers-member-signup-phone.png"), full_page=True)
    assert SignUp.objects.filter(
        activity=activity, member=member, status=SignUp.Status.SIGNED_UP
    ).exists()


@pytest.mark.browser
def test_staff_mark_a_taken_needs_list_item_done_in_chinese(
    transactional_db, world, live_server, page, artifacts
):
    from volunteers.models import NeedsListItem

    branch = PartyBranchFactory(grid=world.grids["A1a"])
    member = PartyMemberFactory(branch=branch, user=world.users.party_member, name="刘红")
    item = NeedsListItem.objects.create(
        community=world.communities["A1"],
        kind=NeedsListItem.Kind.SMALL_WISH,
        title="为独居老人更换灯泡",
        requester="李阿婆",
        status=NeedsListItem.Status.TAKEN,
        taken_by=member,
    )
    browser_login(page, live_server, world.users.community_staff.username)
    for name, width in (("phone", 360), ("desktop", 1280)):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/volunteer/staff/needs/")
        assert "为独居老人更换灯泡" in page.inner_text("main")
        assert page.locator(f"#note-{item.pk}").is_visible()  # the change permission holds
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(artifacts / f"volunteers-needs-list-{name}.png"), full_page=True)
    page.fill(f"#note-{item.pk}", "已更换")
    page.locator(f"#note-{item.pk} ~ button").click()
    page.wait_for_load_state()
    item.refresh_from_db()
    assert item.status == NeedsListItem.Status.DONE and item.done_note == "已更换"
