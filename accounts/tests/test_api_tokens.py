"""Personal API tokens (django-rest-knox): made and revoked by their owner only, shown once,
stored as a digest, refused for inactive or roleless accounts."""

from django.db import connection
from knox.models import AuthToken

from accounts.models import Role
from accounts.tests.factories import UserFactory


def make_token(client) -> str:
    return client.post("/accounts/tokens/").context["created"]


def test_a_user_makes_a_token_sees_it_once_and_uses_it(client, world):
    client.force_login(world.users.street_staff)
    secret = make_token(client)
    assert secret and client.get("/accounts/tokens/").context["created"] is None
    token = AuthToken.objects.get(user=world.users.street_staff)
    assert secret not in token.digest
    api = client.__class__()
    response = api.get("/api/v1/grids/", HTTP_AUTHORIZATION=f"Token {secret}")
    assert response.status_code == 200


def test_the_secret_is_stored_nowhere_in_the_database(client, world):
    client.force_login(world.users.street_staff)
    secret = make_token(client)
    with connection.cursor() as cursor:
        cursor.execute("SELECT digest, token_key FROM knox_authtoken")
        stored = " ".join(" ".join(row) for row in cursor.fetchall())
    assert secret not in stored


def test_revoking_stops_the_token_and_nobody_revokes_anothers(client, world):
    client.force_login(world.users.street_staff)
    secret = make_token(client)
    digest = AuthToken.objects.get(user=world.users.street_staff).digest
    client.force_login(world.users.other_street_staff)
    assert client.post("/accounts/tokens/revoke/", {"digest": digest}).status_code == 404
    api = client.__class__()
    assert api.get("/api/v1/grids/", HTTP_AUTHORIZATION=f"Token {secret}").status_code == 200
    client.force_login(world.users.street_staff)
    assert client.post("/accounts/tokens/revoke/", {"digest": digest}).status_code == 302
    assert api.get("/api/v1/grids/", HTTP_AUTHORIZATION=f"Token {secret}").status_code in (401, 403)


def test_tokens_of_deactivated_or_roleless_accounts_are_refused(client, world):
    _token, secret = AuthToken.objects.create(user=world.users.grid_worker)
    user = world.users.grid_worker
    user.is_active = False
    user.save(update_fields=["is_active"])
    api = client.__class__()
    assert api.get("/api/v1/grids/", HTTP_AUTHORIZATION=f"Token {secret}").status_code in (401, 403)
    roleless = UserFactory(username="roleless")
    _token, secret = AuthToken.objects.create(user=roleless)
    assert api.get("/api/v1/grids/", HTTP_AUTHORIZATION=f"Token {secret}").status_code in (401, 403)


def test_a_user_holds_at_most_five_tokens(client, world):
    client.force_login(world.users.street_staff)
    for _ in range(5):
        assert make_token(client)
    response = client.post("/accounts/tokens/")
    assert response.context["created"] is None
    assert AuthToken.objects.filter(user=world.users.street_staff).count() == 5


def test_a_member_has_tokens_too(client, world):
    client.force_login(
        UserFactory(username="member_b", role=Role.PARTY_MEMBER, node=world.grids["B1a"])
    )
    assert make_token(client)
