"""“我的诉求”: a resident lists the requests of the phone they left with a 6-digit SMS code —
no account, bound to the browser session, short-lived; limited per phone and per address; the
same answer whether the phone reported anything or not. Attack tests over HTTP."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from notifications.sms import LocmemSmsBackend
from requests_desk.models import Rating, Stage
from requests_desk.tests.test_flow import bring_to

URL = reverse("requests_desk:mine")
PHONE = "13812345678"


@pytest.fixture(autouse=True)
def sms(settings):
    settings.REDGRID_SMS_BACKEND = "notifications.sms.LocmemSmsBackend"
    LocmemSmsBackend.outbox.clear()
    return LocmemSmsBackend.outbox


@pytest.fixture
def reported(world, make_request):
    first = make_request(reporter_phone=PHONE, consent=True, description="东门路灯不亮已经一周")
    second = make_request(
        grid="B2b", code="E0103", reporter_phone=PHONE, consent=True, description="垃圾没清理"
    )
    someone_else = make_request(grid="A1b", reporter_phone="13900001111", consent=True)
    return first, second, someone_else


def ask_code(client, phone=PHONE, ip="10.0.0.1"):
    return client.post(URL, {"step": "phone", "phone": phone}, REMOTE_ADDR=ip)


def code_in(sms):
    return re.search(r"\b(\d{6})\b", sms[-1]["text"]).group(1)


def test_the_resident_lists_their_requests_with_the_sms_code(client, reported, sms):
    first, second, someone_else = reported
    assert ask_code(client).status_code == 302
    assert len(sms) == 1 and sms[0]["phone"] == PHONE
    assert "验证码" in sms[0]["text"] or "code" in sms[0]["text"]
    page = client.get(URL).content.decode()
    assert "如果该号码反映过诉求" in page and 'name="code"' in page
    response = client.post(URL, {"step": "code", "code": code_in(sms)})
    assert response.status_code == 302
    page = client.get(URL).content.decode()
    assert first.code in page and second.code in page and someone_else.code not in page
    assert reverse("requests_desk:status", args=[first.code]) in page
    assert first.category.label in page and first.get_stage_display() in page
    assert client.get(URL)["Cache-Control"] == "private, no-store"
    # The proof covers their status pages: their own words there, and the rating without a key.
    page = client.get(reverse("requests_desk:status", args=[first.code])).content.decode()
    assert "东门路灯不亮已经一周" in page
    page = client.get(reverse("requests_desk:status", args=[someone_else.code])).content.decode()
    assert 'id="own"' not in page
    # "Done" ends it.
    client.post(URL, {"step": "leave"})
    assert first.code not in client.get(URL).content.decode()


def test_the_proof_lets_them_rate(client, world, reported, sms):
    first = bring_to(reported[0], Stage.CLOSED, world.users.district_admin)
    ask_code(client)
    client.post(URL, {"step": "code", "code": code_in(sms)})
    assert "等待您的评价" in client.get(URL).content.decode()
    page = client.get(reverse("requests_desk:status", args=[first.code])).content.decode()
    assert 'name="score"' in page and 'name="proof"' not in page
    response = client.post(reverse("requests_desk:rate", args=[first.code]), {"score": 5})
    assert response.status_code == 302 and Rating.objects.get().request == first


def test_the_same_answer_whether_the_phone_reported_or_not(client, reported, sms):
    """No enumeration: the same redirect, message and page; only a known phone gets an SMS."""
    known = ask_code(client, PHONE)
    known_page = client.get(URL).content.decode()
    other = Client()
    unknown = ask_code(other, "13700000000", ip="10.0.0.2")
    unknown_page = other.get(URL).content.decode()
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)

    def strip(page):
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)

    assert strip(known_page) == strip(unknown_page)
    assert [m["phone"] for m in sms] == [PHONE]
    # Every code is wrong for the unknown phone, with the same message as a wrong code.
    response = other.post(URL, {"step": "code", "code": code_in(sms)})
    assert response.status_code == 400 and "验证码不正确" in response.content.decode()


def test_the_code_is_bound_to_the_session_that_asked_for_it(client, reported, sms):
    ask_code(client)
    thief = Client()
    response = thief.post(URL, {"step": "code", "code": code_in(sms)})
    assert reported[0].code not in thief.get(URL).content.decode()
    assert response.status_code == 302  # "ask for a new one"
    # A session cookie forged from nothing proves nothing either.
    thief.cookies["sessionid"] = "x" * 32
    assert reported[0].code not in thief.get(URL).content.decode()


def test_wrong_codes_end_the_code_after_five_tries(client, reported, sms):
    ask_code(client)
    right = code_in(sms)
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(4):
        response = client.post(URL, {"step": "code", "code": wrong})
        assert response.status_code == 400
    client.post(URL, {"step": "code", "code": wrong})  # the fifth ends it
    response = client.post(URL, {"step": "code", "code": right}, follow=True)
    page = response.content.decode()
    assert "验证码已失效" in page and reported[0].code not in page


def test_the_code_expires(client, reported, sms, time_machine):
    ask_code(client)
    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=11))
    response = client.post(URL, {"step": "code", "code": code_in(sms)}, follow=True)
    assert reported[0].code not in response.content.decode()
    assert 'name="phone"' in response.content.decode()


def test_the_list_lasts_half_an_hour(client, reported, sms, time_machine):
    ask_code(client)
    client.post(URL, {"step": "code", "code": code_in(sms)})
    assert reported[0].code in client.get(URL).content.decode()
    time_machine.move_to(timezone.now() + datetime.timedelta(minutes=31))
    assert reported[0].code not in client.get(URL).content.decode()


def test_codes_are_limited_per_phone_and_per_address(client, reported, sms):
    for _ in range(3):
        assert ask_code(client).status_code == 302
    response = ask_code(client)
    assert response.status_code == 429 and "请在 60 分钟后再试" in response.content.decode()
    assert len(sms) == 3
    # Per address: ten phones from one address, then refused.
    other = Client()
    for n in range(7):
        assert ask_code(other, f"1370000000{n}", ip="10.9.9.9").status_code == 302
    for n in range(3):
        ask_code(other, f"1360000000{n}", ip="10.9.9.9")
    assert ask_code(other, "13500000000", ip="10.9.9.9").status_code == 429


def test_bad_input_is_a_translated_400(client, db):
    response = client.post(URL, {"step": "phone", "phone": "12345"})
    assert response.status_code == 400 and "11 位" in response.content.decode()
    response = client.post(URL, {"step": "code", "code": "12ab"})
    assert response.status_code == 400


def test_the_code_is_sent_by_the_worker_so_the_page_takes_as_long_either_way(
    client, reported, sms, monkeypatch
):
    """No gateway call on the request path: a phone with requests would answer later than one
    without (a timing oracle). The page only queues the code; the worker sends it."""
    from requests_desk import tasks

    queued = []
    monkeypatch.setattr(tasks.mine_code_send, "delay", lambda *args: queued.append(args))
    assert ask_code(client).status_code == 302
    assert ask_code(Client(), phone="13700000000", ip="10.0.0.2").status_code == 302
    assert sms == []  # nothing sent while the page answered
    [(phone, text)] = queued  # only the phone that reported something gets a code
    assert phone == PHONE
    tasks.mine_code_send(phone, text)  # what the worker does
    assert sms[0]["phone"] == PHONE and re.search(r"\b\d{6}\b", sms[0]["text"])
