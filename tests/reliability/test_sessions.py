"""Sessions and caching as an attacker who shares a computer or steals a cookie would try them
(OWASP ASVS 3.2.1, 3.3.1, 3.3.3, 8.2.1): a new session key at sign-in (no fixation), a cookie
replayed after sign-out or after a password change opens nothing, and nothing a signed-in person
or a token sees is kept by a browser's or proxy's cache."""

from django.test import Client
from knox.models import AuthToken

PASSWORD = "pw-for-tests-1"


def sign_in(client, user):
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]


def test_signing_in_issues_a_new_session_key(client, world):
    client.get("/accounts/login/")
    session = client.session
    session["planted"] = "by an attacker"  # a key the attacker made the victim's browser carry
    session.save()
    planted = session.session_key
    sign_in(client, world.users.grid_head)
    assert client.session.session_key != planted
    replay = Client()
    replay.cookies["sessionid"] = planted
    assert replay.get("/dashboard/")["Location"].startswith("/accounts/login/")


def test_a_cookie_replayed_after_signing_out_opens_nothing(client, world):
    sign_in(client, world.users.grid_head)
    stolen = client.cookies["sessionid"].value
    assert client.get("/dashboard/").status_code == 200
    client.post("/accounts/logout/")
    replay = Client()
    replay.cookies["sessionid"] = stolen
    response = replay.get("/dashboard/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_changing_the_password_ends_every_other_session(world):
    user = world.users.grid_head
    here, elsewhere = Client(), Client()
    sign_in(here, user)
    sign_in(elsewhere, user)
    new = "Guangming-grid-2026!"
    response = here.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert here.get("/dashboard/").status_code == 200  # the session that changed it stays
    assert elsewhere.get("/dashboard/")["Location"].startswith("/accounts/login/")


def test_signed_in_pages_and_token_answers_are_never_stored_by_a_cache(client, world):
    client.force_login(world.users.street_staff)
    for url in ("/dashboard/", "/requests/queue/", "/accounts/me/", "/api/v1/requests/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "private, no-store", url
    _token, secret = AuthToken.objects.create(user=world.users.street_staff)
    api = Client(HTTP_AUTHORIZATION=f"Token {secret}")
    response = api.get("/api/v1/requests/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_long_passphrases_with_spaces_and_chinese_are_accepted_whole(client, world):
    """ASVS 2.1.2–2.1.4: 64+ characters, spaces and Unicode, no truncation."""
    user = world.users.grid_head
    sign_in(client, user)
    phrase = "光明区 红网格 " * 6 + "patrol every Monday at nine"
    assert len(phrase) >= 64
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": phrase, "new_password2": phrase},
    )
    assert response.status_code == 302, response.content[:800]
    client.post("/accounts/logout/")
    refused = client.post("/accounts/login/", {"username": user.username, "password": phrase[:-1]})
    assert refused.status_code == 200 and "_auth_user_id" not in client.session
    sign_in_again = client.post("/accounts/login/", {"username": user.username, "password": phrase})
    assert sign_in_again.status_code == 302


def test_phone_and_id_numbers_never_reach_the_log(client, world, caplog):
    """ASVS 7.1.1/7.1.2: the project's log filter masks personal data whatever code logs it."""
    import logging

    from privacy.log_filters import MaskPersonalDataFilter

    logger = logging.getLogger("redgrid.test.asvs")
    handler_records = []

    class Keep(logging.Handler):
        def emit(self, record):
            handler_records.append(self.format(record))

    handler = Keep()
    handler.addFilter(MaskPersonalDataFilter())
    logger.addHandler(handler)
    try:
        logger.warning("resident %s called, ID %s", "13912345678", "440311199001011234")
    finally:
        logger.removeHandler(handler)
    (line,) = handler_records
    assert "13912345678" not in line and "440311199001011234" not in line
    assert "5678" in line  # masked, not dropped
