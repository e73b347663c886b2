"""Liveness of every real part the platform needs: PostGIS, Redis, a Celery worker and Channels.

Each check returns a small dict and never raises, so /healthz can always answer and say which part is
down. Error texts never include credentials.
"""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

import redis
from asgiref.sync import async_to_sync
from celery import current_app
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection

CHECK_TIMEOUT_SECONDS = 2.0
_CREDENTIALS = re.compile(r"(\w+://)[^@/\s]*@")


def _clean(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}"
    return _CREDENTIALS.sub(r"\1***@", text)[:300]


def _timed(check: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    started = time.monotonic()
    try:
        result = {"ok": True, **check()}
    except Exception as exc:  # noqa: BLE001  (a health check reports every failure instead of raising)
        result = {"ok": False, "error": _clean(exc)}
    result["ms"] = round((time.monotonic() - started) * 1000, 1)
    return result


def _database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = %s", [int(CHECK_TIMEOUT_SECONDS * 1000)])
        cursor.execute("SELECT postgis_lib_version(), current_setting('server_version')")
        postgis, server = cursor.fetchone()
    return {"postgis": postgis, "postgresql": server}


def _redis() -> dict[str, Any]:
    client = redis.Redis.from_url(
        settings.REDIS_URL, socket_timeout=CHECK_TIMEOUT_SECONDS, socket_connect_timeout=CHECK_TIMEOUT_SECONDS
    )
    try:
        client.ping()
        version = client.info("server").get("redis_version")
    finally:
        client.close()
    return {"version": version}


def _celery() -> dict[str, Any]:
    app = current_app
    with app.connection_for_read() as conn:
        conn.ensure_connection(max_retries=1, timeout=CHECK_TIMEOUT_SECONDS)
        replies = app.control.ping(timeout=CHECK_TIMEOUT_SECONDS, connection=conn)
    workers = sorted(name for reply in replies for name in reply)
    if not workers:
        raise RuntimeError("no Celery worker answered the ping")
    return {"workers": workers}


async def _channels_roundtrip() -> None:
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer is configured")
    channel = await layer.new_channel("healthz.")
    token = uuid.uuid4().hex
    await asyncio.wait_for(
        layer.send(channel, {"type": "healthz.ping", "token": token}), CHECK_TIMEOUT_SECONDS
    )
    message = await asyncio.wait_for(layer.receive(channel), CHECK_TIMEOUT_SECONDS)
    if message.get("token") != token:
        raise RuntimeError("the channel layer returned a different message")


def _channels() -> dict[str, Any]:
    async_to_sync(_channels_roundtrip)()
    return {"backend": settings.CHANNEL_LAYERS["default"]["BACKEND"].rsplit(".", 1)[-1]}


CHECKS: dict[str, Callable[[], dict[str, Any]]] = {
    "database": _database,
    "redis": _redis,
    "celery": _celery,
    "channels": _channels,
}


def health_report() -> dict[str, Any]:
    checks = {name: _timed(check) for name, check in CHECKS.items()}
    down = [name for name, result in checks.items() if not result["ok"]]
    return {"status": "down" if down else "ok", "down": down, "checks": checks}
