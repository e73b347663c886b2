"""A lean ASGI route for ``/tiles/``, in front of Django.

Every map view asks for dozens of tiles at once. Through Django's ASGI handler each one paid about
7 ms of thread hops through the middleware, a new database connection (~30 ms of server CPU: connect,
load PostGIS, set up transforms) and a session write, which left our tiles at 0.28× the database
floor (bench/README.md). This route does only what a tile needs:

- the user comes from the session cookie exactly as Django's auth does (``get_user`` checks the
  session's auth hash and expiry), remembered for ``TILE_SESSION_CACHE_SECONDS``;
- the tile is made by the same ``gis.tiles.tile_result`` as the Django view, on a small pool of
  worker threads that each keep their database connection (a bounded connection pool);
- tile requests do not slide the session's idle expiry (they are not user activity).

Anything that is not ``GET``/``HEAD /tiles/<layer>/<z>/<x>/<y>.pbf`` goes to Django unchanged.
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie
from importlib import import_module
from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth import get_user
from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http.request import validate_host
from django.utils import translation
from django.utils.translation.trans_real import get_supported_language_variant, parse_accept_lang_header

from accounts.selectors.organisations import user_role_codes
from gis.tiles import TileResult, tile_result

logger = logging.getLogger(__name__)
TILE_PATH = re.compile(
    r"^/tiles/(?P<key>[^/]{1,50})/(?P<z>[0-9]{1,9})/(?P<x>[0-9]{1,12})/(?P<y>[0-9]{1,12})\.pbf$"
)


class _SessionUsers:
    """session key → (user, time looked up): a short memory so a map's burst of tiles costs one lookup."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._users: dict[str, tuple[object, float]] = {}

    def get(self, session_key: str):
        ttl = settings.TILE_SESSION_CACHE_SECONDS
        now = time.monotonic()
        with self._lock:
            hit = self._users.get(session_key)
            if hit is not None and now - hit[1] < ttl:
                return hit[0]
        engine = import_module(settings.SESSION_ENGINE)
        user = get_user(SimpleNamespace(session=engine.SessionStore(session_key)))
        # Role checks read these; load them now rather than on every tile.
        user_role_codes(user=user)
        with self._lock:
            if len(self._users) > 10_000:
                self._users.clear()
            self._users[session_key] = (user, now)
        return user


_session_users = _SessionUsers()


def _language(headers: dict[bytes, bytes], cookies: SimpleCookie) -> str:
    chosen = cookies.get(settings.LANGUAGE_COOKIE_NAME)
    candidates = [chosen.value] if chosen else []
    candidates += [
        code for code, _q in parse_accept_lang_header(headers.get(b"accept-language", b"").decode("latin-1"))
    ]
    for code in candidates:
        if code == "*":
            break
        try:
            return get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


_tuned = threading.local()


def _tune_connection() -> None:
    """Parallel query forks workers for every tile and halves throughput on a small machine
    (bench/README.md); tile connections turn it off, once per connection."""
    connection.ensure_connection()
    if getattr(_tuned, "connection_id", None) != id(connection.connection):
        with connection.cursor() as cursor:
            cursor.execute("SET max_parallel_workers_per_gather = 0")
        _tuned.connection_id = id(connection.connection)


def _serve(
    key: str, z: int, x: int, y: int, session_key: str, if_none_match: str, language: str
) -> TileResult:
    """Runs on a tile worker thread, which keeps its database connection between tiles."""
    for attempt in (1, 2):
        try:
            _tune_connection()
            with translation.override(language):
                user = _session_users.get(session_key) if session_key else AnonymousUser()
                return tile_result(user=user, key=key, z=z, x=x, y=y, if_none_match=if_none_match)
        except (OperationalError, InterfaceError):
            # The kept connection died (database restart): drop it and try once on a new one.
            connection.close()
            if attempt == 2:
                raise
        except DatabaseError:
            connection.close()
            raise
    raise AssertionError("unreachable")


class TileRoute:
    def __init__(self, django_app, *, workers: int) -> None:
        self.django_app = django_app
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="tiles")

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not scope["path"].startswith("/tiles/"):
            return await self.django_app(scope, receive, send)
        match = TILE_PATH.match(scope["path"])
        if match is None or scope["method"] not in ("GET", "HEAD"):
            return await self.django_app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        host = headers.get(b"host", b"").decode("latin-1").rsplit(":", 1)[0].strip("[]")
        if not validate_host(host, settings.ALLOWED_HOSTS):
            # Let Django answer a bad Host header (400) exactly as for any other page.
            return await self.django_app(scope, receive, send)
        cookies = SimpleCookie()
        try:
            cookies.load(headers.get(b"cookie", b"").decode("latin-1"))
        except Exception:  # noqa: BLE001  (a malformed cookie header means no session, not a crash)
            cookies = SimpleCookie()
        morsel = cookies.get(settings.SESSION_COOKIE_NAME)
        args = (
            match["key"],
            int(match["z"]),
            int(match["x"]),
            int(match["y"]),
            morsel.value if morsel else "",
            headers.get(b"if-none-match", b"").decode("latin-1"),
            _language(headers, cookies),
        )
        loop = asyncio.get_running_loop()
        try:
            result = await loop.run_in_executor(self.executor, _serve, *args)
        except Exception:
            logger.exception("tile %s failed", scope["path"])
            result = TileResult(
                500, b'{"code": "error", "detail": "tile failed"}', {"Content-Type": "application/json"}
            )
        body = b"" if scope["method"] == "HEAD" else result.body
        response_headers = [(k.lower().encode(), v.encode()) for k, v in result.headers.items()]
        response_headers.append((b"content-length", str(len(body)).encode()))
        response_headers.append((b"x-content-type-options", b"nosniff"))
        await send({"type": "http.response.start", "status": result.status, "headers": response_headers})
        await send({"type": "http.response.body", "body": body})
        return None
