#!/usr/bin/env bash
# Set up everything the platform needs on a Debian/Ubuntu machine, idempotently.
#   scripts/bootstrap.sh demo   set-up for `make demo` (then the caller starts the servers)
#   scripts/bootstrap.sh test   set-up for `make test` (adds Chromium for the browser tests)
# It installs what is missing (Debian packages when root; otherwise it prints the exact command),
# starts a local PostgreSQL/PostGIS and Redis only when none answers at the configured URLs, then
# creates the database, migrates, compiles messages and collects static files.
set -euo pipefail

MODE="${1:-demo}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VAR="$ROOT/.var"
mkdir -p "$VAR"

DATABASE_URL="${DATABASE_URL:-postgis://postgres@127.0.0.1:5432/command_centre}"
REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"
export DATABASE_URL REDIS_URL

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
die() { printf '\033[1;31mERROR:\033[0m %s\n' "$*" >&2; exit 1; }

# --- parse the URLs ---------------------------------------------------------------------------
read -r DB_USER DB_PASS DB_HOST DB_PORT DB_NAME < <(python3 - <<'PY'
import os
from urllib.parse import urlsplit, unquote
u = urlsplit(os.environ["DATABASE_URL"])
print(unquote(u.username or "postgres") or "postgres", unquote(u.password or "") or "-",
      u.hostname or "127.0.0.1", u.port or 5432, unquote(u.path.lstrip("/")) or "command_centre")
PY
)
[ "$DB_PASS" = "-" ] && DB_PASS=""
read -r REDIS_HOST REDIS_PORT < <(python3 -c "
import os; from urllib.parse import urlsplit
u = urlsplit(os.environ['REDIS_URL']); print(u.hostname or '127.0.0.1', u.port or 6379)")
export PGPASSWORD="$DB_PASS"
PSQL_ARGS=(-h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" -v ON_ERROR_STOP=1 -X -q)

pg_answers() { command -v pg_isready >/dev/null && pg_isready -q -h "$DB_HOST" -p "$DB_PORT" -t 2; }
redis_answers() {
  python3 - "$REDIS_HOST" "$REDIS_PORT" <<'PY'
import socket, sys
try:
    s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=2)
    s.sendall(b"PING\r\n"); ok = s.recv(16).startswith(b"+PONG"); s.close()
except OSError:
    ok = False
sys.exit(0 if ok else 1)
PY
}

# --- Debian packages --------------------------------------------------------------------------
PKGS=()
need_cmd() { command -v "$1" >/dev/null 2>&1 || PKGS+=("$2"); }
need_cmd psql postgresql-client
need_cmd gdalinfo gdal-bin
need_cmd msgfmt gettext
need_cmd npm npm
need_cmd gcc build-essential
command -v pg_config >/dev/null 2>&1 || PKGS+=(libpq-dev)
PYTHON="${PYTHON:-}"
if [ -z "$PYTHON" ]; then
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      PYTHON="$candidate"; break
    fi
  done
fi
[ -n "$PYTHON" ] || die "Python 3.11 is required (Debian 12 ships it as python3)."
"$PYTHON" -c 'import venv, ensurepip' 2>/dev/null || PKGS+=(python3-venv)
"$PYTHON" -c 'import sysconfig, os, sys; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' || PKGS+=(python3-dev)

if pg_answers; then
  PG_SERVER_RUNNING=1
else
  PG_SERVER_RUNNING=0
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || PKGS+=(postgresql)
  ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1 || PKGS+=(postgis)
fi
# redis-server is needed even when a Redis answers: a test restarts a private one.
need_cmd redis-server redis-server
if [ "$MODE" = test ]; then
  need_cmd chromium chromium
  fc-list 2>/dev/null | grep -qi "cjk" || PKGS+=(fonts-noto-cjk)
fi

install_pkgs() {
  [ "$#" -gt 0 ] || return 0
  if [ "$(id -u)" = 0 ]; then
    say "Installing Debian packages: $*"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  else
    die "Missing system packages. Run this, then run make again:
    sudo apt-get update && sudo apt-get install -y --no-install-recommends $*"
  fi
}
install_pkgs "${PKGS[@]}"

# --- local PostgreSQL, only when none answers -------------------------------------------------
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ "$PG_SERVER_RUNNING" = 0 ]; then
  case "$DB_HOST" in 127.0.0.1|localhost|::1) ;; *) die "No PostgreSQL answers at $DB_HOST:$DB_PORT, and it is not local." ;; esac
  PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  PGDATA="$VAR/pg/data"
  if [ ! -f "$PGDATA/PG_VERSION" ]; then
    say "Creating a local PostgreSQL cluster in $PGDATA"
    mkdir -p "$VAR/pg/run"
    [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$VAR/pg"
    as_postgres "$PG_BIN/initdb" -D "$PGDATA" -U "$DB_USER" --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  say "Starting the local PostgreSQL on port $DB_PORT"
  as_postgres "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$VAR/pg/postgres.log" -w \
    -o "-p $DB_PORT -k $VAR/pg/run -c listen_addresses=127.0.0.1" start >/dev/null
  touch "$VAR/started-postgres"
  pg_answers || die "PostgreSQL did not start; see $VAR/pg/postgres.log"
fi

# PostGIS for the server that answers (CI machines run PostgreSQL without it).
HAS_POSTGIS="$(psql "${PSQL_ARGS[@]}" -d postgres -tAc "SELECT count(*) FROM pg_available_extensions WHERE name='postgis'" 2>/dev/null || echo ERR)"
[ "$HAS_POSTGIS" = ERR ] && die "Cannot connect to PostgreSQL at $DB_HOST:$DB_PORT as $DB_USER (check DATABASE_URL)."
if [ "$HAS_POSTGIS" = 0 ]; then
  PG_MAJOR="$(psql "${PSQL_ARGS[@]}" -d postgres -tAc "SELECT current_setting('server_version_num')::int / 10000")"
  install_pkgs "postgresql-$PG_MAJOR-postgis-3"
fi

# --- local Redis, only when none answers ------------------------------------------------------
if ! redis_answers; then
  case "$REDIS_HOST" in 127.0.0.1|localhost|::1) ;; *) die "No Redis answers at $REDIS_HOST:$REDIS_PORT, and it is not local." ;; esac
  say "Starting a local Redis on port $REDIS_PORT"
  mkdir -p "$VAR/redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$VAR/redis" \
    --pidfile "$VAR/redis/redis.pid" --logfile "$VAR/redis/redis.log" --appendonly yes >/dev/null
  touch "$VAR/started-redis"
  for _ in $(seq 1 20); do redis_answers && break; sleep 0.25; done
  redis_answers || die "Redis did not start; see $VAR/redis/redis.log"
fi

# --- Python environment and npm packages ------------------------------------------------------
if [ ! -x .venv/bin/python ]; then
  say "Creating the Python virtual environment"
  "$PYTHON" -m venv .venv
fi
if [ ! -f .venv/.installed ] || [ pyproject.toml -nt .venv/.installed ]; then
  say "Installing Python packages"
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -e ".[dev]"
  touch .venv/.installed
fi
if [ ! -f node_modules/.installed ] || [ package-lock.json -nt node_modules/.installed ]; then
  say "Installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
  touch node_modules/.installed
fi

# --- database, migrations, messages, static ---------------------------------------------------
if [ "$(psql "${PSQL_ARGS[@]}" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$DB_NAME'")" != 1 ]; then
  say "Creating database $DB_NAME"
  psql "${PSQL_ARGS[@]}" -d postgres -c "CREATE DATABASE \"$DB_NAME\" ENCODING 'UTF8'"
fi
psql "${PSQL_ARGS[@]}" -d "$DB_NAME" -c "CREATE EXTENSION IF NOT EXISTS postgis"

say "Migrating, compiling messages, collecting static files"
.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python manage.py compilemessages -v 0 --ignore=.venv --ignore=node_modules
.venv/bin/python manage.py collectstatic --noinput -v 0
say "Set-up done."
