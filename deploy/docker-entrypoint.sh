#!/usr/bin/env bash
# Entrypoint of the command-centre image (see Dockerfile, docker-compose.yml, docs/deployment.md).
#
# What it does depends on the role, which by default follows from the command:
#
#   daphne ...   role "web":    wait for the database, `migrate --noinput` (under a PostgreSQL
#                               advisory lock, so two web replicas never migrate at the same time),
#                               copy the collected static files into $STATIC_SYNC_DIR if set, exec.
#   celery ...   role "worker": wait for the database and until no migration is pending (so a new
#                               worker or beat never runs against an old schema), exec. Covers both
#                               `celery worker` and `celery beat` (django-celery-beat's tables must exist).
#   anything else: exec at once (e.g. `docker compose run --rm web python manage.py createsuperuser`).
#
# CONTAINER_ROLE=web|worker|none overrides the detection. Other variables:
#   DB_WAIT_TIMEOUT          seconds to wait for the database             (default 120)
#   MIGRATION_WAIT_TIMEOUT   seconds a worker waits for pending migrations (default 600)
#   STATIC_SYNC_DIR          where the web role copies /app/staticfiles    (default: no copy)
set -euo pipefail

APP_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"  # /app in the image

log() { printf '%s entrypoint: %s\n' "$(date -u '+%Y-%m-%dT%H:%M:%SZ')" "$*" >&2; }

role="${CONTAINER_ROLE:-auto}"
if [ "$role" = auto ]; then
  case "${1:-}" in
    daphne) role=web ;;
    celery) role=worker ;;
    *) role=none ;;
  esac
fi

# One Python process per step: it loads the settings once (a malformed env variable stops here
# with ImproperlyConfigured naming it) and loops inside, instead of starting Django every second.
django_step() {
  (cd "$APP_DIR" && python - "$@") <<'PY'
import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.core.management import call_command
from django.db import OperationalError, connection
from django.db.migrations.executor import MigrationExecutor

step = sys.argv[1]
MIGRATE_LOCK_ID = 0x636F6D6D  # any constant shared by every web replica ("comm")


def say(text):
    print(f"entrypoint: {text}", file=sys.stderr, flush=True)


def wait_for_database(timeout):
    deadline = time.monotonic() + timeout
    while True:
        try:
            connection.ensure_connection()
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            return
        except OperationalError as exc:
            connection.close()
            if time.monotonic() > deadline:
                say(f"database not reachable after {timeout}s: {str(exc).strip().splitlines()[0]}")
                sys.exit(1)
            say("waiting for the database ...")
            time.sleep(2)


def pending_migrations():
    executor = MigrationExecutor(connection)  # reads django_migrations afresh every time
    return executor.migration_plan(executor.loader.graph.leaf_nodes())


if step == "migrate":
    wait_for_database(int(os.environ.get("DB_WAIT_TIMEOUT", "120")))
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [MIGRATE_LOCK_ID])
    try:
        call_command("migrate", interactive=False, verbosity=1)
    finally:
        # Closing the session releases the lock in any case; unlocking first is just tidy.
        try:
            if connection.connection is not None:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [MIGRATE_LOCK_ID])
        except Exception:  # noqa: BLE001
            pass
        connection.close()
elif step == "wait-migrated":
    wait_for_database(int(os.environ.get("DB_WAIT_TIMEOUT", "120")))
    timeout = int(os.environ.get("MIGRATION_WAIT_TIMEOUT", "600"))
    deadline = time.monotonic() + timeout
    while True:
        try:
            plan = pending_migrations()
        except OperationalError:
            plan = None  # the database went away for a moment (restart): just try again
            connection.close()
        if plan == []:
            break
        if time.monotonic() > deadline:
            say(f"migrations still pending after {timeout}s; is the web service running?")
            sys.exit(1)
        say("waiting for the web service to apply migrations ...")
        time.sleep(3)
    connection.close()
else:
    raise SystemExit(f"unknown step {step!r}")
PY
}

# Copy the static files collected at build time into the volume nginx serves, then remove files
# that the current image no longer has. Skipped when the volume already holds this image's files
# (same stamp), so restarts are quick. Files keep their build-time mtimes, so nginx's ETag and
# Last-Modified stay stable across restarts.
sync_static() {
  local src="$APP_DIR/staticfiles" dst="$1"
  local stamp_file="$dst/.collected-stamp" stamp
  [ -d "$src" ] || { log "no $src in the image; nothing to copy"; return 0; }
  mkdir -p "$dst"
  stamp="$(cd "$src" && find . -type f -printf '%P %s %T@\n' | LC_ALL=C sort | sha256sum | cut -d' ' -f1)"
  if [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$stamp" ]; then
    log "static files in $dst are up to date"
    return 0
  fi
  log "copying static files to $dst"
  cp -R --preserve=mode,timestamps --no-target-directory "$src" "$dst"
  # Remove what the image no longer has (deepest first, so emptied directories go too).
  (
    cd "$dst"
    find . -mindepth 1 -depth ! -name .collected-stamp -print0 |
      while IFS= read -r -d '' path; do
        rel="${path#./}"
        if [ ! -e "$src/$rel" ] && [ ! -L "$src/$rel" ]; then
          rm -rf -- "$path"
        fi
      done
  )
  printf '%s\n' "$stamp" >"$stamp_file"
}

case "$role" in
  web)
    log "role web: migrate, then start: $*"
    django_step migrate
    if [ -n "${STATIC_SYNC_DIR:-}" ]; then
      sync_static "$STATIC_SYNC_DIR"
    fi
    ;;
  worker)
    log "role worker: wait for the database and migrations, then start: $*"
    django_step wait-migrated
    ;;
  none) ;;
  *)
    log "CONTAINER_ROLE=$role is not one of web, worker, none"
    exit 64
    ;;
esac

if [ "$#" -eq 0 ]; then
  log "no command given"
  exit 64
fi
exec "$@"
