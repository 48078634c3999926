# The README's two commands are `make run` and `make test`; the other targets are their parts.
SHELL := /bin/bash
PY := .venv/bin/python
SEED ?= 20231101
PYTEST_ARGS ?=

.PHONY: run test setup setup-test messages migrate demo reset-demo serve lint typecheck bench soak check-deploy backup restore

run: setup messages migrate demo serve

setup:
	scripts/bootstrap.sh run
	scripts/local_env.sh

setup-test:
	scripts/bootstrap.sh test
	scripts/test_services.sh

messages:
	cd $(CURDIR) && DJANGO_DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv --ignore=.tools -v 0

migrate:
	set -a; . var/local.env; set +a; $(PY) manage.py migrate --noinput -v 0
	set -a; . var/local.env; set +a; $(PY) manage.py collectstatic --noinput -v 0

demo:
	set -a; . var/local.env; set +a; $(PY) manage.py load_demo --seed $(SEED) --commit

# Backups (docs/backup.md): the database, the uploaded files and, apart, the keys.
backup:
	$(PY) manage.py backup $(BACKUP_ARGS)

# make restore BACKUP=var/backups/20261205-020000 (stop `make run` first)
restore:
	@test -n "$(BACKUP)" || { echo "Usage: make restore BACKUP=var/backups/<time>" >&2; exit 2; }
	$(PY) manage.py restore "$(BACKUP)" --commit

reset-demo:
	rm -f var/redgrid.sqlite3
	$(MAKE) migrate demo

serve:
	scripts/serve.sh

# Exit code 5 (no tests collected) is a failure here: a suite that runs nothing proves nothing.
# --create-db: a fresh test database every run, so a stale schema can never hide a migration bug.
test: setup-test messages
	DJANGO_SETTINGS_MODULE=redgrid.settings_test $(PY) -m pytest -n 2 -q --create-db $(PYTEST_ARGS); \
	  status=$$?; if [ $$status -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi; exit $$status

# ruff's lint rules include C901 (complexity at most 15; 32 in bench/ and demo/): CONTRIBUTING.md.
lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

# mypy with django-stubs on the typed packages ([tool.mypy] files in pyproject.toml: core/).
typecheck:
	UV_PYTHON_DOWNLOADS=never .tools/bin/uv sync -q --frozen
	DJANGO_SETTINGS_MODULE=redgrid.settings_test $(PY) -m mypy

check-deploy:
	DJANGO_SECRET_KEY=$$(openssl rand -base64 60 | tr -d '\n') REDGRID_FIELD_KEYS=$$($(PY) -c 'from cryptography.fernet import Fernet;print(Fernet.generate_key().decode())') \
	  DATABASE_URL=postgis://postgres@127.0.0.1:5432/redgrid $(PY) manage.py check --deploy --fail-level WARNING

# Benchmarks (docs/benchmarks.md): generates redgrid_bench once (1,000,000 requests), then measures.
bench: setup-test
	bench/run.sh $(BENCH_ARGS)

# Long load and fault runs (docs/reliability.md); REDGRID_SOAK_DISRUPT=1 also restarts PostgreSQL
# and stops Redis for a while. Never part of `make test`.
soak: setup-test messages
	REDIS_URL=redis://127.0.0.1:6379/8 CELERY_BROKER_URL=redis://127.0.0.1:6379/9 \
	  DJANGO_SETTINGS_MODULE=redgrid.settings_test nice -n 10 $(PY) -m pytest tests/soak \
	  -o python_files='soak_*.py' -p no:xdist -v -rsx $(PYTEST_ARGS)
