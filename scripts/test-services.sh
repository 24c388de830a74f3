#!/usr/bin/env bash
# The parts of `make test` that need real services: the whole suite again on
# PostgreSQL, and the tests that go through a real Celery worker on Redis.
# Each runs when its service answers, and says so plainly when it does not.
set -uo pipefail
pg_url=$1; redis_url=$2; shift 2
py=.venv/bin/python
status=0

pg_up=$($py - "$pg_url" <<'PY'
import sys
import psycopg
from urllib.parse import urlparse
u = urlparse(sys.argv[1])
try:
    psycopg.connect(host=u.hostname, port=u.port or 5432, user=u.username, dbname="postgres", connect_timeout=3).close()
    print("yes")
except Exception:
    print("no")
PY
)
redis_up=$($py - "$redis_url" <<'PY'
import sys
import redis
try:
    redis.Redis.from_url(sys.argv[1], socket_connect_timeout=2).ping()
    print("yes")
except Exception:
    print("no")
PY
)

if [ "$pg_up" = yes ]; then
  echo "== Test suite on PostgreSQL ($pg_url)"
  if [ "$redis_up" = yes ]; then
    echo "== Redis answers ($redis_url): the Celery tests run through a real worker"
    export TEST_CELERY_BROKER_URL=$redis_url
  else
    echo "SKIPPED: Redis does not answer at $redis_url; the real Celery worker tests are skipped."
  fi
  DATABASE_URL=$pg_url .venv/bin/pytest -p no:cacheprovider "$@" || status=$?
else
  echo "SKIPPED: PostgreSQL does not answer at $pg_url; the PostgreSQL run (and the Celery worker tests, which need it) are skipped."
fi
exit $status
