"""Proof of being the reporter of a request (issue 13 §4).

Reading a request's status with its tracking code stays open to anyone who has the code (the code
is in Open311, on SMS, read out on the phone). Acting on it — rating, which can reopen the case,
or posting an update — needs a proof that the tracking code alone does not give:

* the reporter's **secret**: eight characters drawn at submission, shown once on the success page
  next to the tracking code and kept in a long-lived, signed, HTTP-only cookie of the browser
  that submitted (so the same phone just rates, without typing anything). Only a keyed digest of
  it is stored (`Request.reporter_proof`);
* or the **last four digits of the phone** the reporter left.

Wrong proofs are limited per request and per address (requests_desk.throttle.proof_*): four
digits are only 10,000 guesses. An Open311 client proves it forwards the reporter by being the
client that submitted the request and naming the same reporter (e-mail, phone or account id).
"""

import hmac
import time

from privacy.crypto import blind_index
from requests_desk.models import Request, random_code

SECRET_LENGTH = 8
COOKIE = "rg_reporter"
COOKIE_SALT = "requests_desk.reporter"
COOKIE_SECONDS = 400 * 24 * 3600  # browsers cap cookies at 400 days
COOKIE_ENTRIES = 20  # the browser's latest requests


def new_secret() -> str:
    return random_code(SECRET_LENGTH)


def secret_digest(code: str, secret: str) -> str:
    return blind_index(f"rq-proof:{code}:{secret}")


def secret_matches(item: Request, secret: str) -> bool:
    secret = (secret or "").strip().upper().replace(" ", "")
    if not item.reporter_proof or len(secret) != SECRET_LENGTH:
        return False
    return hmac.compare_digest(item.reporter_proof, secret_digest(item.code, secret))


def phone_matches(item: Request, last_four: str) -> bool:
    last_four = (last_four or "").strip()
    phone = "".join(ch for ch in (item.reporter_phone or "") if ch.isdigit())
    if len(last_four) != 4 or not last_four.isdigit() or len(phone) < 4:
        return False
    return hmac.compare_digest(phone[-4:], last_four)


def typed_proof_matches(item: Request, typed: str) -> bool:
    """What a resident typed: their secret, or the last four digits of their phone."""
    typed = (typed or "").strip()
    return secret_matches(item, typed) or phone_matches(item, typed)


def identity_matches(item: Request, *, client, email="", phone="", account_id="") -> bool:
    """An Open311 client forwarding its user: the client that submitted `item`, naming the same
    reporter by e-mail, phone or account id."""
    if client is None or item.open311_client_id != client.pk:
        return False
    pairs = [
        ((email or "").strip().lower(), (item.reporter_email or "").strip().lower()),
        ((phone or "").strip(), (item.reporter_phone or "").strip()),
        ((account_id or "").strip(), (item.reporter_account_id or "").strip()),
    ]
    return any(given and stored and hmac.compare_digest(given, stored) for given, stored in pairs)


# --- The browser's cookie -------------------------------------------------------------------------


def cookie_secrets(http_request) -> dict[str, str]:
    """{tracking code: secret} of the requests this browser submitted."""
    value = http_request.get_signed_cookie(
        COOKIE, default=None, salt=COOKIE_SALT, max_age=COOKIE_SECONDS
    )
    entries = {}
    for pair in (value or "").split(","):
        code, _sep, secret = pair.partition(":")
        if code and len(secret) == SECRET_LENGTH:
            entries[code] = secret
    return entries


def cookie_proves(http_request, item: Request) -> bool:
    secret = cookie_secrets(http_request).get(item.code)
    return bool(secret) and secret_matches(item, secret)


def cookie_remember(response, http_request, *, code: str, secret: str, secure: bool) -> None:
    entries = cookie_secrets(http_request)
    entries.pop(code, None)
    entries[code] = secret
    kept = list(entries.items())[-COOKIE_ENTRIES:]
    response.set_signed_cookie(
        COOKIE,
        ",".join(f"{c}:{s}" for c, s in kept),
        salt=COOKIE_SALT,
        max_age=COOKIE_SECONDS,
        secure=secure,
        httponly=True,
        samesite="Lax",
    )


# --- The phone proved by an SMS code ("我的诉求", requests_desk.mine) -----------------------------

# The session holds the blind index of the phone whose SMS code was typed, and until when it
# counts: every request reported with that phone is then proved in this session (its status page
# shows the reporter's own words and photos, and it may be rated) — nowhere else.
SESSION_KEY = "rq_mine"


def session_phone_remember(http_request, *, phone_index: str, until: float) -> None:
    http_request.session.cycle_key()  # a fresh session id for a newly proved visitor
    http_request.session[SESSION_KEY] = {"phone": phone_index, "until": until}


def session_phone(http_request) -> str:
    """The blind index of the phone this session proved, while the proof lasts ('' otherwise)."""
    session = getattr(http_request, "session", None)
    entry = session.get(SESSION_KEY) if session is not None else None
    if not isinstance(entry, dict) or float(entry.get("until") or 0) < time.time():
        return ""
    return str(entry.get("phone") or "")


def session_phone_forget(http_request) -> None:
    http_request.session.pop(SESSION_KEY, None)


def session_proves(http_request, item: Request) -> bool:
    phone = session_phone(http_request)
    return (
        bool(phone)
        and bool(item.reporter_phone_index)
        and (hmac.compare_digest(phone, item.reporter_phone_index))
    )


def visitor_proves(http_request, item: Request) -> bool:
    """Whether the visitor has proved being `item`'s reporter without typing anything now: the
    browser that submitted it (cookie), or a session that proved the phone with an SMS code."""
    return cookie_proves(http_request, item) or session_proves(http_request, item)
