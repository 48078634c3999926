"""Security, checked as an outsider would: the production settings module over HTTP (check
--deploy clean, HTTPS redirect, HSTS, secure and HttpOnly cookies, CSP and the other headers),
the lock-out of repeated failed staff logins, and secrets only from the environment."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_PROBE = r"""
import json
from django.core.management import call_command
from django.test import Client
from django.contrib.sessions.backends.db import SessionStore

# The deployment checks are the "security" tag; tests/test_deploy_settings.py runs every check.
call_command("check", deploy=True, tags=["security"], fail_level="WARNING")
client = Client(HTTP_HOST="redgrid.example.org")
plain = client.get("/")
secure = client.get("/accounts/login/", secure=True)
store = SessionStore(); store["probe"] = 1; store.save()
from django.conf import settings
client.cookies[settings.SESSION_COOKIE_NAME] = store.session_key
from django.http import HttpResponse
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import RequestFactory
request = RequestFactory().get("/", secure=True)
def touched(req):
    req.session["probe"] = 2
    return HttpResponse()
session_response = SessionMiddleware(touched)(request)
# The probe writes to the test database the other tests use: it leaves no session behind.
store.delete()
request.session.delete()
def cookie(response, name):
    morsel = response.cookies.get(name)
    return {"secure": bool(morsel["secure"]), "httponly": bool(morsel["httponly"]),
            "samesite": morsel["samesite"]} if morsel else None
print("PROBE" + json.dumps({
    "plain_status": plain.status_code, "plain_location": plain.get("Location", ""),
    "status": secure.status_code, "headers": dict(secure.headers),
    "csrf_cookie": cookie(secure, "__Host-csrftoken"),
    "session_cookie": cookie(session_response, "__Host-sessionid"),
    "cookie_names": [settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME],
}))
"""


@pytest.fixture(scope="module")
def production(django_db_setup, django_db_blocker, tmp_path_factory):
    """One run of the real settings module with production environment variables (after
    collectstatic into a folder of its own, as a deployment does: pages link hashed names)."""
    with django_db_blocker.unblock():
        name = connection.settings_dict["NAME"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDGRID_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="redgrid.settings",
        DJANGO_SECRET_KEY="p" * 20 + "Q2x!9#zP@4vL&8mN^3bR*7cT(1yW)6eF%5hJ-probe",
        REDGRID_FIELD_KEYS="dGVzdC1rZXktdGVzdC1rZXktdGVzdC1rZXktdGVzdCE=",
        DJANGO_ALLOWED_HOSTS="redgrid.example.org",
        DATABASE_URL=f"postgis://postgres@127.0.0.1:5432/{name}",
        REDGRID_VAR_DIR=str(tmp_path_factory.mktemp("var")),
    )
    collect = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert collect.returncode == 0, collect.stderr[-3000:]
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", PRODUCTION_PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    line = next(x for x in result.stdout.splitlines() if x.startswith("PROBE"))
    return json.loads(line[len("PROBE") :])


def test_production_check_deploy_is_clean_and_plain_http_is_redirected(production):
    assert production["plain_status"] == 301
    assert production["plain_location"].startswith("https://redgrid.example.org/")


def test_production_pages_carry_hsts_csp_and_the_other_headers(production):
    headers = {k.lower(): v for k, v in production["headers"].items()}
    assert production["status"] == 200
    assert headers["strict-transport-security"] == "max-age=31536000; includeSubDomains; preload"
    csp = headers["content-security-policy"]
    assert "default-src 'self'" in csp and "object-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    script = next(part for part in csp.split(";") if "script-src" in part)
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"


def test_production_cookies_are_secure_and_the_session_cookie_is_http_only(production):
    # "__Host-": only this host may set them, with Secure and Path=/ (ASVS 3.4.4).
    assert production["cookie_names"] == ["__Host-sessionid", "__Host-csrftoken"]
    assert production["csrf_cookie"]["secure"]
    session = production["session_cookie"]
    assert session["secure"] and session["httponly"]
    assert session["samesite"] in ("Lax", "Strict")


# --- Login lock-out -------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/accounts/login/", "/accounts/login/?next=/admin/"])
def test_repeated_failed_logins_lock_the_account_even_for_the_right_password(client, world, url):
    # The admin's login page is the site's (with its lock-out and second factor).
    assert client.post("/admin/login/")["Location"].startswith("/accounts/login/")
    user = world.users.street_staff
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        response = client.post(
            url, {"username": user.username, "password": "wrong-password"}, REMOTE_ADDR="10.7.0.1"
        )
        assert response.status_code == 200 and "_auth_user_id" not in client.session
    response = client.post(
        url, {"username": user.username, "password": "pw-for-tests-1"}, REMOTE_ADDR="10.7.0.1"
    )
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert "15" in response.content.decode()  # "try again in 15 minutes", in Chinese
    # Another address is refused too: the count is per username as well as per address.
    response = client.post(
        url, {"username": user.username, "password": "pw-for-tests-1"}, REMOTE_ADDR="10.7.0.2"
    )
    assert "_auth_user_id" not in client.session


def test_one_address_guessing_many_usernames_is_locked_out(client, world):
    names = [u.username for u in vars(world.users).values()]
    for name in names[: settings.LOGIN_FAILURE_LIMIT]:
        client.post(
            "/accounts/login/", {"username": name, "password": "guess"}, REMOTE_ADDR="10.7.1.1"
        )
    response = client.post(
        "/accounts/login/",
        {"username": world.users.grid_head.username, "password": "pw-for-tests-1"},
        REMOTE_ADDR="10.7.1.1",
    )
    assert "_auth_user_id" not in client.session and response.status_code == 200


def test_a_successful_login_before_the_limit_clears_the_count(client, world):
    user = world.users.grid_head
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        client.post(
            "/accounts/login/",
            {"username": user.username, "password": "nope"},
            REMOTE_ADDR="10.7.2.1",
        )
    response = client.post(
        "/accounts/login/",
        {"username": user.username, "password": "pw-for-tests-1"},
        REMOTE_ADDR="10.7.2.1",
    )
    assert response.status_code == 302 and "_auth_user_id" in client.session


# --- Secrets only from the environment ------------------------------------------------------------

SECRET_PATTERNS = {
    "private key": re.compile(r"-----BEGIN (RSA |EC |OPENSSH |DSA )?PRIVATE KEY-----"),
    "AWS key": re.compile(r"AKIA[0-9A-Z]{16}"),
    # A literal password in a URL; "${VAR}" (compose substitution) and the "pass" placeholder
    # of the docs are not secrets.
    "password in a URL": re.compile(
        r"(postgres|postgis|redis|amqp|mysql)://[^:/\s'\"]+:(?!pass@|\$\{)[^@/\s'\"]+@"
    ),
    "Django secret key assignment": re.compile(r"SECRET_KEY\s*=\s*['\"][^'\"]{20,}['\"]"),
    "Fernet key": re.compile(r"['\"][A-Za-z0-9_-]{43}=['\"]"),
    "API token": re.compile(
        r"(api[_-]?key|token|passwd|password)\s*[:=]\s*['\"][A-Za-z0-9+/_-]{24,}"
        r"['\"]",
        re.IGNORECASE,
    ),
}
# Keys that are fine where they are: development-only defaults guarded by DEBUG in the settings,
# the test settings, and test fixtures. Anything else is a leak.
ALLOWED = {
    ("redgrid/settings.py", "Fernet key"),  # only used when DJANGO_DEBUG=1 (make run)
    ("redgrid/settings_test.py", "Fernet key"),
}


def tracked_files():
    result = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip("not a git checkout")
    for name in result.stdout.splitlines():
        path = ROOT / name
        if (
            path.suffix
            in (
                ".py",
                ".env",
                ".yml",
                ".yaml",
                ".toml",
                ".cfg",
                ".ini",
                ".sh",
                ".json",
                ".md",
                ".txt",
                ".html",
                ".js",
            )
            and path.is_file()
        ):
            yield name, path


def test_no_secrets_are_committed(db):
    leaks = []
    for name, path in tracked_files():
        if "/tests/" in f"/{name}" or name.startswith(("static/vendor/", "bench/data/")):
            continue
        text = path.read_text(errors="ignore")
        for label, pattern in SECRET_PATTERNS.items():
            if pattern.search(text) and (name, label) not in ALLOWED:
                leaks.append(f"{name}: {label}")
    assert not leaks, leaks


def test_production_secrets_have_no_default():
    source = (ROOT / "redgrid" / "settings.py").read_text()
    assert re.search(
        r'SECRET_KEY = env_str\("DJANGO_SECRET_KEY", "[^"]+" if DEBUG else None\)', source
    )
    assert re.search(
        r'REDGRID_FIELD_KEYS = env_list\(\s*"REDGRID_FIELD_KEYS",\s*\[[^\]]+\] if '
        r"DEBUG else \[\]",
        source,
    )


@pytest.mark.parametrize(
    "path",
    [
        "/bench/constant/",
        "/bench/insert/",
        "/bench/signed-in/",
        "/bench/signed-in-page/",
        "/bench/limited/",
        "/bench/form/",
    ],
)
def test_the_benchmark_baseline_views_are_not_served_by_the_product(client, path):
    """bench/urls.py (only under bench.settings) adds views that write rows and store uploaded
    files for anyone; the product's URLs never reach them."""
    assert client.get(path).status_code == 404
    assert client.post(path, {"description": "x" * 10, "payload": "x"}).status_code == 404
