"""Alerts of new public reports in an area, by e-mail or SMS, for residents without an account.

    alert_subscribe(*, area, contact) -> None      double opt-in: a confirmation link goes to the
                                                   address; the answer never says whether it was
                                                   already subscribed (no enumeration)
    alert_confirm(token) -> AreaAlert | None       the link from that message (signed, expiring)
    alert_unsubscribe(token) -> bool               the one-click link in every alert (signed)
    alert_of_stop_token(token) -> AreaAlert | None the subscription that link names
    alerts_for_new_request(*, case) -> int         queue the alerts of a new listed request

Everything is sent through the notifications outbox (notification_enqueue). An alert says what
requests_desk.public lets anyone see: category, community, stage, the masked description, the
status page — never the reporter. Abuse limits (core.ratelimit): subscriptions per client address
and per address (REDGRID_REQUESTS_DESK_RATE_LIMIT_ALERT_SUBSCRIBE), alerts per subscription
per day (ALERTS_PER_DAY): a busy area cannot flood a phone.
"""

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.change_marks import MarkedValue
from core.phones import MOBILE_PHONE
from core.ratelimit import Rate, rate_hit
from notifications.services import notification_enqueue
from privacy.crypto import blind_index
from requests_desk import public
from requests_desk.conf import conf
from requests_desk.models import AreaAlert, Request
from requests_desk.notices import absolute_link, status_link

CONFIRM_SALT = "requests_desk.alert_confirm"
STOP_SALT = "requests_desk.alert_stop"
CONFIRM_MAX_AGE = 3 * 24 * 3600


def parse_contact(contact: str) -> tuple[str, str]:
    """(channel, address) of what a resident typed: a mainland mobile number or an e-mail
    address; ValidationError otherwise."""
    contact = (contact or "").strip()
    if MOBILE_PHONE.match(contact):
        return AreaAlert.Channel.SMS, contact
    try:
        if len(contact) > 200:
            raise ValidationError("too long")
        validate_email(contact)
    except ValidationError as exc:
        raise ValidationError(
            {"contact": _("Enter an e-mail address or an 11-digit mainland mobile number.")}
        ) from exc
    return AreaAlert.Channel.EMAIL, contact.lower()


def _send(alert: AreaAlert, *, kind: str, subject: str, body: str, link: str, urgent: bool):
    to = {"email": alert.address} if alert.channel == AreaAlert.Channel.EMAIL else {}
    if alert.channel == AreaAlert.Channel.SMS:
        to = {"phone": alert.address}
    notification_enqueue(kind=kind, subject=subject, body=body, link=link, urgent=urgent, **to)


def confirm_token(alert: AreaAlert) -> str:
    return signing.dumps([alert.pk, alert.address_index[:12]], salt=CONFIRM_SALT)


def stop_token(alert: AreaAlert) -> str:
    """The unsubscribe link's token: signed (SECRET_KEY), bound to the subscription and its
    address; it cannot be made for another subscription."""
    return signing.dumps([alert.pk, alert.address_index[:12]], salt=STOP_SALT)


def _alert_of(token: str, salt: str, max_age=None) -> AreaAlert | None:
    try:
        pk, index = signing.loads(token or "", salt=salt, max_age=max_age)
        pk = int(pk)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    alert = AreaAlert.objects.filter(pk=pk).first()
    if alert is None or alert.address_index[:12] != index:
        return None
    return alert


def subscribe_allowed(*, ip: str, contact: str) -> bool:
    """Count one subscription from this client address and for this contact address."""
    rate = Rate.of(conf.RATE_LIMIT_ALERT_SUBSCRIBE)
    by_ip = rate_hit("rq-alert-ip", ip, rate)
    by_contact = rate_hit("rq-alert-contact", blind_index((contact or "").strip().lower()), rate)
    return by_ip and by_contact


@transaction.atomic
def alert_subscribe(*, area, contact: str) -> None:
    """Ask `contact` to confirm alerts for `area` (a transparency.Area). Silent about whether the
    address already is subscribed: a confirmed one gets nothing new, a pending one the link
    again. ValidationError for an address that is neither a mobile number nor an e-mail."""
    channel, address = parse_contact(contact)
    index = blind_index(address)
    alert = AreaAlert.objects.filter(
        area_code=area.code, channel=channel, address_index=index
    ).first()
    if alert is None:
        alert = AreaAlert(
            area_code=area.code, channel=channel, address=address, address_index=index
        )
        try:
            with transaction.atomic():
                alert.save()
        except IntegrityError:  # the same address at the same moment
            return
    if alert.confirmed_at is not None:
        return
    link = absolute_link(reverse("areas:alert_confirm", args=[confirm_token(alert)]))
    _send(
        alert,
        kind="area_alert_confirm",
        subject=_("Confirm alerts for %(area)s") % {"area": area.name},
        body=_(
            "Someone asked for alerts of new public reports in %(area)s at this address. "
            "To receive them, open %(link)s within 3 days. If it was not you, ignore this message."
        )
        % {"area": area.name, "link": link},
        link=link,
        urgent=True,
    )


def alert_confirm(token: str) -> AreaAlert | None:
    alert = _alert_of(token, CONFIRM_SALT, CONFIRM_MAX_AGE)
    if alert is not None and alert.confirmed_at is None:
        alert.confirmed_at = timezone.now()
        alert.save(update_fields=["confirmed_at"])
    return alert


def alert_of_stop_token(token: str) -> AreaAlert | None:
    """The subscription an unsubscribe link names, or None (forged, or already stopped)."""
    return _alert_of(token, STOP_SALT)


def alert_unsubscribe(token: str) -> bool:
    alert = _alert_of(token, STOP_SALT)
    if alert is None:
        return False
    alert.delete()
    return True


# The area alerts' change mark (migration requests_desk 0014: triggers on the alerts table), as a
# scalar subquery a caller may put into a statement it makes anyway (requests_desk.services).
ALERTS_MARK_SQL = "(SELECT version FROM requests_desk_alerts_mark)"


def _alerted_areas_read(today) -> frozenset[str]:
    """The codes of the areas that have a confirmed subscriber (no address: those are read only
    when a new request is in such an area)."""
    return frozenset(
        AreaAlert.objects.filter(confirmed_at__isnull=False)
        .values_list("area_code", flat=True)
        .distinct()
    )


# Per process: the areas with confirmed subscribers, kept while the alerts' mark stays.
_alerted_areas = MarkedValue(_alerted_areas_read, mark_sql=ALERTS_MARK_SQL)


def _area_codes(case: Request) -> list[str]:
    codes = [case.street.code, case.community.code]
    if case.grid_id:
        codes.append(case.grid.code)
    return codes


def alerts_wanted(*, case: Request, mark: int | None) -> bool:
    """Whether a new request may have alerts to queue: it is listed and, as far as the alerts'
    change `mark` tells, its grid, community or street has a confirmed subscriber (True
    without a mark). False: alerts_for_new_request would queue nothing."""
    if not public.is_listed(case):
        return False
    if mark is None:
        return True
    return not _alerted_areas.get(mark, timezone.localdate()).isdisjoint(_area_codes(case))


def alerts_for_new_request(*, case: Request, mark: int | None = None) -> int:
    """Queue the alerts of a new request to the confirmed subscribers of its grid, community and
    street — only for a request the public may see (requests_desk.public.is_listed), with what
    public.py shows of it. One query for the subscribers, one outbox row each. A caller that
    read the alerts' change mark (ALERTS_MARK_SQL) in a statement of its own passes it as
    `mark`: an area without subscribers then costs no query (most areas, most of the time)."""
    if not alerts_wanted(case=case, mark=mark):
        return 0
    codes = _area_codes(case)
    alerts = list(AreaAlert.objects.filter(area_code__in=codes, confirmed_at__isnull=False))
    if not alerts:
        return 0
    shown = public.public_case(case)
    link = status_link(case)
    rate = Rate(conf.ALERTS_PER_DAY, 86400)
    sent = 0
    seen = set()
    for alert in alerts:
        key = (alert.channel, alert.address_index)
        if key in seen or not rate_hit("rq-alert-sent", f"{alert.pk}", rate):
            continue
        seen.add(key)
        stop = absolute_link(reverse("areas:alert_stop", args=[stop_token(alert)]))
        description = (shown.description or "")[:80]
        _send(
            alert,
            kind="area_alert",
            subject=_("New report in %(place)s: %(category)s")
            % {"place": shown.community_name, "category": shown.category_name},
            body=_("%(description)s Follow it at %(link)s · Stop these alerts: %(stop)s")
            % {"description": description, "link": link, "stop": stop},
            link=link,
            urgent=False,
        )
        sent += 1
    return sent
