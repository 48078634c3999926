"""bench.harness: the WSGI side makes the same request as the test client, as the same person."""

from django.core.handlers.wsgi import WSGIHandler

from bench.harness import _middle_mean, _wsgi_get, connection_checks_off


def test_the_wsgi_side_is_the_same_person_with_the_test_client_s_cookies(client, world):
    client.force_login(world.users.district_admin)
    assert client.get("/accounts/me/").status_code == 200
    handler = WSGIHandler()
    signed_in = client._base_environ(PATH_INFO="/accounts/me/", REQUEST_METHOD="GET")
    anonymous = {key: value for key, value in signed_in.items() if key != "HTTP_COOKIE"}
    with connection_checks_off():
        assert _wsgi_get(handler, signed_in) == 200
        assert _wsgi_get(handler, anonymous) == 302  # to the sign-in page


def test_the_mean_of_the_middle_half_leaves_out_the_slowest_and_fastest_quarters():
    assert _middle_mean([0.001, 0.002, 0.002, 0.100]) == 2.0
