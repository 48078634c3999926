"""Reminder kinds of the volunteer action (run by notifications.services.reminders_run)."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from core.periods import add_months
from notifications.registry import Reminder, reminder_kind
from volunteers import texts
from volunteers.conf import conf
from volunteers.models import Registration, SignUp

EXPIRY_NOTICE_DAYS = 14


@reminder_kind(
    "volunteers.signup_tomorrow",
    gettext_lazy("Volunteer activity tomorrow"),
    channels=("inbox", "sms"),
)
def signup_tomorrow(now):
    """Rule: each active sign-up for an activity that starts tomorrow (Asia/Shanghai) reminds
    the volunteer once, on the day before."""
    tomorrow = timezone.localdate(now) + datetime.timedelta(days=1)
    rows = (
        SignUp.objects.filter(
            status=SignUp.Status.SIGNED_UP,
            activity__starts_at__date=tomorrow,
            member__user__isnull=False,
        )
        .values_list("id", "member__user_id", "activity__title", "activity__starts_at")
        .order_by("id")
    )
    link = reverse("volunteers:mine")
    for pk, user_id, title, starts_at in rows.iterator(chunk_size=2000):
        yield Reminder(
            object_id=pk,
            recipient_id=user_id,
            period=tomorrow.isoformat(),
            subject=texts.TOMORROW(title=title),
            body=texts.TOMORROW_BODY(
                title=title, time=timezone.localtime(starts_at).strftime("%H:%M")
            ),
            link=link,
        )


@reminder_kind(
    "volunteers.registration_expiring",
    gettext_lazy("Registration to re-confirm"),
    channels=("inbox",),
)
def registration_expiring(now):
    """Rule: an approved registration that expires within 14 days (the validity period after the
    last confirmation, default six months) reminds the member once per expiry date."""
    today = timezone.localdate(now)
    months = conf.REGISTRATION_MONTHS
    # confirmed_on + months lies in [today, today + 14 days]  ⇔  confirmed_on in this window:
    earliest = add_months(today, -months)
    latest = add_months(today + datetime.timedelta(days=EXPIRY_NOTICE_DAYS), -months)
    rows = (
        Registration.objects.filter(
            status=Registration.Status.APPROVED,
            confirmed_on__gte=earliest,
            confirmed_on__lte=latest,
            member__user__isnull=False,
        )
        .values_list("id", "member__user_id", "confirmed_on")
        .order_by("id")
    )
    link = reverse("volunteers:mine")
    for pk, user_id, confirmed_on in rows.iterator(chunk_size=2000):
        expires = add_months(confirmed_on, months)
        yield Reminder(
            object_id=pk,
            recipient_id=user_id,
            period=expires.isoformat(),
            subject=texts.RECONFIRM(),
            body=texts.RECONFIRM_BODY(date=expires.isoformat()),
            link=link,
        )
