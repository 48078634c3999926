#!/usr/bin/env bash
# The single entry point of `make bench`: installs wrk if missing, generates the benchmark data
# (database redgrid_bench, 1,000,000 requests by default) if it is not there yet, runs every
# measurement and prints one table. Arguments go to `python -m bench.run` (see --help), e.g.
#   bench/run.sh --requests 10000 --duration 5 --small-people
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v wrk >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
pg_isready -q -h 127.0.0.1 || { echo "PostgreSQL is not running on 127.0.0.1:5432" >&2; exit 1; }
redis-cli -h 127.0.0.1 ping >/dev/null || { echo "Redis is not running on 127.0.0.1:6379" >&2; exit 1; }
exec nice -n "${BENCH_NICE:-10}" .venv/bin/python -m bench.run "$@"
