"""The one interface every adapter implements.

An adapter turns payload bytes into typed records (``batches``), then hands them to the domain
service that stores them (``store``). The pipeline (``ingest.services.runs``) does the rest the same
way for every adapter: run records, batches in transactions, quarantine, counters, health.

- ``batches`` yields one or more ``Batch`` objects; large payloads should come in several, each then
  stored in its own transaction. It raises ``PayloadError`` when the payload as a whole is not the
  expected format (the run fails and the payload is kept); a bad *record* becomes a ``Reject``.
- ``store`` writes one batch's records in bulk and says how many were new or changed (written) and
  how many were already there (duplicate). It may reject records too (e.g. an unknown station).
- ``reprocess_payload`` rebuilds a payload from quarantined ``raw`` texts, so that re-processing
  goes through ``batches`` and ``store`` like any other payload.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar
from zoneinfo import ZoneInfo

from django.utils.functional import Promise

if TYPE_CHECKING:  # models import the registry; the registry must not import models at load time
    from ingest.models import Run, Source


class PayloadError(Exception):
    """The payload is not what the adapter reads at all (not XML, not CSV, wrong structure)."""


class AdapterConfigError(Exception):
    """The adapter cannot run as configured on this server (e.g. a schema file is missing)."""


@dataclass(frozen=True)
class Reject:
    locator: str  # where: "line 17", "feature us7000abcd", "alert 2"
    raw: str  # the record's own text, enough to try it again
    reason: str  # precise and readable: what is wrong with which field


@dataclass
class Batch:
    records: Any
    seen: int
    rejects: list[Reject] = field(default_factory=list)
    skipped: int = 0


@dataclass(frozen=True)
class Stored:
    written: int
    duplicate: int
    rejects: list[Reject] = field(default_factory=list)


@dataclass(frozen=True)
class AdapterContext:
    settings: dict
    timezone: ZoneInfo
    source: Source | None
    run: Run
    now: datetime
    # (rows done, rows expected or None); called after each stored batch.
    progress: Callable[[int, int | None], None] | None = None


class Adapter:
    name: ClassVar[str]
    label: ClassVar[str | Promise]
    # Settings used when a source gives none; documented in docs/ingest.md.
    default_settings: ClassVar[dict] = {}

    def clean_settings(self, settings: dict) -> dict:
        """Validate a source's settings; return them normalised or raise ``ValidationError``."""
        return {**self.default_settings, **settings}

    def estimate_rows(self, payload: bytes, ctx: AdapterContext) -> int | None:
        return None

    def batches(self, payload: bytes, ctx: AdapterContext) -> Iterator[Batch]:
        raise NotImplementedError

    def store(self, records: Any, ctx: AdapterContext) -> Stored:
        raise NotImplementedError

    def reprocess_payload(self, raws: list[str]) -> bytes:
        raise NotImplementedError

    def reprocess_settings(self, settings: dict) -> dict:
        """The settings to read a re-processing payload with (the source's, by default)."""
        return settings
