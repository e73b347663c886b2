"""The ingest app's knobs. Each can be set in Django settings as ``INGEST_<NAME>``; the defaults
work on a developer machine and suit a municipal deployment."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings


def _get(name: str, default):
    return getattr(settings, f"INGEST_{name}", default)


def retry_base_seconds() -> int:
    """First back-off after a transient failure; it doubles with every further attempt."""
    return int(_get("RETRY_BASE_SECONDS", 30))


def retry_max_seconds() -> int:
    return int(_get("RETRY_MAX_SECONDS", 15 * 60))


def default_max_retries() -> int:
    return int(_get("MAX_RETRIES", 3))


def batch_rows() -> int:
    """Rows per transaction when a payload is stored in batches."""
    return int(_get("BATCH_ROWS", 200_000))


def max_payload_bytes() -> int:
    """A pull or push larger than this is refused (protects the worker's memory)."""
    return int(_get("MAX_PAYLOAD_BYTES", 256 * 1024 * 1024))


def keep_payload_max_bytes() -> int:
    """Payloads of failed runs are kept for inspection up to this size (the start is kept beyond)."""
    return int(_get("KEEP_PAYLOAD_MAX_BYTES", 20 * 1024 * 1024))


def run_stale_minutes() -> int:
    """A run still "running" after this long lost its worker (killed, out of memory) and is abandoned."""
    return int(_get("RUN_STALE_MINUTES", 30))


def pull_soft_time_limit() -> int:
    return int(_get("PULL_SOFT_TIME_LIMIT", 10 * 60))


def drop_root() -> Path:
    """Directory-drop sources must point inside this folder."""
    return Path(_get("DROP_ROOT", Path(settings.BASE_DIR) / ".var" / "ingest" / "drop"))


def cap_schema_path() -> Path:
    """The official OASIS CAP 1.2 schema. It is not shipped with the project (its licence is not ours
    to grant); by default it is read from the shared data folder."""
    return Path(_get("CAP_XSD", Path(settings.SHARED_DATA_DIR) / "cap" / "CAP-v1.2.xsd"))


def simulator_url() -> str:
    """Where the demo sources find ``manage.py feed_simulator``."""
    return str(_get("SIMULATOR_URL", "http://127.0.0.1:8765"))


def feed_alert_targets() -> list[str]:
    """Who is told that a feed is late, down or back."""
    return list(_get("FEED_ALERT_TARGETS", ["role:duty_officer", "role:system_admin"]))
