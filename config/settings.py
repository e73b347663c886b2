"""Settings for the command-centre platform.

Every deployment knob comes from an environment variable (see README, "Configuration"). Defaults work
on a developer machine; a malformed value stops start-up with a message naming the variable.
"""

from __future__ import annotations

import os
import re
import sys
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import (
    database_from_url,
    env_bool,
    env_int,
    env_list,
    env_str,
    env_url,
    redis_db_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
TESTING = "pytest" in sys.modules or env_bool("DJANGO_TESTING", False)

_DEV_SECRET = "dev-insecure-secret-key-change-me-0123456789abcdefghijklmnopqrstuvwxyz"  # noqa: S105
DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET)
if not DEBUG and SECRET_KEY == _DEV_SECRET:
    raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_DEBUG is false")
if len(SECRET_KEY) < 32:
    raise ImproperlyConfigured("SECRET_KEY must be at least 32 characters long")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", ["http://localhost:8000", "http://127.0.0.1:8000"])
for _origin in CSRF_TRUSTED_ORIGINS:
    if not re.match(r"^https?://[^/\s]+$", _origin):
        raise ImproperlyConfigured(
            f"CSRF_TRUSTED_ORIGINS entry {_origin!r} must look like https://host[:port]"
        )

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "rest_framework",
    "rest_framework_gis",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "leaflet",
    "django_celery_beat",
    "channels",
    # Our apps, in dependency order (a lower app never imports a higher one).
    "core",
    "accounts",
    "gis",
    "emergency",
    "sanfang",
    "forestfire",
    "enterprise_safety",
    "ingest",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.platform",
            ],
        },
    },
]

# --- Database (PostGIS) -------------------------------------------------------------------------
DATABASE_URL_DEFAULT = "postgis://postgres@127.0.0.1:5432/command_centre"
DATABASES = {"default": database_from_url("DATABASE_URL", DATABASE_URL_DEFAULT)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, Celery, Channels --------------------------------------------------------------------
REDIS_URL = env_url("REDIS_URL", "redis://127.0.0.1:6379/0", schemes=("redis", "rediss", "unix"))
CELERY_BROKER_URL = env_url(
    "CELERY_BROKER_URL", redis_db_url(REDIS_URL, 1), schemes=("redis", "rediss", "amqp", "unix")
)
CELERY_RESULT_BACKEND = env_url(
    "CELERY_RESULT_BACKEND", redis_db_url(REDIS_URL, 2), schemes=("redis", "rediss", "unix", "django-db")
)
CHANNEL_LAYER_URL = env_url(
    "CHANNEL_LAYER_URL", redis_db_url(REDIS_URL, 3), schemes=("redis", "rediss", "unix")
)

CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 300, minimum=1)
CELERY_TASK_TIME_LIMIT = CELERY_TASK_SOFT_TIME_LIMIT + 30
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_RESULT_EXPIRES = timedelta(days=1)

CHANNEL_LAYERS = {
    "default": {
        # Pub/sub: lower latency and CPU for fan-out to many screens (PERFORMANCE.md §2). It keeps no
        # backlog, which is fine because alerts live in the database and screens replay from there.
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {
            "hosts": [CHANNEL_LAYER_URL],
            "prefix": env_str("CHANNEL_LAYER_PREFIX", "cc"),
        },
    }
}

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "cc",
        "TIMEOUT": 300,
    }
}

# --- Accounts and login security (等保 level 2; DOMAIN.md §4) ----------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["accounts.backends.RoleModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

PASSWORD_MIN_LENGTH = env_int("PASSWORD_MIN_LENGTH", 8, minimum=8, maximum=128)
PASSWORD_MIN_CLASSES = env_int("PASSWORD_MIN_CLASSES", 3, minimum=1, maximum=4)
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1, maximum=100)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 30, minimum=1, maximum=24 * 60)
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30, minimum=1, maximum=24 * 60)
PASSWORD_HASH_ITERATIONS = env_int("PASSWORD_HASH_ITERATIONS", 600_000, minimum=1_000)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {
        "NAME": "accounts.validators.CharacterClassValidator",
        "OPTIONS": {"min_classes": PASSWORD_MIN_CLASSES},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
PASSWORD_HASHERS = [
    "accounts.hashers.PBKDF2SM3PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

# An idle session ends after SESSION_IDLE_MINUTES: the expiry slides forward on every request.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# HMAC-SM3 key for the audit hash chain; kept outside the database so that rewriting the log
# and recomputing the chain needs more than database access.
AUDIT_HMAC_KEY = env_str("AUDIT_HMAC_KEY", SECRET_KEY)
# SM4 key (32 hex digits) for personal data and secrets stored encrypted (core.fields). Without it
# a key is derived from SECRET_KEY, which is only acceptable in development.
FIELD_ENCRYPTION_KEY = env_str("FIELD_ENCRYPTION_KEY", "")
if FIELD_ENCRYPTION_KEY and not re.fullmatch(r"[0-9a-fA-F]{32}", FIELD_ENCRYPTION_KEY):
    raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY must be 32 hexadecimal digits (16 bytes)")
if not FIELD_ENCRYPTION_KEY and not DEBUG:
    raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY must be set when DJANGO_DEBUG is false")

# --- Internationalisation and time ----------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Shanghai"

# --- Static files ------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Front-end libraries come from npm (package.json) and are served by us: nothing from a CDN.
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
    ("vendor/leaflet.vectorgrid", NODE_MODULES / "leaflet.vectorgrid" / "dist"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / ".var" / "media")))
# Daphne serves static files itself on a developer machine; in production nginx does it.
SERVE_STATIC = env_bool("SERVE_STATIC", DEBUG)

# --- Maps --------------------------------------------------------------------------------------
# Empty means no basemap: the map still shows district boundaries and every layer on a plain background.
BASEMAP_TILE_URL = os.environ.get("BASEMAP_TILE_URL", "").strip()
if BASEMAP_TILE_URL and not re.match(r"^https?://\S+$", BASEMAP_TILE_URL):
    raise ImproperlyConfigured(f"BASEMAP_TILE_URL={BASEMAP_TILE_URL!r} must be an http(s) URL")
if BASEMAP_TILE_URL and not all(p in BASEMAP_TILE_URL for p in ("{z}", "{x}", "{y}")):
    raise ImproperlyConfigured("BASEMAP_TILE_URL must contain the {z}, {x} and {y} placeholders")
BASEMAP_ATTRIBUTION = env_str("BASEMAP_ATTRIBUTION", "")
LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (22.27, 113.55),
    "DEFAULT_ZOOM": 10,
    "MIN_ZOOM": 3,
    "MAX_ZOOM": 18,
    "TILES": [(_("Basemap"), BASEMAP_TILE_URL, {"attribution": BASEMAP_ATTRIBUTION})]
    if BASEMAP_TILE_URL
    else [],
    "ATTRIBUTION_PREFIX": "",
    "RESET_VIEW": False,
    "NO_GLOBALS": False,
}

# Real public data beside the project (never copied into it).
SHARED_DATA_DIR = Path(env_str("SHARED_DATA_DIR", str(BASE_DIR.parent / "shared" / "data")))

# --- REST API ----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "accounts.authentication.ApiKeyAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "accounts.authentication.ApiKeyScopes",
    ],
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "应急指挥中心平台 API",
    "DESCRIPTION": "REST API of the municipal emergency command centre platform.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models share field names (level, status) with different choice sets: name them.
    "ENUM_NAME_OVERRIDES": {
        "IncidentLevelEnum": "emergency.choices.IncidentLevel",
        "IncidentStatusEnum": "emergency.choices.IncidentStatus",
        "ResponseLevelEnum": "emergency.choices.ResponseLevel",
        "ResponseStatusEnum": "emergency.choices.ResponseStatus",
        "PlanVersionStatusEnum": "emergency.choices.PlanVersionStatus",
        "TaskStatusEnum": "emergency.choices.TaskStatus",
        "DispatchStatusEnum": "emergency.choices.DispatchStatus",
    },
}

# --- Logging -----------------------------------------------------------------------------------
LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(f"LOG_LEVEL={LOG_LEVEL!r} is not a logging level")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

if TESTING:
    # Fast hashing keeps login tests quick; the SM3 hasher itself is tested directly.
    PASSWORD_HASH_ITERATIONS = 1_000
    # Suites run side by side on one Redis (one per database) must not hear each other.
    _test_prefix = f"cc-test-{DATABASES['default']['NAME']}"
    CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = _test_prefix
    CACHES["default"]["KEY_PREFIX"] = _test_prefix

# GDAL < 3.9 cannot block network access from spatial references; we only ever pass EPSG codes
# and never let users supply SRS definitions, so the warning does not apply here.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

# --- Audit log: client addresses behind proxies (accounts.middleware) ---------------------------
# Addresses or networks of our own reverse proxies. When a request comes from one of them, the audit
# log records the right-most X-Forwarded-For address that is not one of them; otherwise REMOTE_ADDR.
# Empty (the default) trusts no header at all.
AUDIT_TRUSTED_PROXIES = env_list("AUDIT_TRUSTED_PROXIES", [])

# --- One map and live screens -------------------------------------------------------------------
# GeoJSON answers with at most this many features; past it the client is told to zoom in or use
# the vector tiles (documented in the API schema).
LAYER_GEOJSON_MAX_FEATURES = env_int("LAYER_GEOJSON_MAX_FEATURES", 5000, minimum=1)
# A (re)connecting screen gets this many recent alerts, then every alert after the last id it saw,
# up to LIVE_REPLAY_LIMIT per sync (it asks again while more remain).
LIVE_SNAPSHOT_ALERTS = env_int("LIVE_SNAPSHOT_ALERTS", 50, minimum=1)
LIVE_REPLAY_LIMIT = env_int("LIVE_REPLAY_LIMIT", 500, minimum=1)
# Screens re-sync this often; it heals a push lost while Redis restarted.
LIVE_SYNC_SECONDS = env_int("LIVE_SYNC_SECONDS", 20, minimum=2)
# Vector tiles are made on this many worker threads, each keeping one database connection.
TILE_WORKERS = env_int("TILE_WORKERS", 4, minimum=1, maximum=64)
# How long a tile request may trust an earlier lookup of its session (a sign-out takes this long to
# reach tiles; pages and the API check on every request).
TILE_SESSION_CACHE_SECONDS = env_int("TILE_SESSION_CACHE_SECONDS", 10, minimum=0, maximum=300)

# --- 三防 (issue 5) -------------------------------------------------------------------------------
from config.env import env_float, env_floats  # noqa: E402  (the blocks below)

# Every model parameter is a setting with the DOMAIN.md default; one block per part of the app.

# -- monitoring (rolling rainfall, trend, station states)
# A station whose latest reading of its judged variable is older than this is "no data".
SANFANG_MAX_DATA_AGE_MINUTES = env_int("SANFANG_MAX_DATA_AGE_MINUTES", 60, minimum=1)
# The trend compares the latest value with the one this long before it (levels), or the rain of the
# last such span with the span before it (rain gauges); changes within the tolerances are "steady".
SANFANG_TREND_MINUTES = env_int("SANFANG_TREND_MINUTES", 60, minimum=1)
SANFANG_TREND_LEVEL_TOLERANCE = env_float("SANFANG_TREND_LEVEL_TOLERANCE", 0.02, minimum=0)
SANFANG_TREND_RAIN_TOLERANCE_MM = env_float("SANFANG_TREND_RAIN_TOLERANCE_MM", 1.0, minimum=0)
# Alert levels raised when a station crosses its warning and its danger level.
SANFANG_ALERT_LEVEL_WARNING = env_str("SANFANG_ALERT_LEVEL_WARNING", "yellow")
SANFANG_ALERT_LEVEL_DANGER = env_str("SANFANG_ALERT_LEVEL_DANGER", "red")
# Every station is re-judged this often, so a silent station turns "no data" with time.
SANFANG_STATUS_REFRESH_SECONDS = env_int("SANFANG_STATUS_REFRESH_SECONDS", 300, minimum=10)
# Recompute statuses in a Celery task after each stored batch (True) or in the storing process.
SANFANG_STATUS_REFRESH_ASYNC = env_bool("SANFANG_STATUS_REFRESH_ASYNC", False)
# The longest series the readings API returns for one station.
SANFANG_READINGS_MAX_HOURS = env_int("SANFANG_READINGS_MAX_HOURS", 168, minimum=1)
# (end of monitoring)

# -- typhoons (the city point, warning lines, cone, replay)
# The point whose distance, approach and wind the typhoon facts describe (Zhuhai, lng, lat; WGS 84).
SANFANG_CITY_POINT = env_floats("SANFANG_CITY_POINT", [113.576, 22.271])
# China's 24 h and 48 h typhoon warning lines (CMA), as lng,lat pairs from north to south.
TYPHOON_WARNING_LINE_24H = env_floats(
    "TYPHOON_WARNING_LINE_24H", [127, 34, 127, 22, 119, 18, 119, 11, 113, 4.5, 105, 0]
)
TYPHOON_WARNING_LINE_48H = env_floats("TYPHOON_WARNING_LINE_48H", [132, 34, 132, 15, 120, 0, 105, 0])
# The cone of uncertainty: its radius (km) at these forecast lead times (h), interpolated between.
TYPHOON_CONE_LEAD_HOURS = env_floats("TYPHOON_CONE_LEAD_HOURS", [0, 12, 24, 48, 72, 96, 120])
TYPHOON_CONE_RADII_KM = env_floats("TYPHOON_CONE_RADII_KM", [20, 60, 100, 180, 280, 380, 480])
# A storm with no fix this many hours before a moment is not "active" then (unless flagged active).
TYPHOON_ACTIVE_HOURS = env_float("TYPHOON_ACTIVE_HOURS", 12, minimum=0)
# Force 6 is taken to reach this multiple of the force-7 radius (the sources give no force-6 radius).
TYPHOON_FORCE6_RADIUS_FACTOR = env_float("TYPHOON_FORCE6_RADIUS_FACTOR", 1.5, minimum=1)
# Guangdong typhoon signals (DOMAIN.md §2.2) for white, blue, yellow, orange, red: the wind force
# expected at the city within so many hours (orange and red use the national criteria).
TYPHOON_SIGNAL_HOURS = env_floats("TYPHOON_SIGNAL_HOURS", [48, 24, 24, 12, 6])
TYPHOON_SIGNAL_FORCES = env_floats("TYPHOON_SIGNAL_FORCES", [6, 6, 8, 10, 12])
# The replay (manage.py replay_storm): sender of its CAP exercise warnings, area radius around the
# city, forecast lead times, and the synthetic readings it makes near the storm.
TYPHOON_REPLAY_SENDER = env_str("TYPHOON_REPLAY_SENDER", "replay@sanfang.zhuhai.example")
TYPHOON_REPLAY_AREA_KM = env_float("TYPHOON_REPLAY_AREA_KM", 40, minimum=1)
TYPHOON_REPLAY_FORECAST_HOURS = env_floats("TYPHOON_REPLAY_FORECAST_HOURS", [6, 12, 24, 36, 48, 72])
TYPHOON_REPLAY_RAIN_PEAK_MM_H = env_float("TYPHOON_REPLAY_RAIN_PEAK_MM_H", 45, minimum=0)
TYPHOON_REPLAY_RAIN_SCALE_KM = env_float("TYPHOON_REPLAY_RAIN_SCALE_KM", 180, minimum=1)
TYPHOON_REPLAY_SURGE_PEAK_M = env_float("TYPHOON_REPLAY_SURGE_PEAK_M", 2.2, minimum=0)
TYPHOON_REPLAY_TIDE_MEAN_M = env_float("TYPHOON_REPLAY_TIDE_MEAN_M", 0.6)
TYPHOON_REPLAY_TIDE_AMPLITUDE_M = env_float("TYPHOON_REPLAY_TIDE_AMPLITUDE_M", 0.8, minimum=0)
# (end of typhoons)

# -- impact analysis
# The rain zone: a buffer of this radius (metres) around each rain gauge over the threshold.
SANFANG_IMPACT_RAIN_BUFFER_M = env_float("SANFANG_IMPACT_RAIN_BUFFER_M", 5000.0, minimum=100, maximum=100_000)
# Rows of each list in the summary answer (POST /api/sanfang/impact/); the rest are paged.
SANFANG_IMPACT_PREVIEW_ROWS = env_int("SANFANG_IMPACT_PREVIEW_ROWS", 20, minimum=0, maximum=500)
SANFANG_IMPACT_PAGE_SIZE = env_int("SANFANG_IMPACT_PAGE_SIZE", 50, minimum=1, maximum=1000)
# A zone may have at most this many vertices and cover at most this area (km²); a big typhoon's
# 24 h force-7 swath (Hato: radius ~230 km) covers some 500,000 km².
SANFANG_IMPACT_MAX_VERTICES = env_int("SANFANG_IMPACT_MAX_VERTICES", 5000, minimum=4)
SANFANG_IMPACT_MAX_AREA_KM2 = env_float("SANFANG_IMPACT_MAX_AREA_KM2", 1_500_000.0, minimum=1)
# The Excel export stops at this many rows per sheet (the lists are grouped in the sheet's order).
SANFANG_IMPACT_EXPORT_MAX_ROWS = env_int("SANFANG_IMPACT_EXPORT_MAX_ROWS", 100_000, minimum=100)
# Tasks sent from the impact lists are due this many minutes after they are sent.
SANFANG_IMPACT_TASK_DEADLINE_MINUTES = env_int("SANFANG_IMPACT_TASK_DEADLINE_MINUTES", 120, minimum=5)
# (end of impact)

# -- risk models and response-level recommendation
# Rainstorm-landslide risk coefficient (README "三防 models"): C = s · (R0 + Σ_{i=1..N} K^i·R_i + w·I) / P_ref.
SANFANG_LANDSLIDE_DECAY_K = env_float("SANFANG_LANDSLIDE_DECAY_K", 0.84, minimum=0.0, maximum=1.0)
SANFANG_LANDSLIDE_ANTECEDENT_DAYS = env_int("SANFANG_LANDSLIDE_ANTECEDENT_DAYS", 15, minimum=1, maximum=90)
SANFANG_LANDSLIDE_INTENSITY_HOURS = env_int("SANFANG_LANDSLIDE_INTENSITY_HOURS", 1, minimum=1, maximum=24)
SANFANG_LANDSLIDE_INTENSITY_WEIGHT = env_float("SANFANG_LANDSLIDE_INTENSITY_WEIGHT", 1.0, minimum=0.0)
SANFANG_LANDSLIDE_REFERENCE_MM = env_float("SANFANG_LANDSLIDE_REFERENCE_MM", 100.0, minimum=0.001)
# Coefficient at or above which a point is blue, yellow, orange, red (ascending).
SANFANG_LANDSLIDE_THRESHOLDS = env_floats("SANFANG_LANDSLIDE_THRESHOLDS", [0.25, 0.5, 0.75, 1.0])
SANFANG_LANDSLIDE_STATION_RADIUS_KM = env_float("SANFANG_LANDSLIDE_STATION_RADIUS_KM", 15.0, minimum=0.1)
SANFANG_LANDSLIDE_STATIONS = env_int("SANFANG_LANDSLIDE_STATIONS", 3, minimum=1, maximum=20)
# Natural-disaster risk (README "三防 models"): R = H^a · E^b · V^c / C^d per district or grid cell.
SANFANG_RISK_EXPONENTS = env_floats("SANFANG_RISK_EXPONENTS", [1.0, 1.0, 1.0, 1.0])  # a, b, c, d
SANFANG_RISK_HAZARD_REF = env_float("SANFANG_RISK_HAZARD_REF", 10.0, minimum=0.001)
SANFANG_RISK_EXPOSURE_REF = env_float("SANFANG_RISK_EXPOSURE_REF", 5000.0, minimum=0.001)
SANFANG_RISK_VULNERABILITY_REF = env_float("SANFANG_RISK_VULNERABILITY_REF", 10.0, minimum=0.001)
SANFANG_RISK_VULNERABILITY_MIN = env_float("SANFANG_RISK_VULNERABILITY_MIN", 0.1, minimum=0.0, maximum=1.0)
SANFANG_RISK_SHELTER_REF = env_float("SANFANG_RISK_SHELTER_REF", 5000.0, minimum=0.001)
SANFANG_RISK_TEAM_REF = env_float("SANFANG_RISK_TEAM_REF", 5.0, minimum=0.001)
# R at or above which a unit is yellow, orange, red (ascending); below the first it is blue.
SANFANG_RISK_THRESHOLDS = env_floats("SANFANG_RISK_THRESHOLDS", [0.05, 0.15, 0.3])
SANFANG_RISK_GRID_KM = env_float("SANFANG_RISK_GRID_KM", 5.0, minimum=0.5)
# Response-level recommendation: re-evaluate in a Celery task (False: inline after commit, e.g. the
# demo without a worker); bursts of changes within the delay share one evaluation.
# Off by default under tests, so other apps' tests are not changed by it (the wiring test turns it on).
SANFANG_DECISIONS_ON_CHANGE = env_bool("SANFANG_DECISIONS_ON_CHANGE", not TESTING)
SANFANG_DECISIONS_ASYNC = env_bool("SANFANG_DECISIONS_ASYNC", True)
SANFANG_DECISIONS_DEBOUNCE_SECONDS = env_int("SANFANG_DECISIONS_DEBOUNCE_SECONDS", 5, minimum=0, maximum=600)
# (end of decisions)

# -- defence preparation and disaster reports
# A single reported figure above this is refused as a likely typo (people moved, ships in port, ...).
SANFANG_DEFENCE_MAX_FIGURE = env_int("SANFANG_DEFENCE_MAX_FIGURE", 5_000_000, minimum=1)
# (end of defence)
