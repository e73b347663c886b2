"""Settings come from the environment and fail loudly on a bad value."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from config import env


def run_settings(**overrides):
    """Import the settings in a fresh interpreter with the given environment."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    environment.update(overrides)
    return subprocess.run(
        [sys.executable, "-c", "import config.settings as s; print(s.DATABASES['default']['NAME'])"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_defaults_work():
    result = run_settings()
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DATABASE_URL", "mysql://root@localhost/x", "scheme must be one of"),
        ("DATABASE_URL", "postgis://localhost:notaport/x", "invalid port"),
        ("DATABASE_URL", "postgis://localhost/", "must name exactly one database"),
        ("REDIS_URL", "http://localhost:6379", "scheme must be one of"),
        ("DJANGO_DEBUG", "maybe", "is not a boolean"),
        ("SECRET_KEY", "short", "at least 32 characters"),
        ("LOGIN_FAILURE_LIMIT", "five", "is not an integer"),
        ("PASSWORD_MIN_LENGTH", "6", "below the minimum 8"),
        ("BASEMAP_TILE_URL", "ftp://tiles/{z}/{x}/{y}.png", "http(s) URL"),
        ("BASEMAP_TILE_URL", "http://tiles.example/tile.png", "{z}, {x} and {y}"),
        ("ALLOWED_HOSTS", " , ", "lists nothing"),
        ("CSRF_TRUSTED_ORIGINS", "localhost:8000", "must look like"),
        ("LOG_LEVEL", "LOUD", "is not a logging level"),
    ],
)
def test_bad_values_fail_loudly(name, value, message):
    result = run_settings(**{name: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert name in result.stderr or message in result.stderr
    assert message in result.stderr


def test_production_requires_a_secret_key():
    result = run_settings(DJANGO_DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_database_url_parsing():
    db = env.database_from_url("X_TEST_DB", "postgis://cc:p%40ss@db.example:5433/ops")
    assert db["ENGINE"] == "django.contrib.gis.db.backends.postgis"
    assert (db["USER"], db["PASSWORD"], db["HOST"], db["PORT"], db["NAME"]) == (
        "cc",
        "p@ss",
        "db.example",
        "5433",
        "ops",
    )


def test_secret_from_file(tmp_path, monkeypatch):
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    monkeypatch.delenv("X_TEST_SECRET", raising=False)
    monkeypatch.setenv("X_TEST_SECRET_FILE", str(secret))
    assert env.env_str("X_TEST_SECRET", "default") == "from-a-file"
    monkeypatch.setenv("X_TEST_SECRET_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured):
        env.env_str("X_TEST_SECRET", "default")


def test_redis_derived_urls():
    assert env.redis_db_url("redis://:pw@cache:6380/0", 3) == "redis://:pw@cache:6380/3"


def test_language_and_time_zone():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert [code for code, _ in settings.LANGUAGES] == ["zh-hans", "en"]
    assert settings.USE_TZ is True
    assert settings.TIME_ZONE == "Asia/Shanghai"
