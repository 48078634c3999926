"""gunicorn's settings file, read from the working directory (scripts/serve.sh, the Dockerfile,
docker-compose.yml and `make bench` all start gunicorn there); their command lines say the rest.

The heap a worker has once the app is loaded (Django, the URL patterns, the apps' modules) lives
as long as the worker. `gc.freeze()` moves it out of the cyclic garbage collector's generations,
so that the collections a request's garbage triggers no longer walk it. Unfrozen, a full
collection walked it every 600–1,500 requests and paused the worker for 85–95 ms (`python -m
bench.collector`; docs/benchmarks.md). With `--preload` the master loads the app and freezes it
before forking, which also keeps the workers' pages shared (no copy-on-write for the collector's
bookkeeping)."""

import gc


def pre_fork(server, worker):
    gc.freeze()


def post_worker_init(worker):
    gc.freeze()
