#!/usr/bin/env bash
# Runs every benchmark in tests/benchmarks/ (bench_*.py), each in its own
# process. Each prints its figures as `bench: NAME VALUE UNIT`.
set -uo pipefail
export BENCH_PG_URL=${1:-postgres://postgres@127.0.0.1:5432/nangtam_bench}
export BENCH_REDIS_URL=${2:-redis://127.0.0.1:6379/14}
# One log line per request would bury the figures.
export LOG_LEVEL=${LOG_LEVEL:-WARNING}
status=0
for f in tests/benchmarks/bench_*.py; do
  [ -e "$f" ] || continue
  mod=$(echo "${f%.py}" | tr / .)
  echo "== $mod"
  .venv/bin/python -c "import importlib; importlib.import_module('$mod').main()" || status=$?
done
exit $status
