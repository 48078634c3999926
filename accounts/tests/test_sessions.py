"""The session store (accounts.sessions): Django's database sessions read with a fixed statement —
the same data, the same refusal of an expired or unknown key."""

import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_it_is_the_session_engine():
    assert settings.SESSION_ENGINE == "accounts.sessions"


def test_it_reads_what_django_reads():
    stored = SessionStore()
    stored["greeting"] = "你好"
    stored["n"] = 3
    stored.save()
    key = stored.session_key
    assert (
        dict(SessionStore(key).load())
        == dict(DjangoStore(key).load())
        == {
            "greeting": "你好",
            "n": 3,
        }
    )


def test_an_expired_or_unknown_key_is_an_empty_session():
    stored = SessionStore()
    stored["a"] = 1
    stored.save()
    Session.objects.filter(session_key=stored.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    expired = SessionStore(stored.session_key)
    assert expired.load() == {} and expired.session_key is None
    unknown = SessionStore("x" * 32)
    assert unknown.load() == {} and unknown.session_key is None


def test_a_signed_in_page_and_signing_out(client, world):
    from conftest import login_verified

    login_verified(client, world.users.street_staff)
    assert client.get("/requests/queue/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/requests/queue/").status_code == 302
