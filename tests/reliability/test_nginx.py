"""The shipped nginx locations (deploy/nginx/redgrid-locations.conf) run by a real nginx (Debian's,
installed by `make test`) in front of the site's WSGI application, with REDGRID_FILES_X_ACCEL on
as in docker-compose.yml: Django authorises, nginx sends the bytes with the sandbox headers; the
internal location and /media/ are unreachable from outside; a body over the limit is refused by
nginx from its Content-Length with RedGrid's translated page.

The application runs in a plain threaded WSGI server, as gunicorn runs it: not pytest-django's
live_server, whose test handler serves MEDIA_URL by itself (django.test.testcases
._MediaFilesHandler) and would hide a /media/ leak."""

import contextlib
import shutil
import socket
import subprocess
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.utils import timezone

from bench.ports import free_port, wait_listening
from tests.reliability import payloads

ROOT = Path(__file__).resolve().parents[2]
LOCATIONS = ROOT / "deploy" / "nginx" / "redgrid-locations.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def app_server(transactional_db):
    """The WSGI application in a threaded server, as gunicorn serves it; its address."""
    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler)
    server.set_app(WSGIHandler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def nginx(app_server, served_media_root, tmp_path, settings):
    settings.REDGRID_FILES_X_ACCEL = True
    locations = LOCATIONS.read_text()
    assert "alias /data/media/;" in locations
    (tmp_path / "locations.conf").write_text(
        locations.replace("alias /data/media/;", f"alias {served_media_root}/;")
    )
    port, upstream = free_port(), app_server
    temp = {name: tmp_path / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        f"""
user root;
worker_processes 1;
daemon off;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {temp["body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
    upstream redgrid_web {{ server {upstream}; }}
    server {{
        listen 127.0.0.1:{port};
        server_name _;
        include {tmp_path}/locations.conf;
    }}
}}
"""
    )
    process = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(conf)])
    wait_listening(port, process, what="nginx", log=tmp_path / "error.log")
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


def fetch(url, session=None):
    request = urllib.request.Request(url)
    if session:
        request.add_header("Cookie", f"sessionid={session}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture
def visit_photo(world, served_media_root):
    from care.models import VisitPhoto
    from care.services import visit_record
    from care.tests.factories import HouseholdFactory

    visit = visit_record(
        household=HouseholdFactory(grid=world.grids["A1a"]),
        visitor=world.users.grid_head,
        visited_on=timezone.localdate(),
        mode="in_person",
        photos=[payloads.jpeg()],
    )
    return VisitPhoto.objects.get(visit=visit)


def session_of(client, user) -> str:
    client.force_login(user)
    return client.cookies["sessionid"].value


def test_nginx_sends_an_authorised_file_with_the_sandbox_headers(nginx, client, world, visit_photo):
    status, headers, body = fetch(
        nginx + visit_photo.image.url, session_of(client, world.users.grid_head)
    )
    assert status == 200, body[:300]
    with visit_photo.image.open("rb") as stored:
        assert body == stored.read()
    assert headers["Content-Type"] == "image/jpeg"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in headers["Content-Security-Policy"].split("; ")
    assert headers["Content-Disposition"].startswith("inline")
    assert "X-Accel-Redirect" not in headers


def test_through_nginx_no_one_else_and_no_other_path_reaches_the_file(
    nginx, client, world, visit_photo
):
    name = visit_photo.image.name
    assert name not in visit_photo.image.url
    other = session_of(client, world.users.other_grid_head)
    assert fetch(nginx + visit_photo.image.url)[0] == 404
    assert fetch(nginx + visit_photo.image.url, other)[0] == 404
    for path in (f"/_private_files/{name}", f"/media/{name}", f"/static/../media/{name}"):
        assert fetch(nginx + path, session_of(client, world.users.grid_head))[0] == 404, path


def test_nginx_refuses_an_oversized_body_with_the_translated_page(nginx):
    host, port = nginx.removeprefix("http://").split(":")
    size = 26 * 1024 * 1024
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(
            b"POST /requests/new/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: multipart/form-data; boundary=x\r\n"
            + f"Content-Length: {size}\r\nConnection: close\r\n\r\n".encode()
        )
        # Like a browser, keep sending: nginx answers from the header and discards the rest.
        with contextlib.suppress(OSError):
            for _ in range(size // 65536):
                connection.sendall(b"\0" * 65536)
        answer = b""
        with contextlib.suppress(OSError):
            while chunk := connection.recv(65536):
                answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413"), head
    assert "最多 25 MB" in body.decode("utf-8", "replace")


def test_the_shipped_deployment_agrees_with_the_settings():
    """nginx's body limit is the upload limit, and docker-compose puts nginx in front of web with
    X-Accel-Redirect on and the media volume shared (read-only for nginx)."""
    import re

    import yaml

    from core import conf

    limit = re.search(r"client_max_body_size (\d+)m;", LOCATIONS.read_text())
    assert int(limit.group(1)) * 1024 * 1024 == conf.upload_max_bytes()
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert services["web"]["environment"]["REDGRID_FILES_X_ACCEL"] == "1"
    assert "ports" not in services["web"]
    media = services["web"]["environment"]["REDGRID_MEDIA_ROOT"]
    assert f"media:{media}" in services["web"]["volumes"]
    assert f"media:{media}:ro" in services["nginx"]["volumes"]
    assert f"alias {media}/;" in LOCATIONS.read_text()
    mounted = {volume.split(":")[0] for volume in services["nginx"]["volumes"]}
    assert {"./deploy/nginx/redgrid.conf", "./deploy/nginx/redgrid-locations.conf"} <= mounted
