"""Django's message storage (cookie, then session), without the cost of a signer on every request.

CookieStorage builds its cookie signer in __init__, and MessageMiddleware builds a storage for
every request: on a cached page that was ≈ 0.05 ms of the request's Python for a signer that is
used only when a messages cookie comes in or a message goes out (issue 17). Here the signer is
built on first use; what is stored and read is Django's, unchanged.
"""

from functools import cached_property
from typing import Any

from django.contrib.messages.storage.base import BaseStorage
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.messages.storage.session import SessionStorage
from django.core import signing


class LazyCookieStorage(CookieStorage):
    key_salt: str  # CookieStorage's (the stubs do not declare it)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        BaseStorage.__init__(self, *args, **kwargs)

    @cached_property
    def signer(self) -> signing.Signer:
        return signing.get_cookie_signer(salt=self.key_salt)


class MessageStorage(FallbackStorage):
    storage_classes = (LazyCookieStorage, SessionStorage)
