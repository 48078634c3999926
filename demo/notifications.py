"""Demo: a few inbox messages for the demo grid head and grid worker, and the reminders due now
(written by the same runner as the beat task)."""

from django.contrib.auth import get_user_model

from notifications.models import Notification
from notifications.services import notification_enqueue, reminders_run

MESSAGES = [
    (
        "demo-gridhead",
        "本周网格巡查安排",
        "请于周五前完成光明社区第一网格重点场所巡查，并在系统中上报发现的问题。",
    ),
    (
        "demo-gridhead",
        "党支部主题党日活动",
        "本月主题党日活动定于周六上午9:00在网格党群服务站举行，请通知支部党员参加。",
    ),
    (
        "demo-gridworker",
        "新诉求已派遣",
        "一件关于小区垃圾堆放的诉求已派遣给您，请在24小时内联系居民。",
    ),
]


def load_demo(*, rng, seed, stdout):
    if Notification.objects.filter(kind="demo.notice").exists():
        stdout.write("  notifications: already loaded")
        return
    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in={m[0] for m in MESSAGES})
    }
    for username, subject, body in MESSAGES:
        if username in users:
            notification_enqueue(
                kind="demo.notice",
                subject=subject,
                body=body,
                user=users[username],
                channels=["inbox"],
            )
    written = reminders_run()
    stdout.write(f"  notifications: {len(MESSAGES)} messages, {sum(written.values())} reminders")
