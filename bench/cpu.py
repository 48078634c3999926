"""Where the machine's CPU goes while wrk drives one scenario: gunicorn's processes, PostgreSQL's,
PgBouncer (when the run goes through it, `--pooler`), Redis, wrk itself and the rest, each in
milliseconds of CPU per answered request.

A throughput ratio says how much slower a page is than its ceiling, not why. On two cores the
page, its ceiling, wrk, PostgreSQL and Redis all share the same CPUs, so a page that leaves its
worker waiting for a database answer, or makes PostgreSQL or Redis work harder, serves fewer
requests than its own Python explains. This splits the run's CPU time by process from
/proc/<pid>/stat (utime + stime, in clock ticks) and /proc/stat (the machine's idle time).
"""

import os
import resource
import time
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
TICK = os.sysconf("SC_CLK_TCK")
GROUPS = ("gunicorn", "postgres", "pgbouncer", "redis", "wrk", "other")


def _stat(pid: str) -> tuple[str, int, float, float] | None:
    """(command name, parent pid, CPU seconds, of which in the kernel) of one process, None if
    it is gone."""
    try:
        raw = (PROC / pid / "stat").read_text()
    except OSError:
        return None
    # The command name is in parentheses and may itself hold spaces or parentheses.
    name = raw[raw.index("(") + 1 : raw.rindex(")")]
    fields = raw[raw.rindex(")") + 2 :].split()
    user, kernel = int(fields[11]) / TICK, int(fields[12]) / TICK
    return name, int(fields[1]), user + kernel, kernel


def _processes() -> dict[int, tuple[str, int, float, float]]:
    found = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            stat = _stat(entry.name)
            if stat is not None:
                found[int(entry.name)] = stat
    return found


def _idle_seconds() -> float:
    fields = (PROC / "stat").read_text().splitlines()[0].split()[1:]
    return (int(fields[3]) + int(fields[4])) / TICK  # idle + iowait, all CPUs


def _by_group(server_pid: int) -> dict[int, tuple[str, float, float]]:
    processes = _processes()
    tree = {server_pid}
    grew = True
    while grew:  # gunicorn's master and its workers
        grew = False
        for pid, (_name, parent, _cpu, _kernel) in processes.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grew = True
    me = os.getpid()
    grouped = {}
    for pid, (name, _parent, cpu, kernel) in processes.items():
        if pid in tree:
            group = "gunicorn"
        elif name.startswith("postgres"):
            group = "postgres"
        elif name == "pgbouncer":  # bench/run.py --pooler
            group = "pgbouncer"
        elif name.startswith("redis-server"):
            group = "redis"
        elif pid == me:
            continue  # the runner itself, reading /proc
        else:
            group = "other"
        grouped[pid] = (group, cpu, kernel)
    return grouped


@dataclass
class Split:
    """CPU milliseconds per answered request, by group; `busy` is the machine's share of its
    CPUs that was not idle during the scenario."""

    per_request_ms: dict[str, float]
    gunicorn_kernel_ms: float
    busy: float
    seconds: float


class CpuSplit:
    """`with CpuSplit(gunicorn_pid) as split: wrk…`, then `split.result(requests)`. Processes
    started during the scenario (a new PostgreSQL backend) count from zero; those that ended
    are lost, except wrk, which is counted as this process's waited-for children."""

    def __init__(self, server_pid: int):
        self.server_pid = server_pid

    def __enter__(self):
        self.before = _by_group(self.server_pid)
        self.children = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.idle = _idle_seconds()
        self.wall = time.monotonic()
        return self

    def __exit__(self, *exc):
        self.after = _by_group(self.server_pid)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.wrk = (children.ru_utime + children.ru_stime) - (
            self.children.ru_utime + self.children.ru_stime
        )
        self.idle = _idle_seconds() - self.idle
        self.wall = time.monotonic() - self.wall
        return False

    def result(self, requests: int) -> Split:
        spent = dict.fromkeys(GROUPS, 0.0)
        gunicorn_kernel = 0.0
        for pid, (group, cpu, kernel) in self.after.items():
            previous = self.before.get(pid)
            if previous is not None and previous[0] == group:
                cpu, kernel = cpu - previous[1], kernel - previous[2]
            spent[group] += cpu
            if group == "gunicorn":
                gunicorn_kernel += kernel
        spent["wrk"] = self.wrk
        cpus = os.cpu_count() or 1
        busy = 1 - self.idle / (self.wall * cpus) if self.wall > 0 else 0.0
        count = max(requests, 1)
        return Split(
            per_request_ms={k: v * 1000 / count for k, v in spent.items()},
            gunicorn_kernel_ms=gunicorn_kernel * 1000 / count,
            busy=max(0.0, min(1.0, busy)),
            seconds=self.wall,
        )
