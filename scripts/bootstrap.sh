#!/usr/bin/env bash
# Install what RedGrid needs on a Debian/Ubuntu machine, skipping what is already there.
#   scripts/bootstrap.sh run    system libraries for the embedded (SpatiaLite) site + the virtualenv
#   scripts/bootstrap.sh test   the above, plus PostGIS, Chromium and a CJK font for the test suite
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-run}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
want() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed" || missing+=("$1"); }

want python3; want python3-venv; want gettext; want gdal-bin; want libsqlite3-mod-spatialite
want ca-certificates; want fonts-wqy-microhei
if [ "$mode" = test ]; then
  pg_major=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -n 1)
  if [ -z "$pg_major" ]; then want postgresql; pg_major=15; fi
  want "postgresql-${pg_major}-postgis-3"
  want chromium; want redis-server
  # tests/reliability/test_nginx.py runs deploy/nginx/ in front of the app (any nginx build).
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || want nginx
  # tests/reliability/test_pgbouncer.py runs the site behind PgBouncer (docs/deployment.md).
  [ -x /usr/sbin/pgbouncer ] || want pgbouncer
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Debian's own Python: it can load SQLite extensions (SpatiaLite); pyenv builds usually cannot.
PYTHON=${REDGRID_PYTHON:-/usr/bin/python3}
if [ ! -x .tools/bin/uv ]; then
  "$PYTHON" -m venv .tools
  .tools/bin/pip install -q --disable-pip-version-check "uv==0.13.9"
fi
groups=(--no-dev)
[ "$mode" = test ] && groups=()
# Bytecode is written here, once, for the packages and for the project's own modules. Where the
# environment sets PYTHONDONTWRITEBYTECODE (the machine this project's CI runs on does), Python never
# writes it, and every process (each test worker, each subprocess a test starts, gunicorn, Celery)
# compiles every module it imports again: `manage.py check` took 3.6–5.0 s without bytecode and
# 1.8–2.0 s with it. A module changed later is compiled again in memory, as it would be without
# bytecode; nothing goes stale.
UV_PYTHON_DOWNLOADS=never .tools/bin/uv sync -q --frozen --compile-bytecode --python "$PYTHON" "${groups[@]}"
code_dirs=()
for dir in */; do
  case "$dir" in var/ | test-artifacts/) ;; *) code_dirs+=("$dir") ;; esac
done
# Only a speed-up: a file that does not compile is named above and left to fail where it is used.
.venv/bin/python -m compileall -q -j 0 "${code_dirs[@]}" || echo "bootstrap: bytecode not written for the files above" >&2
