"""bench.cpu: a scenario's CPU time split by process, per answered request."""

import subprocess
import sys
import time

from bench.cpu import CpuSplit

BURN = (
    "import time\ntime.sleep({wait})\nend = time.process_time() + {seconds}\n"
    "while time.process_time() < end: pass\ntime.sleep({linger})\n"
)


def test_the_servers_processes_and_the_load_generator_are_counted_apart():
    # A stand-in for gunicorn: a parent whose child (a worker) burns 0.4 s of CPU and lives on,
    # started before the split as gunicorn is; the "load generator" is a child this process
    # waits for, as wrk is.
    worker = BURN.format(wait=0.5, seconds=0.4, linger=30)
    master = f"import subprocess, sys\nsubprocess.run([sys.executable, '-c', {worker!r}])\n"
    server = subprocess.Popen([sys.executable, "-c", master])
    try:
        time.sleep(0.2)  # the worker exists (and waits) before the split starts
        with CpuSplit(server.pid) as split:
            subprocess.run(
                [sys.executable, "-c", BURN.format(wait=0, seconds=0.3, linger=0)], check=True
            )
            time.sleep(2.0)  # the worker has burnt its 0.4 s by now, even on a busy machine
        result = split.result(requests=100)
    finally:
        server.kill()
        server.wait()
    # ms per request: 0.4 s / 100 and 0.3 s / 100, within the clock's 10 ms ticks and the
    # interpreters' own start-up.
    assert 3.0 <= result.per_request_ms["gunicorn"] <= 5.5
    assert 2.5 <= result.per_request_ms["wrk"] <= 4.5
    assert result.gunicorn_kernel_ms <= result.per_request_ms["gunicorn"]
    assert 0 < result.busy <= 1
