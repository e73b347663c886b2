"""Settings for the benchmarks only (``DJANGO_SETTINGS_MODULE=bench.settings``).

The platform's own settings, plus a bench app holding 1,000,000 points registered as a catalogue layer,
on a database, channel-layer prefix and cache prefix of its own, so that a bench never touches the
project's database or hears another checkout's screens. DEBUG is off, as in production (with DEBUG on,
Django keeps every query in memory and the figures would not be the production path's).
"""

from config.env import database_from_url, env_bool, env_int, env_str
from config.settings import *  # noqa: F403
from config.settings import CACHES, CHANNEL_LAYERS, INSTALLED_APPS

# Deliberately not DATABASE_URL: a shell that exports the project's database must not get 1M rows.
DATABASES = {"default": database_from_url("BENCH_DATABASE_URL", "postgis://postgres@127.0.0.1:5432/cc_bench")}
# Under Daphne every request runs in a new thread (asgiref's per-request ThreadSensitiveContext), and
# Django's connections are per thread: the platform's CONN_MAX_AGE=60 reuses nothing and leaves each
# request's connection open until the garbage collector happens to free it. On a shared PostgreSQL
# that exhausts max_connections within seconds of load ("too many clients"), so the bench closes
# each connection at the end of its request, as CONN_MAX_AGE=0 does. Per request, this is the cost
# the platform pays anyway (one new connection per request); see bench/README.md.
DATABASES["default"]["CONN_MAX_AGE"] = env_int("BENCH_CONN_MAX_AGE", 0, minimum=0)
# The proposed fix, measured side by side (bench/.venv-pool: the project's packages plus psycopg 3):
# Django's own connection pool (5.1+), so each request borrows a warm connection instead of opening
# one and paying PostGIS's and PROJ's start-up in a fresh backend.
if env_bool("BENCH_DB_POOL", False):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "pool": {"min_size": 2, "max_size": env_int("BENCH_DB_POOL_SIZE", 4, minimum=1), "timeout": 10}
    }
# Exploration knobs (run.sh leaves them alone; bench/README.md reports what they showed): the cost of
# the session write on every request, and of reading sessions through the Redis cache (under ASGI
# each request gets a new cache object, so a new Redis connection).
if not env_bool("BENCH_SESSION_SAVE_EVERY_REQUEST", True):
    SESSION_SAVE_EVERY_REQUEST = False
SESSION_ENGINE = env_str("BENCH_SESSION_ENGINE", SESSION_ENGINE)  # noqa: F405
INSTALLED_APPS = [*INSTALLED_APPS, "bench.benchapp"]

DEBUG = False
SERVE_STATIC = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

BENCH_PREFIX = env_str("BENCH_CHANNEL_LAYER_PREFIX", "cc-bench")
CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = BENCH_PREFIX
CACHES["default"]["KEY_PREFIX"] = BENCH_PREFIX

# The GeoJSON bench asks for a box holding about 4,000 features; keep the limit above it.
LAYER_GEOJSON_MAX_FEATURES = env_int("BENCH_GEOJSON_MAX_FEATURES", 10000, minimum=1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
