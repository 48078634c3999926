#!/usr/bin/env bash
# Serve the embedded site: gunicorn (web), a Celery worker and Celery beat, all on this machine with
# the filesystem broker under var/broker. Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
set -a; . var/local.env; set +a
export DJANGO_SETTINGS_MODULE=redgrid.settings REDGRID_HTTPS=0
mkdir -p var/broker/queue var/broker/processed var/log
port=${PORT:-8000}

pids=()
stop() {
  trap - INT TERM EXIT
  echo; echo "Stopping RedGrid…"
  kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

.venv/bin/celery -A redgrid worker --loglevel=INFO --concurrency=2 --pool=prefork \
  > var/log/worker.log 2>&1 & pids+=($!)
.venv/bin/celery -A redgrid beat --loglevel=INFO > var/log/beat.log 2>&1 & pids+=($!)
.venv/bin/gunicorn redgrid.wsgi --bind "127.0.0.1:${port}" --workers 3 --timeout 60 \
  --access-logfile - > var/log/web.log 2>&1 & pids+=($!)

sleep 2
cat <<MSG

RedGrid is running at http://127.0.0.1:${port}/   (Ctrl-C stops web, worker and beat)

Demo logins (password: redgrid-demo):
  demo-district    district admin (Guangming District)
  demo-street      street staff (光明街道)
  demo-community   community staff (光明社区)
  demo-gridhead    grid head (光明社区第一网格)
  demo-gridworker  grid worker (光明社区第一网格)
  demo-member      Party member (光明社区第一网格)
Admin: http://127.0.0.1:${port}/admin/   API docs: http://127.0.0.1:${port}/api/docs/
Logs: var/log/web.log, var/log/worker.log, var/log/beat.log
MSG
wait -n "${pids[@]}"
echo "A RedGrid process stopped; see var/log/." >&2
exit 1
