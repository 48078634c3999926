"""Lock-out after repeated failed logins (site login and admin login alike).

Failures are counted per username and per client address in the shared cache; after
LOGIN_FAILURE_LIMIT failures within LOGIN_LOCKOUT_SECONDS further attempts are refused, even with
the right password, until the window passes. If the cache is unreachable the counters are skipped
(staff can still log in; the password check itself never depends on the cache).
"""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)


def _keys(username: str, address: str) -> list[str]:
    digest = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
    return [f"login-fail:user:{digest}", f"login-fail:addr:{address}"]


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


def is_locked_out(username: str, address: str) -> bool:
    try:
        return _is_locked_out(username, address)
    except Exception as exc:  # noqa: BLE001 - cache outage: do not lock everybody out
        logger.warning("login lock-out check skipped, cache unavailable: %s", type(exc).__name__)
        return False


def _is_locked_out(username: str, address: str) -> bool:
    return any(
        (cache.get(key) or 0) >= settings.LOGIN_FAILURE_LIMIT for key in _keys(username, address)
    )


def record_failure(username: str, address: str) -> None:
    try:
        _record_failure(username, address)
    except Exception as exc:  # noqa: BLE001
        logger.warning("login failure not counted, cache unavailable: %s", type(exc).__name__)


def _record_failure(username: str, address: str) -> None:
    for key in _keys(username, address):
        if cache.add(key, 1, settings.LOGIN_LOCKOUT_SECONDS):
            continue
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, settings.LOGIN_LOCKOUT_SECONDS)


def clear_failures(username: str, address: str) -> None:
    try:
        cache.delete_many(_keys(username, address))
    except Exception as exc:  # noqa: BLE001
        logger.warning("login failures not cleared, cache unavailable: %s", type(exc).__name__)
