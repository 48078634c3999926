"""core.messages: Django's cookie-then-session message storage with the cookie signer built on
first use — a message still goes out in a signed cookie and comes back, and a forged cookie is
still refused."""

from django.contrib.messages import constants, get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.http import HttpResponse
from django.test import RequestFactory

from core.messages import MessageStorage


def _request(cookies=None):
    request = RequestFactory().get("/")
    request.COOKIES.update(cookies or {})
    request.session = SessionStore()
    return request


def test_a_message_round_trips_through_the_signed_cookie():
    request = _request()
    storage = MessageStorage(request)
    assert "signer" not in vars(storage.storages[0])  # nothing built for a request without one
    storage.add(constants.INFO, "已保存")
    response = HttpResponse()
    storage.update(response)
    cookie = response.cookies[CookieStorage.cookie_name].value
    assert cookie

    later = _request({CookieStorage.cookie_name: cookie})
    later._messages = MessageStorage(later)
    assert [str(m) for m in get_messages(later)] == ["已保存"]


def test_a_forged_cookie_gives_no_message():
    request = _request({CookieStorage.cookie_name: "forged:value"})
    request._messages = MessageStorage(request)
    assert list(get_messages(request)) == []


def test_the_site_uses_it(settings):
    assert settings.MESSAGE_STORAGE == "core.messages.MessageStorage"
