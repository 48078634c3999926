"""Local ports for the servers the benchmark and the tests start (gunicorn, PgBouncer, nginx)."""

import socket
import subprocess
import time
from pathlib import Path


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_listening(
    port: int, process: subprocess.Popen, *, what: str, log: Path, seconds: float = 10
) -> None:
    """Until something listens on 127.0.0.1:`port`. RuntimeError with `log`'s text if `process`
    ends first or `seconds` pass."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                text = log.read_text() if log.exists() else ""
                raise RuntimeError(f"{what} did not start: {text}") from None
            time.sleep(0.05)
