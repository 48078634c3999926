"""Abuse limits of the requests desk's public side, on core.ratelimit (fixed windows, the client
address from the trusted proxy, fail open when the cache is down — see that module).

    submissions   per client address and per phone number (RATE_LIMIT_PER_IP / _PER_PHONE)
    status        the public status page and the tracking-code lookup, per address: every look
                  generously (RATE_LIMIT_STATUS), looks at unknown codes strictly
                  (RATE_LIMIT_STATUS_MISSES): codes cannot be enumerated
    proof         wrong proofs of being the reporter (rating, Open311 updates), per request and
                  per address (RATE_LIMIT_PROOF): the last four digits of a phone are only
                  10,000 guesses, so a request takes a handful of wrong ones a day
    support       "+1": once a day per address and request
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.ratelimit import (
    Rate,
    rate_exceeded,
    rate_hit,
    rate_hit_then,
    rate_hit_unless_exceeded,
    rate_hit_unless_exceeded_and_get,
)
from requests_desk.conf import conf


def submission_allow(*, ip: str, phone: str = "") -> None:
    """Count a submission; raise ValidationError when this address or phone sent too many."""
    ip_rate, phone_rate = Rate.of(conf.RATE_LIMIT_PER_IP), Rate.of(conf.RATE_LIMIT_PER_PHONE)
    phone = (phone or "").strip()
    # The address counted, the phone's window read and (when neither refuses) counted: one
    # Redis round trip (issue 17).
    ip_allowed, phone_allowed = rate_hit_then(
        ("rq-submit-ip", ip, ip_rate), ("rq-submit-phone", phone, phone_rate)
    )
    phone_refused = not phone_allowed
    if phone_refused:
        raise ValidationError(
            _(
                "Too many requests from this phone number. Please try again "
                "in %(minutes)s minutes or call 12345."
            )
            % {"minutes": phone_rate.minutes},
            code="rate_phone",
        )
    if not ip_allowed:
        raise ValidationError(
            _(
                "Too many requests from your network. Please try again in "
                "%(minutes)s minutes or call 12345."
            )
            % {"minutes": ip_rate.minutes},
            code="rate_ip",
        )


def status_allow(*, ip: str) -> bool:
    """Count one look at a status page (or one code lookup) from this address; False once the
    address used up its looks, or its looks at unknown codes (guessing), for the window."""
    return rate_hit_unless_exceeded(
        ("rq-status", ip, Rate.of(conf.RATE_LIMIT_STATUS)),
        ("rq-status-miss", ip, Rate.of(conf.RATE_LIMIT_STATUS_MISSES)),
    )


def status_allow_and_get(*, ip: str, key: str) -> tuple[bool, Any]:
    """status_allow, and the cached value of `key` (the stored status page) read in the same
    Redis round trip."""
    return rate_hit_unless_exceeded_and_get(
        ("rq-status", ip, Rate.of(conf.RATE_LIMIT_STATUS)),
        ("rq-status-miss", ip, Rate.of(conf.RATE_LIMIT_STATUS_MISSES)),
        get=key,
    )


def status_missed(*, ip: str) -> None:
    """A look at a tracking code that does not exist."""
    rate_hit("rq-status-miss", ip, Rate.of(conf.RATE_LIMIT_STATUS_MISSES))


def proof_blocked(*, code: str, ip: str) -> bool:
    """Whether this request, or this address, has used up its wrong proofs for now."""
    rate = Rate.of(conf.RATE_LIMIT_PROOF)
    return rate_exceeded("rq-proof-case", code, rate) or rate_exceeded("rq-proof-ip", ip, rate)


def proof_failed(*, code: str, ip: str) -> None:
    rate = Rate.of(conf.RATE_LIMIT_PROOF)
    rate_hit("rq-proof-case", code, rate)
    rate_hit("rq-proof-ip", ip, rate)


def support_allow(*, ip: str, code: str) -> bool:
    """A given address may "+1" a given request once a day."""
    return rate_hit("rq-support", f"{ip}:{code}", Rate(1, 86400))
