"""Encryption at rest for sensitive personal data (PIPL; DOMAIN.md §5).

Values are encrypted with Fernet (AES-128-CBC + HMAC-SHA256) using the keys in REDGRID_FIELD_KEYS:
the first key encrypts, every listed key decrypts, so keys rotate without downtime (see
docs/configuration.md: add the new key first, run `manage.py rotate_field_keys --commit`, then drop
the old key). Lookups on an encrypted value (duplicate ID numbers) use a keyed blind index (HMAC),
never the plaintext.
"""

import base64
import hashlib
import hmac
import unicodedata
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


@cache
def _fernet() -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in settings.REDGRID_FIELD_KEYS])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "REDGRID_FIELD_KEYS must be Fernet keys (urlsafe base64 of 32 bytes); generate one "
            "with: python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'"
        ) from exc


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "A stored value cannot be decrypted with REDGRID_FIELD_KEYS (was a key removed?)."
        ) from exc


def rotate(token: str) -> str:
    return _fernet().rotate(token.encode()).decode()


@cache
def _blind_index_key() -> bytes:
    configured = settings.REDGRID_BLIND_INDEX_KEY
    if configured:
        return configured.encode()
    # Derived from the oldest field key, which stays in the list during a rotation.
    return hashlib.sha256(
        b"redgrid-blind-index:" + settings.REDGRID_FIELD_KEYS[-1].encode()
    ).digest()


def blind_index(value: str) -> str:
    """A keyed digest for equality lookups on an encrypted value (normalised: trimmed, upper)."""
    normalised = value.strip().upper().encode()
    digest = hmac.new(_blind_index_key(), normalised, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode()


def text_index(value: str) -> str:
    """The blind index of free text such as an address, compared by its normal form: full-width
    characters folded (NFKC: "３栋" is "3栋"), all whitespace removed, upper case. Only equal
    normal forms match — an encrypted value cannot be searched by a part of it."""
    normal = "".join(unicodedata.normalize("NFKC", value or "").split())
    return blind_index("text:" + normal) if normal else ""


class EncryptedTextField(models.TextField):
    """A text field stored encrypted; Python code sees the plaintext.

    Never filter on it (the ciphertext differs each time); keep a blind index beside it instead.
    """

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt(value)


def seal(data: bytes, *, context: str) -> str:
    """`data` encrypted and authenticated with the field key, bound to `context` (who and what
    it is for): an uploaded sheet kept by the browser between an import's preview and its
    commit, so that no copy of it is stored on the server."""
    return _fernet().encrypt(context.encode() + b"\0" + data).decode()


def unseal(token: str, *, context: str, max_age: int) -> bytes | None:
    """The data of a `seal` token made for `context` at most `max_age` seconds ago, or None
    (tampered with, made for someone or something else, or too old)."""
    try:
        plain = _fernet().decrypt(token.encode(), ttl=max_age)
    except (InvalidToken, TypeError, ValueError):
        return None
    prefix = context.encode() + b"\0"
    return plain[len(prefix) :] if plain.startswith(prefix) else None
