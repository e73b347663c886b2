"""Reads of sources, runs and quarantine for the admin, the health page, the panel and the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet

from ingest.choices import FeedState, QuarantineState
from ingest.models import QuarantinedRecord, Run, Source
from ingest.services.health import source_lag, source_state


@dataclass(frozen=True)
class SourceHealth:
    source: Source
    state: str
    lag: timedelta | None
    last_run: Run | None
    pending_quarantine: int

    @property
    def state_label(self) -> str:
        return str(FeedState(self.state).label)


def sources_health(*, now: datetime) -> list[SourceHealth]:
    """Every source with its state and lag computed now (not the stored state, which the periodic
    check updates), its latest run and its pending quarantine count."""
    sources = list(
        Source.objects.select_related("department").annotate(
            pending=Count("quarantined", filter=Q(quarantined__state=QuarantineState.PENDING))
        )
    )
    latest: dict[int, Run] = {}
    for run in (
        Run.objects.filter(source__in=sources).order_by("source_id", "-started_at").distinct("source_id")
    ):
        latest[run.source_id] = run
    return [
        SourceHealth(
            source=source,
            state=source_state(source, now=now),
            lag=source_lag(source, now=now),
            last_run=latest.get(source.pk),
            pending_quarantine=source.pending,
        )
        for source in sources
    ]


def runs_recent(*, limit: int = 50) -> QuerySet[Run]:
    return Run.objects.select_related("source").order_by("-started_at", "-id")[:limit]


def quarantine_pending() -> QuerySet[QuarantinedRecord]:
    return QuarantinedRecord.objects.filter(state=QuarantineState.PENDING).select_related("source", "run")
