import pytest

pytestmark = pytest.mark.django_db


def test_grid_head_dashboard_shows_own_grid_requests(world, populate, client_as):
    populate(2)
    populate(2, grid="B1a")
    response = client_as(world.users.grid_head).get("/dashboard/")
    assert response.status_code == 200
    panel = response.context["requests"]
    assert panel.waiting_total == 4  # 2 reported + 2 filed in A1a only
    assert panel.overdue_count == 2
    assert panel.nearly_due_count == 2
    assert {p["state"] for p in panel.pins} == {"ok", "overdue", "nearly"}
    assert len(panel.pins) == 8  # open ones of A1a, closed ones are not pins
    html = response.content.decode()
    assert "<script>" not in html.replace("<script src", "")
    assert 'id="dash-layers"' in html


def test_month_figures_table_headers_are_the_dashboards_own_words(world, populate, client_as):
    """ "Change" is also an admin word (修改, "edit"): the figures' column has its own context."""
    populate(1)
    html = client_as(world.users.grid_head).get("/dashboard/").content.decode()
    assert '<th scope="col">变化</th>' in html
    assert '<th scope="col">修改</th>' not in html


def test_the_inbox_panel_and_the_bell_count_every_unread_message(world, client_as):
    """The panel lists the newest few; the bell counts them all, from the panel's own query."""
    from notifications.services import notification_enqueue

    user = world.users.grid_head
    for i in range(11):
        notification_enqueue(kind="t", subject=f"消息{i}", body="内容", user=user)
    notification_enqueue(kind="t", subject="别人的", body="内容", user=world.users.grid_worker)
    response = client_as(user).get("/dashboard/")
    assert len(response.context["inbox"]["messages"]) == 8
    assert response.context["inbox_unread"] == 11
    assert '<span class="bell-count">11</span>' in response.content.decode()


@pytest.mark.parametrize("code", ["R20260101001", "A-b_c.d~e", "空 格#?%&"])
def test_row_links_are_what_reverse_gives(code):
    from django.urls import reverse

    from dashboards.selectors import url_maker

    assert url_maker("requests_desk:case")(code) == reverse("requests_desk:case", args=[code])
    assert url_maker("requests_desk:act", "accept")(code) == reverse(
        "requests_desk:act", args=[code, "accept"]
    )


def test_request_rows_show_the_stage_label_and_links_of_the_desk(world, populate, client_as):
    from django.urls import reverse

    populate(1)
    panel = client_as(world.users.grid_head).get("/dashboard/").context["requests"]
    rows = panel.waiting_rows + panel.overdue_rows + panel.nearly_due_rows
    assert rows
    for row in rows:
        assert row.stage_label == row.get_stage_display()
        assert row.case_url == reverse("requests_desk:case", args=[row.code])
        for action, url in row.act_urls.items():
            assert url == reverse("requests_desk:act", args=[row.code, action])


def test_the_inbox_messages_are_shown_as_the_message_template_renders_them(world, client_as):
    """Each unread message's HTML is kept per process (notifications.kept): the page shows what
    notifications/_message.html renders, with this visitor's CSRF token in its form; a message
    marked read leaves the panel; another language renders it again."""
    import re

    from django.template.loader import render_to_string

    from notifications.models import Notification
    from notifications.services import notification_enqueue

    user = world.users.grid_head
    notification_enqueue(kind="t", subject="<b>停水</b>通知", body="明天\n停水", user=user)
    notification_enqueue(kind="t", subject="巡查安排", body="周五", user=user)
    shown = Notification.objects.filter(recipient=user).order_by("-created_at", "-id")
    client = client_as(user)
    for _ in range(2):  # rendered, then kept
        html = client.get("/dashboard/").content.decode()
        token = re.search(r'hx-headers=\'{"X-CSRFToken": "([^"]+)"}\'', html).group(1)
        expected = "".join(
            render_to_string("notifications/_message.html", {"message": m, "csrf_token": token})
            for m in shown
        )
        assert expected in html and "&lt;b&gt;停水&lt;/b&gt;通知" in html
    other = client_as(user)
    other_html = other.get("/dashboard/").content.decode()
    other_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', other_html).group(1)
    assert other_token != token and token not in other_html

    first = shown[0]
    assert client.post(f"/inbox/{first.pk}/read/").status_code in (200, 302)
    assert f'id="message-{first.pk}"' not in client.get("/dashboard/").content.decode()
    client.cookies["django_language"] = "en"
    assert ">unread</span>" in client.get("/dashboard/").content.decode()


def test_an_inbox_message_is_built_only_until_its_html_is_kept(world, client_as, monkeypatch):
    from notifications.selectors import Unread
    from notifications.services import notification_enqueue

    user = world.users.grid_head
    notification_enqueue(kind="t", subject="停水通知", body="明天停水", user=user)
    built = []
    build = Unread.message
    monkeypatch.setattr(Unread, "message", lambda self: built.append(self.pk) or build(self))
    client = client_as(user)
    first = client.get("/dashboard/").content.decode()
    second = client.get("/dashboard/").content.decode()
    assert "停水通知" in first and "停水通知" in second
    assert len(built) == 1  # the second view took the kept HTML
