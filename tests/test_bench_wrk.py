"""bench.run.Wrk: the paths wrk's script asks for, against a local HTTP server."""

import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.run import Wrk

pytestmark = pytest.mark.skipif(
    shutil.which("wrk") is None, reason="wrk is not installed (bench/run.sh installs it)"
)


class _Recorder(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else each answer waits 40 ms for a delayed ACK
    seen: list[str] = []

    def do_GET(self):  # noqa: N802 - http.server's name
        self.seen.append(self.path)
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def recorder():
    _Recorder.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Recorder.seen
    server.shutdown()
    server.server_close()


def _wrk(base, tmp_path):
    (tmp_path / "points.txt").write_text("113.9,22.7\n")
    (tmp_path / "photo.jpg").write_bytes(b"")
    return Wrk(base, tmp_path, tmp_path / "points.txt", tmp_path / "photo.jpg", 1, 1)


def test_in_sequence_each_path_comes_in_turn_from_the_first(recorder, tmp_path):
    base, seen = recorder
    paths = [f"/requests/t/C{i:03d}/" for i in range(40)]
    row = _wrk(base, tmp_path).run("sequence", paths, pick="sequence")
    assert row.requests > len(paths)  # wrk made more requests than there are paths in 1 s
    assert seen[: len(paths)] == paths  # one connection: each once, in order
    assert seen[len(paths) : 2 * len(paths)] == paths  # then again from the first


def test_at_random_the_paths_come_in_no_fixed_order(recorder, tmp_path):
    base, seen = recorder
    paths = [f"/requests/t/C{i:03d}/" for i in range(40)]
    _wrk(base, tmp_path).run("random", paths)
    assert set(seen) <= set(paths)
    assert seen[: len(paths)] != paths
