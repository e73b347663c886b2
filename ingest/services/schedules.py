"""The periodic tasks that drive ingest, kept in django-celery-beat (editable in the admin).

``ingest_periodic_tasks_ensure`` runs after every ``migrate`` (from ``IngestConfig.ready()``) and
from the demo loader. It creates missing rows and never overwrites a schedule someone edited.
"""

from __future__ import annotations

from django_celery_beat.models import IntervalSchedule, PeriodicTask

from ingest.services.dispatch import DISPATCH_SECONDS

# (name, task, seconds)
PERIODIC_TASKS: list[tuple[str, str, int]] = [
    ("ingest: dispatch due sources", "ingest.tasks.ingest_dispatch_due_sources", DISPATCH_SECONDS),
    ("ingest: check feed health", "ingest.tasks.ingest_check_feed_health", 60),
    ("ingest: reap stale runs", "ingest.tasks.ingest_reap_stale_runs", 300),
    ("ingest: expire warnings", "ingest.tasks.ingest_expire_warnings", 60),
]


def interval_every(seconds: int) -> IntervalSchedule:
    if seconds % 60 == 0:
        every, period = seconds // 60, IntervalSchedule.MINUTES
    else:
        every, period = seconds, IntervalSchedule.SECONDS
    schedule, _created = IntervalSchedule.objects.get_or_create(every=every, period=period)
    return schedule


def ingest_periodic_tasks_ensure() -> int:
    """Create the ingest periodic tasks that are missing; returns how many were created."""
    created = 0
    for name, task, seconds in PERIODIC_TASKS:
        if not PeriodicTask.objects.filter(name=name).exists():
            PeriodicTask.objects.create(name=name, task=task, interval=interval_every(seconds), enabled=True)
            created += 1
    return created
