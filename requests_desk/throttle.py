"""Abuse limits for public submissions: per client address and per phone number, in the cache.

The limits fail open: when the cache (Redis) is unreachable a resident's report is still taken —
losing a report is worse than letting a few extra through for the minutes Redis is down.
"""

import functools
import hashlib
import logging

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from requests_desk.conf import conf

logger = logging.getLogger(__name__)


def _fail_open(default):
    def decorator(fn):
        @functools.wraps(fn)
        def wrapped(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except ValidationError:
                raise
            except Exception as exc:  # noqa: BLE001 - any cache outage: allow, and say so in the log
                logger.warning("rate limit skipped, cache unavailable: %s", type(exc).__name__)
                return default

        return wrapped

    return decorator


def _key(kind: str, value: str) -> str:
    return f"requests-rate:{kind}:{hashlib.sha256(value.encode()).hexdigest()[:32]}"


def _hit(key: str, limit: int, seconds: int) -> bool:
    """Count one submission; False when the limit was already reached."""
    if cache.add(key, 1, seconds):
        return True
    current = cache.get(key) or 0
    if current >= limit:
        return False
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, seconds)
    return True


@_fail_open(None)
def submission_allow(*, ip: str, phone: str = "") -> None:
    """Raise ValidationError when this address or phone sent too many requests recently."""
    ip_limit, ip_seconds = conf.RATE_LIMIT_PER_IP
    phone_limit, phone_seconds = conf.RATE_LIMIT_PER_PHONE
    if phone:
        key = _key("phone", phone.strip())
        if (cache.get(key) or 0) >= phone_limit:
            raise ValidationError(
                _(
                    "Too many requests from this phone number. Please try again "
                    "in %(minutes)s minutes or call 12345."
                )
                % {"minutes": phone_seconds // 60},
                code="rate_phone",
            )
    if ip and not _hit(_key("ip", ip), ip_limit, ip_seconds):
        raise ValidationError(
            _(
                "Too many requests from your network. Please try again in "
                "%(minutes)s minutes or call 12345."
            )
            % {"minutes": ip_seconds // 60},
            code="rate_ip",
        )
    if phone:
        _hit(_key("phone", phone.strip()), phone_limit, phone_seconds)


@_fail_open(True)
def support_allow(*, ip: str, code: str) -> bool:
    """A given address may "+1" a given request once a day."""
    return cache.add(_key("support", f"{ip}:{code}"), 1, 86400)
