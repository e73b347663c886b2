"""Typed readers for environment variables.

Every reader fails loudly with ``ImproperlyConfigured`` naming the variable and the bad value, so a
typo in a deployment stops the process at start-up instead of surfacing as odd behaviour later.
"""

from __future__ import annotations

import os
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    if value is None:
        file_path = os.environ.get(f"{name}_FILE")
        if file_path:
            try:
                with open(file_path, encoding="utf-8") as fh:
                    value = fh.read().strip()
            except OSError as exc:
                raise ImproperlyConfigured(f"{name}_FILE: cannot read {file_path!r}: {exc}") from exc
    return value


def env_str(name: str, default: str) -> str:
    value = _raw(name)
    if value is None:
        return default
    if not value.strip():
        raise ImproperlyConfigured(f"{name} is set but empty")
    return value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use true/false)")


def env_int(name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
    value = _raw(name)
    if value is None:
        result = default
    else:
        try:
            result = int(value.strip())
        except ValueError:
            raise ImproperlyConfigured(f"{name}={value!r} is not an integer") from None
    if minimum is not None and result < minimum:
        raise ImproperlyConfigured(f"{name}={result} is below the minimum {minimum}")
    if maximum is not None and result > maximum:
        raise ImproperlyConfigured(f"{name}={result} is above the maximum {maximum}")
    return result


def env_float(
    name: str, default: float, *, minimum: float | None = None, maximum: float | None = None
) -> float:
    value = _raw(name)
    if value is None:
        result = default
    else:
        try:
            result = float(value.strip())
        except ValueError:
            raise ImproperlyConfigured(f"{name}={value!r} is not a number") from None
    if minimum is not None and result < minimum:
        raise ImproperlyConfigured(f"{name}={result} is below the minimum {minimum}")
    if maximum is not None and result > maximum:
        raise ImproperlyConfigured(f"{name}={result} is above the maximum {maximum}")
    return result


def env_floats(name: str, default: list[float]) -> list[float]:
    """A comma-separated list of numbers, for example ``SANFANG_CITY_POINT=113.55,22.25``."""
    items = env_list(name, [str(v) for v in default])
    try:
        return [float(item) for item in items]
    except ValueError:
        raise ImproperlyConfigured(f"{name}={','.join(items)!r} is not a list of numbers") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return list(default)
    items = [item.strip() for item in value.split(",") if item.strip()]
    if not items:
        raise ImproperlyConfigured(f"{name} is set but lists nothing")
    return items


def env_url(name: str, default: str, *, schemes: tuple[str, ...]) -> str:
    value = env_str(name, default)
    parts = urlsplit(value)
    if parts.scheme not in schemes:
        raise ImproperlyConfigured(
            f"{name}={value!r}: scheme must be one of {', '.join(schemes)}, not {parts.scheme!r}"
        )
    networked = parts.scheme in ("redis", "rediss", "postgis", "postgres", "postgresql", "http", "https")
    if networked and not parts.hostname:
        raise ImproperlyConfigured(f"{name}={value!r} has no host")
    return value


def database_from_url(name: str, default: str) -> dict[str, object]:
    """Turn ``postgis://user:pass@host:port/dbname`` into a Django DATABASES entry."""
    url = env_url(name, default, schemes=("postgis", "postgres", "postgresql"))
    parts = urlsplit(url)
    db_name = unquote(parts.path.lstrip("/"))
    if not db_name or "/" in db_name:
        raise ImproperlyConfigured(f"{name}={url!r} must name exactly one database in its path")
    try:
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured(f"{name}={url!r} has an invalid port") from None
    return {
        # Whatever the scheme says, the engine is PostGIS: the platform needs spatial SQL everywhere.
        "ENGINE": "django.contrib.gis.db.backends.postgis",
        "NAME": db_name,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(port or ""),
        # Under ASGI every worker thread keeps its own connection and they are not reliably closed,
        # so persistent connections pile up until PostgreSQL refuses clients (Django's docs advise
        # against them with ASGI). Override with DATABASE_CONN_MAX_AGE where it is known to be safe.
        "CONN_MAX_AGE": env_int("DATABASE_CONN_MAX_AGE", 0, minimum=0),
        "CONN_HEALTH_CHECKS": True,
        # JIT compiles every tile query (~34 ms each at z14) and never pays back on short queries.
        "OPTIONS": {"options": "-c jit=off"},
        "ATOMIC_REQUESTS": False,
    }


def redis_db_url(base: str, db: int) -> str:
    """The same Redis server as ``base`` with another logical database."""
    parts = urlsplit(base)
    return parts._replace(path=f"/{db}").geturl()
