"""Django's CSRF secrets and masks, drawn with one call to the system's random source each.

Django draws each of a token's 32 characters with `secrets.choice`, one `os.urandom` system call
per character, and masks a secret by looking each character up in the alphabet. Every answer
with a form pays for it: a new visitor's page (a new secret and its mask) took 97 µs of
`get_token`, a known visitor's 55 µs — on the cached public status page, where the rest of the
answer is a few hundred microseconds of Python, that is a tenth of it (issue 17,
docs/benchmarks.md). Here the same strings, as uniformly and from the same source: bytes from
`secrets.token_bytes`, those at or past the largest multiple of the alphabet's size dropped (no
modulo bias), the rest mapped to the alphabet; the mask applied as Django applies it, so that
Django's own `_unmask_cipher_token` reads it. 1.4 µs and 6 µs.

`install()` (core.apps) puts them in place of `django.middleware.csrf._get_new_csrf_string` and
`_mask_cipher_secret`, which get_token, rotate_token and the middleware call by those names; it
refuses to start if Django no longer has them.
"""

import secrets

from django.middleware import csrf

CHARS = csrf.CSRF_ALLOWED_CHARS
LENGTH = csrf.CSRF_SECRET_LENGTH
_INDEX = {char: index for index, char in enumerate(CHARS)}
# A byte below _LIMIT stands for CHARS[byte % len(CHARS)]; one at or above it is dropped.
_LIMIT = 256 - 256 % len(CHARS)
_TABLE = bytes(ord(CHARS[byte % len(CHARS)]) if byte < _LIMIT else 0 for byte in range(256))
_DROPPED = bytes(range(_LIMIT, 256))


def csrf_string() -> str:
    """LENGTH characters of CHARS, each uniformly at random (django's _get_new_csrf_string)."""
    drawn = b""
    while len(drawn) < LENGTH:  # 40 bytes keep 38.75 on average: almost always one round
        drawn += secrets.token_bytes(LENGTH + 8).translate(_TABLE, _DROPPED)
    return drawn[:LENGTH].decode("ascii")


def mask_cipher_secret(secret: str) -> str:
    """The token for `secret`: a new mask, then each character of the secret shifted by the
    mask's (django's _mask_cipher_secret)."""
    mask = csrf_string()
    size = len(CHARS)
    return mask + "".join(
        [
            CHARS[(_INDEX[char] + _INDEX[shift]) % size]
            for char, shift in zip(secret, mask, strict=False)
        ]
    )


def install() -> None:
    replacements = {"_get_new_csrf_string": csrf_string, "_mask_cipher_secret": mask_cipher_secret}
    for name, function in replacements.items():
        if not callable(getattr(csrf, name, None)):
            raise RuntimeError(f"django.middleware.csrf.{name} is gone: review core/csrf.py")
        setattr(csrf, name, function)
