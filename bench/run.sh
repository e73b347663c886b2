#!/usr/bin/env bash
# Issue 6 benchmarks, one command:  bench/run.sh  [options of bench/run.py, e.g. --only tiles --rounds 1]
#
# Sets up what it needs (idempotently), then runs bench/run.py, which starts and stops its own
# Daphne and tipg processes on free ports and prints a summary table:
#   - wrk (Debian) as the HTTP load generator and pgbench (PostgreSQL client) for the database floor;
#   - the bench database (BENCH_DATABASE_URL, default postgis://postgres@127.0.0.1:5432/cc_bench) with
#     PostGIS, migrated with bench.settings; 1,000,000 points loaded once (kept between runs);
#   - bench/.venv-tipg: tipg (bench/requirements-tipg.txt), never in the project venv;
#   - bench/.venv-pool: the project's packages plus psycopg 3 (bench/requirements-pool.txt), for the
#     "ours_pool" variant that measures the proposed fix (Django's connection pool);
#   - the project venv's "bench" extra (the WebSocket client).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BENCH_DATABASE_URL="${BENCH_DATABASE_URL:-postgis://postgres@127.0.0.1:5432/cc_bench}"
export BENCH_DATABASE_URL
PY="$ROOT/.venv/bin/python"

say() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31mERROR:\033[0m %s\n' "$*" >&2; exit 1; }

[ -x "$PY" ] || die "no project venv at .venv: run scripts/bootstrap.sh (make setup) first"

# --- tools ------------------------------------------------------------------------------------
missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v pgbench >/dev/null 2>&1 || missing+=(postgresql-client)
command -v psql >/dev/null 2>&1 || missing+=(postgresql-client)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    say "installing ${missing[*]} (Debian packages)"
    apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq "${missing[@]}"; }
  else
    die "missing ${missing[*]}: sudo apt-get install ${missing[*]}"
  fi
fi

"$PY" -c 'import websockets' 2>/dev/null || { say "installing the bench extra into .venv"; "$PY" -m pip install -q -e ".[bench]"; }

if ! bench/.venv-tipg/bin/python -c 'import tipg' 2>/dev/null \
  || [ bench/requirements-tipg.txt -nt bench/.venv-tipg/.installed ]; then
  say "installing tipg into bench/.venv-tipg"
  python3 -m venv bench/.venv-tipg
  bench/.venv-tipg/bin/pip install -q -r bench/requirements-tipg.txt
  touch bench/.venv-tipg/.installed
fi

if ! bench/.venv-pool/bin/python -c 'import psycopg_pool, django' 2>/dev/null \
  || [ bench/requirements-pool.txt -nt bench/.venv-pool/.installed ]; then
  say "preparing bench/.venv-pool (project packages + psycopg 3)"
  "$PY" -m venv bench/.venv-pool
  site_pool="$(bench/.venv-pool/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
  site_main="$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
  # The project's own packages, read in place (after psycopg 3, which Django then prefers).
  echo "import site; site.addsitedir('$site_main')" >"$site_pool/zz_project_venv.pth"
  bench/.venv-pool/bin/pip install -q -r bench/requirements-pool.txt
  touch bench/.venv-pool/.installed
fi

# --- the bench database -------------------------------------------------------------------------
read -r DB_USER DB_HOST DB_PORT DB_NAME < <("$PY" - <<'PY'
import os
from urllib.parse import unquote, urlsplit
u = urlsplit(os.environ["BENCH_DATABASE_URL"])
print(unquote(u.username or "postgres"), u.hostname or "127.0.0.1", u.port or 5432, unquote(u.path.lstrip("/")))
PY
)
PSQL=(psql -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" -X -q -v ON_ERROR_STOP=1)
if [ -z "$("${PSQL[@]}" -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" ]; then
  say "creating database $DB_NAME"
  "${PSQL[@]}" -d postgres -c "CREATE DATABASE \"$DB_NAME\""
fi
"${PSQL[@]}" -d "$DB_NAME" -c "CREATE EXTENSION IF NOT EXISTS postgis"
# Short tile queries: no JIT compilation (it costs ~30 ms per z14 tile here) and no parallel workers
# (a fork per query; on 2 cores concurrent requests already use both). Set on the bench database
# only, so pgbench, Daphne and tipg all run with them; bench/run.py also measures the floor without.
"${PSQL[@]}" -d "$DB_NAME" -c "ALTER DATABASE \"$DB_NAME\" SET jit = off" \
  -c "ALTER DATABASE \"$DB_NAME\" SET max_parallel_workers_per_gather = 0"
say "migrating $DB_NAME"
DJANGO_SETTINGS_MODULE=bench.settings "$PY" manage.py migrate --noinput -v 0

# Many sockets in the alert bench: raise the open-file limit as far as allowed.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

exec env DJANGO_SETTINGS_MODULE=bench.settings PYTHONPATH="$ROOT" "$PY" -m bench.run "$@"
