"""Lock-out after repeated failed logins (site login and admin login alike), on core.ratelimit.

Failures are counted per username and per client address (core.ratelimit.client_address: the
address the trusted proxy saw) in fixed windows of LOGIN_LOCKOUT_SECONDS; after
LOGIN_FAILURE_LIMIT failures in a window further attempts are refused, even with the right
password, until the window ends. A successful login clears the username's count only: the
address's count stays, so an attacker cannot reset it by logging in to an account of their own
between guesses. If the cache is unreachable the counters are skipped (staff can still log in;
the password check itself never depends on the cache).
"""

from django.conf import settings

from core.ratelimit import Rate, rate_clear, rate_exceeded, rate_hit
from core.ratelimit import client_address as _client_address


def _rate() -> Rate:
    return Rate(settings.LOGIN_FAILURE_LIMIT, settings.LOGIN_LOCKOUT_SECONDS)


def _username(username: str) -> str:
    return (username or "").strip().lower()


def client_address(request) -> str:
    return _client_address(request)


def is_locked_out(username: str, address: str) -> bool:
    rate = _rate()
    return rate_exceeded("login-user", _username(username), rate) or rate_exceeded(
        "login-address", address, rate
    )


def record_failure(username: str, address: str) -> None:
    rate = _rate()
    rate_hit("login-user", _username(username), rate)
    rate_hit("login-address", address, rate)


def clear_failures(username: str, address: str) -> None:
    """After a successful login: the username's failures are forgotten, the address's are not
    (`address` is accepted for the callers' convenience and deliberately unused)."""
    rate_clear("login-user", _username(username), _rate())
