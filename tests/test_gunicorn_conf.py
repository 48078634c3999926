"""gunicorn.conf.py: gunicorn started in the project's folder (scripts/serve.sh, the Dockerfile,
docker-compose.yml, `make bench`) takes its hooks, and they freeze the loaded app's heap."""

import gc
import runpy
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"


def test_gunicorn_started_in_the_project_folder_takes_the_hooks():
    shown = subprocess.run(
        [str(GUNICORN), "--print-config", "redgrid.wsgi"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    settings = {
        name.strip(): value.strip()
        for name, _, value in (line.partition("=") for line in shown.splitlines())
    }
    assert settings["config"] == "./gunicorn.conf.py"
    # gunicorn's own defaults print as <Prefork.pre_fork()> and <PostWorkerInit...()>.
    assert settings["pre_fork"] == "<pre_fork()>"
    assert settings["post_worker_init"] == "<post_worker_init()>"


def test_the_hooks_freeze_the_heap_loaded_so_far():
    hooks = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    try:
        for hook, arguments in (("pre_fork", (None, None)), ("post_worker_init", (None,))):
            gc.unfreeze()
            assert gc.get_freeze_count() == 0
            hooks[hook](*arguments)
            assert gc.get_freeze_count() > 0, hook
    finally:
        gc.unfreeze()
