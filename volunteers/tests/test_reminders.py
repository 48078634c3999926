import datetime

from django.utils import timezone

from core.periods import add_months
from notifications.models import Notification
from notifications.services import reminders_run
from volunteers import services
from volunteers.tests.factories import ActivityFactory, RegistrationFactory


def test_signup_tomorrow_and_expiring_registration_remind_once(world, member):
    now = timezone.now()
    RegistrationFactory(
        member=member,
        grid=world.grids["A1a"],
        confirmed_on=add_months(timezone.localdate(), -6) + datetime.timedelta(days=5),
    )
    tomorrow = timezone.localtime(now).replace(hour=10, minute=0) + datetime.timedelta(days=1)
    activity = ActivityFactory(
        community=world.communities["A1"], starts_at=tomorrow, title="长者饭堂助餐"
    )
    services.signup_create(activity=activity, member=member)
    kinds = ["volunteers.signup_tomorrow", "volunteers.registration_expiring"]
    reminders_run(kinds=kinds, now=now)
    rows = Notification.objects.filter(recipient=world.users.party_member, kind__in=kinds)
    first = rows.count()
    reminders_run(kinds=kinds, now=now)  # a second run writes nothing new
    assert rows.count() == first
    by_kind = {}
    for row in rows:
        by_kind.setdefault(row.kind, []).append(row)
    assert len(by_kind["volunteers.signup_tomorrow"]) >= 1
    assert "长者饭堂助餐" in by_kind["volunteers.signup_tomorrow"][0].subject
    assert len(by_kind["volunteers.registration_expiring"]) == 1
