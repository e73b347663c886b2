#!/usr/bin/env bash
# Start the platform with demo data: Daphne, a Celery worker and Celery beat (see Procfile).
# Ctrl-C stops everything this script started, including a PostgreSQL or Redis that the set-up
# started because none was running.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VAR="$ROOT/.var"
rm -f "$VAR/started-postgres" "$VAR/started-redis"

scripts/bootstrap.sh demo

stop_started() {
  if [ -f "$VAR/started-redis" ] && [ -f "$VAR/redis/redis.pid" ]; then
    kill "$(cat "$VAR/redis/redis.pid")" 2>/dev/null || true
    rm -f "$VAR/started-redis"
  fi
  if [ -f "$VAR/started-postgres" ]; then
    PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
    if [ "$(id -u)" = 0 ]; then
      runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$VAR/pg/data" -m fast stop >/dev/null || true
    else
      "$PG_BIN/pg_ctl" -D "$VAR/pg/data" -m fast stop >/dev/null || true
    fi
    rm -f "$VAR/started-postgres"
  fi
}
trap stop_started EXIT

.venv/bin/python manage.py load_demo

export DEMO_HOST="${DEMO_HOST:-127.0.0.1}" DEMO_PORT="${DEMO_PORT:-8000}"
cat <<MSG

  应急指挥中心平台 is starting at:  http://$DEMO_HOST:$DEMO_PORT/
  Health:                           http://$DEMO_HOST:$DEMO_PORT/healthz
  Demo logins are listed above.      Press Ctrl-C to stop everything.

MSG
PATH="$ROOT/.venv/bin:$PATH" .venv/bin/honcho start -f Procfile
