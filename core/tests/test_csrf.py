"""core.csrf: Django's CSRF secrets and masks, drawn with one system call each (issue 17)."""

import re
from collections import Counter

from django.middleware import csrf as django_csrf
from django.test import Client

from core import csrf

# Django's private helpers (not in its type stubs).
DJANGO = vars(django_csrf)


def test_django_draws_its_secrets_and_masks_here():
    assert DJANGO["_get_new_csrf_string"] is csrf.csrf_string
    assert DJANGO["_mask_cipher_secret"] is csrf.mask_cipher_secret
    # ...and still calls them by those names (a Django that stopped would leave them unused).
    assert "_mask_cipher_secret" in django_csrf.get_token.__code__.co_names
    assert "_add_new_csrf_cookie" in django_csrf.get_token.__code__.co_names
    assert "_get_new_csrf_string" in DJANGO["_add_new_csrf_cookie"].__code__.co_names


def test_a_secret_is_32_characters_of_the_alphabet_each_as_likely():
    drawn = [csrf.csrf_string() for _ in range(6000)]
    assert all(len(s) == 32 and set(s) <= set(django_csrf.CSRF_ALLOWED_CHARS) for s in drawn)
    assert len(set(drawn)) == len(drawn)
    counts = Counter("".join(drawn))
    expected = 6000 * 32 / 62  # 3,097 of each; a byte-modulo bias would give 8 characters +25 %
    assert set(counts) == set(django_csrf.CSRF_ALLOWED_CHARS)
    assert all(abs(count - expected) < 0.1 * expected for count in counts.values())


def test_a_mask_is_read_back_by_django_and_new_each_time():
    secret = csrf.csrf_string()
    first, second = csrf.mask_cipher_secret(secret), csrf.mask_cipher_secret(secret)
    assert len(first) == 64 and first != second
    assert DJANGO["_unmask_cipher_token"](first) == secret
    assert DJANGO["_unmask_cipher_token"](second) == secret


def test_the_token_of_a_page_is_accepted_and_a_forged_one_refused(db):
    browser = Client(enforce_csrf_checks=True)
    page = browser.get("/requests/new/")
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert found is not None
    token = found[1]
    assert len(token) == 64 and "csrftoken" in page.cookies
    answered = browser.post("/requests/new/", {"csrfmiddlewaretoken": token, "description": "x"})
    assert answered.status_code == 200  # the form again, with its errors: the token was taken
    forged = token[:32] + csrf.csrf_string()
    refused = browser.post("/requests/new/", {"csrfmiddlewaretoken": forged, "description": "x"})
    assert refused.status_code == 403
