"""Settings for the benchmarks only (``DJANGO_SETTINGS_MODULE=bench.settings``).

The platform's own settings, plus a bench app holding 1,000,000 points registered as a catalogue layer,
on a database, channel-layer prefix and cache prefix of its own, so that a bench never touches the
project's database or hears another checkout's screens. DEBUG is off, as in production (with DEBUG on,
Django keeps every query in memory and the figures would not be the production path's).
"""

from config.settings import *  # noqa: F403
from config.settings import CACHES, CHANNEL_LAYERS, INSTALLED_APPS
from config.env import database_from_url, env_int, env_str

# Deliberately not DATABASE_URL: a shell that exports the project's database must not get 1M rows.
DATABASES = {
    "default": database_from_url("BENCH_DATABASE_URL", "postgis://postgres@127.0.0.1:5432/cc_bench")
}
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
