"""Lock-out after repeated failed logins (site login and admin login alike), and the same
counters for password reset requests and SMS codes, on core.ratelimit.

Failures are counted per username and per client address (core.ratelimit.client_address: the
address the trusted proxy saw) in fixed windows; after the limit, further attempts are refused,
even with the right password, until the window ends. A successful login clears the username's
count only: the address's count stays, so an attacker cannot reset it by logging in to an account
of their own between guesses. If the cache is unreachable the counters are skipped (staff can
still log in; the password check itself never depends on the cache).

`scope` keeps the counters of different forms apart: LOGIN (the default) for logins with
LOGIN_FAILURE_LIMIT per LOGIN_LOCKOUT_SECONDS, PASSWORD_RESET for reset requests and wrong SMS
codes with REDGRID_ACCOUNTS_PASSWORD_RESET_LIMIT.
"""

from django.conf import settings

from accounts.conf import conf
from core.ratelimit import Rate, rate_clear, rate_exceeded, rate_hit
from core.ratelimit import client_address as _client_address

LOGIN = "login"
PASSWORD_RESET = "password-reset"


def _rate(scope: str) -> Rate:
    if scope == PASSWORD_RESET:
        return Rate.of(conf.PASSWORD_RESET_LIMIT)
    return Rate(settings.LOGIN_FAILURE_LIMIT, settings.LOGIN_LOCKOUT_SECONDS)


def _username(username: str) -> str:
    return (username or "").strip().lower()


def client_address(request) -> str:
    return _client_address(request) if request is not None else ""


def is_locked_out(username: str, address: str, scope: str = LOGIN) -> bool:
    rate = _rate(scope)
    return rate_exceeded(f"{scope}-user", _username(username), rate) or rate_exceeded(
        f"{scope}-address", address, rate
    )


def record_failure(username: str, address: str, scope: str = LOGIN) -> None:
    rate = _rate(scope)
    rate_hit(f"{scope}-user", _username(username), rate)
    rate_hit(f"{scope}-address", address, rate)


def clear_failures(username: str, address: str) -> None:
    """After a successful login: the username's failures are forgotten, the address's are not
    (`address` is accepted for the callers' convenience and deliberately unused)."""
    rate_clear(f"{LOGIN}-user", _username(username), _rate(LOGIN))
