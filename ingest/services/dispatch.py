"""The dispatcher: which sources are due, and one pull task per due source.

Celery beat runs ``ingest_dispatch_due_sources`` every ``DISPATCH_SECONDS``; each source's own
schedule (an interval or a crontab row of django-celery-beat, edited in the admin) decides whether it
is due. Each due source gets its own ``ingest_pull_source`` task, so a slow or dead source holds up
nobody but itself, and its timeout bounds even that.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from ingest import conf
from ingest.choices import PULL_TRANSPORTS, RunStatus, RunTrigger
from ingest.models import Run, Source
from ingest.tasks import ingest_pull_source

DISPATCH_SECONDS = 30
# The dispatcher ticks every DISPATCH_SECONDS, so a source is taken when it is due within half a tick.
TOLERANCE = timedelta(seconds=DISPATCH_SECONDS / 2)


def source_next_due(source: Source) -> datetime | None:
    """When the source is next due by its schedule; None without a schedule."""
    last = source.last_dispatched_at
    if source.interval is not None:
        every = timedelta(**{source.interval.period: source.interval.every})
        return (last + every) if last else timezone.now()
    if source.crontab is not None:
        if last is None:
            return timezone.now()
        schedule = source.crontab.schedule
        start, ends_in, _now = schedule.remaining_delta(last.astimezone(schedule.tz))
        return start + ends_in
    return None


def _busy(source: Source, now: datetime) -> bool:
    """A run still going (and not stale), or a retry waiting: do not start another pull."""
    stale = now - timedelta(minutes=conf.run_stale_minutes())
    runs = Run.objects.filter(source=source)
    if runs.filter(status=RunStatus.RUNNING, started_at__gte=stale).exists():
        return True
    return runs.filter(status=RunStatus.FAILED, retry_at__gt=now).exists()


def sources_dispatch_due(*, now: datetime | None = None) -> list[int]:
    """Start a pull of every enabled, scheduled pull source that is due; returns their ids."""
    now = now or timezone.now()
    started = []
    sources = Source.objects.filter(enabled=True, transport__in=PULL_TRANSPORTS).select_related(
        "interval", "crontab"
    )
    for source in sources:
        due = source_next_due(source)
        if due is None or now < due - TOLERANCE or _busy(source, now):
            continue
        with transaction.atomic():
            # Claim it: of two dispatchers running at once, only one wins the update.
            claimed = Source.objects.filter(
                pk=source.pk, last_dispatched_at=source.last_dispatched_at
            ).update(last_dispatched_at=now)
            if claimed:
                transaction.on_commit(
                    lambda pk=source.pk: ingest_pull_source.delay(source_id=pk, trigger=RunTrigger.SCHEDULE)
                )
                started.append(source.pk)
    return started
