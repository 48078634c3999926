"""Updates reach the resident: SMS (phone given, consent ticked) and e-mail when their request is
accepted, dispatched, reported handled and closed, through the notifications outbox; the link is
absolute (REDGRID_SITE_URL → settings.SITE_URL) and the closing message asks for the rating."""

import pytest
from django.core import mail

from notifications.delivery import deliver_pending
from notifications.models import Notification
from notifications.sms import LocmemSmsBackend
from requests_desk.models import Stage
from requests_desk.tests.test_flow import bring_to


@pytest.fixture(autouse=True)
def gateways(settings):
    settings.REDGRID_SMS_BACKEND = "notifications.sms.LocmemSmsBackend"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://redgrid.example.gov.cn"
    settings.REDGRID_NOTIFICATIONS_QUIET_HOURS = ("00:00", "00:01")
    LocmemSmsBackend.outbox.clear()


def test_the_resident_hears_of_accept_dispatch_feedback_and_close(world, make_request):
    item = make_request(
        reporter_phone="13812345678", reporter_email="wang@example.com", consent=True
    )
    bring_to(item, Stage.CLOSED, world.users.district_admin)
    sms = Notification.objects.filter(channel="sms", kind="request_stage").order_by("id")
    email = Notification.objects.filter(channel="email", kind="request_stage").order_by("id")
    stages = ["已受理", "已派遣", "已反馈", "已结案"]
    assert sms.count() == email.count() == 4
    link = f"https://redgrid.example.gov.cn/requests/t/{item.code}/"
    for row in [*sms, *email]:
        assert link in row.body and "13812345678" not in row.body
    assert all(any(word in row.subject for word in stages) for row in sms), [
        row.subject for row in sms
    ]
    closing = sms.last()
    assert "请对办理情况进行评价" in closing.body and "已办结" in closing.body
    assert "查看进度：https://" in sms.first().body
    deliver_pending(time_budget=10)
    texts = [m["text"] for m in LocmemSmsBackend.outbox]
    assert len(texts) == 4 and all(link in text for text in texts)
    assert [m.to for m in mail.outbox] == [["wang@example.com"]] * 4


def test_no_contact_no_message(world, make_request):
    """Contact details need the consent (the form refuses them without it): an anonymous
    request gets nothing."""
    item = make_request()
    bring_to(item, Stage.CLOSED, world.users.district_admin)
    assert not Notification.objects.filter(kind="request_stage").exists()
