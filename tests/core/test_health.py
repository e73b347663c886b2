"""/healthz on the real services: every part up with a real Celery worker, and each part down in turn."""

import os
import subprocess
import sys
import time
import uuid

import pytest
from celery import current_app
from django.conf import settings

pytestmark = pytest.mark.django_db
DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture(scope="module")
def celery_worker_process():
    """A real Celery worker on the configured broker, under a unique name."""
    name = f"healthz-{uuid.uuid4().hex[:8]}@%h"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "-n",
            name,
            "--loglevel=WARNING",
        ],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if current_app.control.ping(timeout=0.5):
                break
            if proc.poll() is not None:
                pytest.fail("the Celery worker exited during start-up")
        else:
            pytest.fail("the Celery worker did not answer within 60 s")
        yield proc
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_everything_up(client, celery_worker_process):
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok" and body["down"] == []
    checks = body["checks"]
    assert checks["database"]["postgis"].startswith("3.")
    assert checks["redis"]["version"]
    assert checks["celery"]["workers"]
    assert checks["channels"]["ok"] is True


def test_redis_down_is_reported(client, settings):
    settings.REDIS_URL = DEAD_REDIS
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 503
    assert "redis" in body["down"]
    assert body["checks"]["database"]["ok"] is True
    assert "Connection" in body["checks"]["redis"]["error"] or "connect" in body["checks"]["redis"]["error"]


def test_channel_layer_down_is_reported(client, settings):
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [DEAD_REDIS]}}
    }
    body = client.get("/healthz").json()
    assert "channels" in body["down"]


def test_celery_broker_down_is_reported(client):
    original = current_app.conf.broker_url
    current_app.conf.broker_url = DEAD_REDIS
    try:
        response = client.get("/healthz")
    finally:
        current_app.conf.broker_url = original
    assert response.status_code == 503
    assert "celery" in response.json()["down"]


def test_database_down_is_reported(client, monkeypatch):
    from core import health

    def broken():
        raise OSError("connection to server at 10.0.0.1 failed: postgres://cc:secret@db refused")

    monkeypatch.setitem(health.CHECKS, "database", broken)
    body = client.get("/healthz").json()
    assert "database" in body["down"]
    assert "secret" not in body["checks"]["database"]["error"]  # credentials never leak
