"""Lock-out after repeated failed logins (site login and admin login alike), and the same
counters for password reset requests and SMS codes.

Failures are counted per username and per client address in the shared cache; after
LOGIN_FAILURE_LIMIT failures within LOGIN_LOCKOUT_SECONDS further attempts are refused, even with
the right password, until the window passes. If the cache is unreachable the counters are skipped
(staff can still log in; the password check itself never depends on the cache).

`scope` keeps the counters of different forms apart: "login-fail" (the default) for logins,
"password-reset" for reset requests and wrong SMS codes, with their own limit and window.
"""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)


LOGIN = "login-fail"
PASSWORD_RESET = "password-reset"


def _keys(username: str, address: str, scope: str = LOGIN) -> list[str]:
    digest = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:32]
    return [f"{scope}:user:{digest}", f"{scope}:addr:{address}"]


def _limits(scope: str) -> tuple[int, int]:
    if scope == PASSWORD_RESET:
        from accounts.conf import conf

        return conf.PASSWORD_RESET_LIMIT
    return settings.LOGIN_FAILURE_LIMIT, settings.LOGIN_LOCKOUT_SECONDS


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


def is_locked_out(username: str, address: str, scope: str = LOGIN) -> bool:
    try:
        return _is_locked_out(username, address, scope)
    except Exception as exc:  # noqa: BLE001 - cache outage: do not lock everybody out
        logger.warning("login lock-out check skipped, cache unavailable: %s", type(exc).__name__)
        return False


def _is_locked_out(username: str, address: str, scope: str) -> bool:
    limit, _seconds = _limits(scope)
    return any((cache.get(key) or 0) >= limit for key in _keys(username, address, scope))


def record_failure(username: str, address: str, scope: str = LOGIN) -> None:
    try:
        _record_failure(username, address, scope)
    except Exception as exc:  # noqa: BLE001
        logger.warning("login failure not counted, cache unavailable: %s", type(exc).__name__)


def _record_failure(username: str, address: str, scope: str) -> None:
    _limit, seconds = _limits(scope)
    for key in _keys(username, address, scope):
        if cache.add(key, 1, seconds):
            continue
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, seconds)


def clear_failures(username: str, address: str) -> None:
    try:
        cache.delete_many(_keys(username, address))
    except Exception as exc:  # noqa: BLE001
        logger.warning("login failures not cleared, cache unavailable: %s", type(exc).__name__)
