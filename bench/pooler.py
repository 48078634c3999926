"""PgBouncer in front of the local PostgreSQL: the pooler docs/deployment.md recommends, run by the
tests that check the site behind it (tests/reliability/test_pgbouncer.py) and by
`bench/run.sh --pooler session|transaction`.

Debian's `pgbouncer` package (installed by `make setup-test`; the machine's own service is not
used): a private configuration in `workdir`, in the foreground, as the `postgres` user when run as
root (PgBouncer refuses to run as root), any client name trusted, as the local PostgreSQL does.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

from bench.ports import free_port, wait_listening

PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"


def installed() -> bool:
    return Path(PGBOUNCER).is_file()


def version() -> str:
    """ "1.18.0" for Debian 12's package."""
    out = subprocess.run([PGBOUNCER, "--version"], capture_output=True, text=True, check=True)
    return out.stdout.split()[1]


def _at_least(found: str, wanted: tuple[int, int]) -> bool:
    major, minor = (int(part) for part in found.split(".")[:2])
    return (major, minor) >= wanted


@contextlib.contextmanager
def pgbouncer(
    *,
    mode: str,
    workdir: Path,
    pool_size: int = 20,
    upstream: tuple[str, int] = ("127.0.0.1", 5432),
    user: str = "postgres",
    round_robin: bool = False,
) -> Iterator[int]:
    """PgBouncer in pool mode `mode` ("session" or "transaction") for every database of
    `upstream`; yields the port it listens on (127.0.0.1). Its log is `workdir/pgbouncer.log`.
    `round_robin`: each transaction on the next free server connection rather than the one freed
    last (PgBouncer's default), as in a busy pool: what the tests use to show a client's state
    looked for on another server connection."""
    workdir.mkdir(parents=True, exist_ok=True)
    os.chmod(workdir, 0o700)  # read before PgBouncer leaves root; nobody else reads it
    port = free_port()
    (workdir / "users.txt").write_text(f'"{user}" ""\n')
    config = workdir / "pgbouncer.ini"
    config.write_text(
        "[databases]\n"
        f"* = host={upstream[0]} port={upstream[1]}\n"
        "[pgbouncer]\n"
        "listen_addr = 127.0.0.1\n"
        f"listen_port = {port}\n"
        "unix_socket_dir =\n"
        "auth_type = trust\n"
        f"auth_file = {workdir / 'users.txt'}\n"
        f"pool_mode = {mode}\n"
        "max_client_conn = 500\n"
        f"default_pool_size = {pool_size}\n"
        "log_connections = 0\n"
        "log_disconnections = 0\n"
        f"server_round_robin = {int(round_robin)}\n"
        # PgBouncer >= 1.21 can track prepared statements (on by default from 1.24): off, so
        # that a pool behaves as the transaction mode docs/deployment.md describes by default.
        + ("max_prepared_statements = 0\n" if _at_least(version(), (1, 21)) else "")
    )
    command = [PGBOUNCER, config.name]
    if os.geteuid() == 0:
        command[1:1] = ["-u", "postgres"]
    log = (workdir / "pgbouncer.log").open("w")
    try:
        process = subprocess.Popen(
            command, cwd=workdir, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    except OSError:
        log.close()
        raise
    try:
        log.flush()
        wait_listening(port, process, what="PgBouncer", log=workdir / "pgbouncer.log")
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
