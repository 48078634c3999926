"""gunicorn's settings file, read from the working directory (scripts/serve.sh, the Dockerfile,
docker-compose.yml and `make bench` all start gunicorn there); their command lines say the rest.

The heap a worker has once the app is loaded (Django, the URL patterns, the apps' modules) lives
as long as the worker. `gc.freeze()` moves it out of the cyclic garbage collector's generations,
so that the collections a request's garbage triggers no longer walk it (measured in-process
over 1,500 status pages: 0.07–0.09 ms of collection per request before, 0.025 ms after; see
docs/benchmarks.md). With `--preload` the master loads the app and freezes it
before forking, which also keeps the workers' pages shared (no copy-on-write for the collector's
bookkeeping)."""

import gc


def pre_fork(server, worker):
    gc.freeze()


def post_worker_init(worker):
    gc.freeze()
