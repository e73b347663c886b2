"""The dispatcher: one pull task per due source, schedules from django-celery-beat."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from ingest.choices import RunStatus, RunTrigger
from ingest.models import Run, Source
from ingest.services.dispatch import source_next_due, sources_dispatch_due
from ingest.services.schedules import PERIODIC_TASKS, ingest_periodic_tasks_ensure
from ingest.tasks import ingest_dispatch_due_sources

pytestmark = pytest.mark.django_db

RAIN = {"format": "csv", "station": "站码", "time": "时间", "variable": "rain", "value": "雨量", "unit": "mm"}


@pytest.fixture
def every_5_minutes(db):
    return IntervalSchedule.objects.get_or_create(every=5, period=IntervalSchedule.MINUTES)[0]


def test_due_sources_are_dispatched_once_per_period(
    make_source, every_5_minutes, django_capture_on_commit_callbacks
):
    source = make_source(settings=RAIN, interval=every_5_minutes)
    make_source(settings=RAIN, interval=every_5_minutes, enabled=False)
    make_source(settings=RAIN)  # no schedule: pulled by hand only
    make_source(settings=RAIN, transport="push", url="", interval=every_5_minutes)
    now = timezone.now()
    with django_capture_on_commit_callbacks() as queued:
        assert sources_dispatch_due(now=now) == [source.pk]
    assert len(queued) == 1
    assert sources_dispatch_due(now=now + timedelta(minutes=2)) == []
    # Due again after five minutes (within half a dispatcher tick).
    assert sources_dispatch_due(now=now + timedelta(minutes=4, seconds=50)) == [source.pk]
    source.refresh_from_db()
    assert source.last_dispatched_at == now + timedelta(minutes=4, seconds=50)


def test_a_busy_or_retrying_source_is_not_dispatched_again(make_source, every_5_minutes):
    source = make_source(settings=RAIN, interval=every_5_minutes)
    now = timezone.now()
    running = Run.objects.create(
        source=source, adapter="observation_table", trigger="schedule", timezone="UTC", started_at=now
    )
    assert sources_dispatch_due(now=now) == []
    # A run stuck for longer than INGEST_RUN_STALE_MINUTES no longer blocks.
    assert sources_dispatch_due(now=now + timedelta(hours=2)) == [source.pk]
    Run.objects.filter(pk=running.pk).update(status=RunStatus.FAILED, retry_at=now + timedelta(hours=3))
    assert sources_dispatch_due(now=now + timedelta(hours=2, minutes=10)) == []


def test_a_crontab_schedule(make_source):
    six_thirty = CrontabSchedule.objects.create(minute="30", hour="6", timezone="Asia/Shanghai")
    source = make_source(settings=RAIN, crontab=six_thirty)
    Source.objects.filter(pk=source.pk).update(last_dispatched_at=timezone.now() - timedelta(days=2))
    source.refresh_from_db()
    due = source_next_due(source)
    assert due < timezone.now()
    local = timezone.localtime(due)
    assert (local.hour, local.minute) == (6, 30)


def test_the_dispatcher_task_pulls_the_due_sources(
    make_source, simulator, stations, every_5_minutes, celery_eager, django_capture_on_commit_callbacks
):
    source = make_source(settings=RAIN, interval=every_5_minutes, url=f"{simulator.url}/water/rain.csv")
    with django_capture_on_commit_callbacks(execute=True):
        ingest_dispatch_due_sources.apply()
    run = Run.objects.get(source=source)
    assert (run.trigger, run.status, run.rows_written) == (RunTrigger.SCHEDULE, RunStatus.SUCCEEDED, 60)


def test_the_periodic_tasks_exist_after_migrate_and_are_not_overwritten(db):
    names = set(PeriodicTask.objects.values_list("name", flat=True))
    assert {name for name, _task, _s in PERIODIC_TASKS} <= names
    task = PeriodicTask.objects.get(name="ingest: dispatch due sources")
    assert task.task == "ingest.tasks.ingest_dispatch_due_sources" and task.interval.every == 30
    task.enabled = False
    task.save()
    assert ingest_periodic_tasks_ensure() == 0
    assert not PeriodicTask.objects.get(name="ingest: dispatch due sources").enabled
