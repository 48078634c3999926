"""“我的诉求” (My requests): a resident who left a phone number lists all their requests with a
6-digit SMS code — no account, nothing but the browser session.

1. The resident types their phone (`code_request`). Whether that phone reported anything or not,
   the answer is the same ("if this number reported requests, a code is on its way") and the page
   asks for the code: nobody learns from the site whether a number is known. The code is only
   sent when the phone has requests (no SMS to strangers' numbers), straight through the SMS
   gateway (notifications.sms), never through the outbox, which is kept and readable in the
   admin. Codes asked for are limited per phone and per client address (core.ratelimit).
2. The session holds the challenge: the phone's blind index, a keyed digest of the code (none
   when the phone has no requests: every code is then wrong), its end (MINE_CODE_SECONDS) and the
   wrong tries left (MINE_CODE_TRIES). The code itself is never stored.
3. The right code (`code_check`) proves the phone in this session for MINE_SESSION_SECONDS
   (requests_desk.proof.session_phone_remember, with a new session id): the list of the phone's
   requests, and on each one's status page the reporter's own view and the rating without typing
   a proof.
"""

import hmac
import logging
import secrets
import time

from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from core.ratelimit import Rate, rate_hit
from notifications.sms import sms_backend
from privacy.crypto import blind_index
from requests_desk import proof, selectors
from requests_desk.conf import conf
from requests_desk.models import random_code

logger = logging.getLogger(__name__)

CHALLENGE_KEY = "rq_mine_challenge"
CODE_DIGITS = 6


class TooMany(Exception):
    """Too many codes asked for this phone or from this address; `minutes` to wait."""

    def __init__(self, minutes: int):
        super().__init__(minutes)
        self.minutes = minutes


def phone_index(phone: str) -> str:
    return blind_index(phone.strip())


def _digest(session_key: str, index: str, code: str) -> str:
    return salted_hmac("requests_desk.mine", f"{session_key}:{index}:{code}").hexdigest()


def code_request(http_request, *, phone: str, ip: str) -> None:
    """Start a challenge for `phone` in this session, and send the code when the phone has
    requests. Raises TooMany when this phone or address asked too often."""
    index = phone_index(phone)
    for scope, key, setting in (
        ("rq-mine-ip", ip, conf.RATE_LIMIT_MINE_PER_IP),
        ("rq-mine-phone", index, conf.RATE_LIMIT_MINE_PER_PHONE),
    ):
        rate = Rate.of(setting)
        if not rate_hit(scope, key, rate):
            raise TooMany(rate.minutes)
    session = http_request.session
    if session.session_key is None:
        session.save()  # the digest is bound to this session's key
    code = random_code(CODE_DIGITS, "0123456789")
    known = selectors.phone_requests(index).exists()
    session[CHALLENGE_KEY] = {
        "phone": index,
        "digest": _digest(session.session_key, index, code) if known else "",
        "until": time.time() + conf.MINE_CODE_SECONDS,
        "tries": conf.MINE_CODE_TRIES,
    }
    if known:
        text = _(
            "Your RedGrid code is %(code)s (valid %(minutes)s minutes). It shows the requests you "
            "reported; do not give it to anyone."
        ) % {"code": code, "minutes": max(1, conf.MINE_CODE_SECONDS // 60)}
        # Through the worker, not here: a gateway call on the request path would make the page
        # answer later for a phone that has requests than for one that has none (a timing oracle).
        from requests_desk.tasks import mine_code_send

        try:
            mine_code_send.delay(phone.strip(), text)
        except Exception as exc:  # noqa: BLE001 - same answer whatever the broker says
            logger.warning("my-requests code not queued: %s", type(exc).__name__)


def code_send(*, phone: str, text: str) -> None:
    """Send one code by SMS (the worker's half of code_request)."""
    try:
        sms_backend().send(phone, text, message_id=f"rq-mine-{secrets.token_hex(6)}")
    except Exception as exc:  # noqa: BLE001 - the resident asks again; nothing to retry here
        logger.warning("my-requests code not sent: %s", type(exc).__name__)


def challenge(http_request) -> dict | None:
    """The running challenge of this session, or None (none, or past its end)."""
    entry = http_request.session.get(CHALLENGE_KEY)
    if not isinstance(entry, dict) or float(entry.get("until") or 0) < time.time():
        return None
    return entry


def code_check(http_request, *, code: str) -> bool | None:
    """True: the code was right, the phone is proved in this session. False: wrong, tries
    remain. None: no challenge any more (ended, expired or out of tries): ask for a new code."""
    session = http_request.session
    entry = challenge(http_request)
    if entry is None:
        session.pop(CHALLENGE_KEY, None)
        return None
    code = (code or "").strip()
    expected = entry.get("digest") or ""
    given = _digest(session.session_key or "", entry["phone"], code)
    if expected and hmac.compare_digest(expected, given):
        session.pop(CHALLENGE_KEY, None)
        proof.session_phone_remember(
            http_request, phone_index=entry["phone"], until=time.time() + conf.MINE_SESSION_SECONDS
        )
        return True
    entry["tries"] = int(entry.get("tries") or 0) - 1
    if entry["tries"] <= 0:
        session.pop(CHALLENGE_KEY, None)
        return None
    session[CHALLENGE_KEY] = entry
    return False


def leave(http_request) -> None:
    http_request.session.pop(CHALLENGE_KEY, None)
    proof.session_phone_forget(http_request)
