"""Threshold alerts of stations (raised on crossing, replaced on a level change, cleared on return),
the wiring after stored readings, and the periodic refresh's schedule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from django.contrib.gis.geos import Point
from django_celery_beat.models import PeriodicTask

from emergency.models import Alert
from sanfang.models import Reading, Station, StationStatus
from sanfang.services.monitoring import (
    PERIODIC_TASK_NAME,
    monitoring_periodic_tasks_ensure,
    station_alert_key,
    station_statuses_refresh,
)
from sanfang.services.readings import ReadingBatch, readings_upsert
from sanfang.signals import station_statuses_changed
from tests.sanfang.monitoring_fixtures import rain_rules  # noqa: F401  (autouse)

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
M = timedelta(minutes=1)


@pytest.fixture
def river(personas):
    return Station.objects.create(
        code="H1",
        name="灯笼山水位站",
        kind="river",
        geom=Point(113.55, 22.25, srid=4326),
        district=personas.area_a,
        threshold_variable="water_level",
        warning_value=2.0,
        danger_value=3.0,
    )


def step(station, minute, value):
    """A reading at T0 + minute, then a refresh at that time; returns the station's open alerts."""
    at = T0 + minute * M
    Reading.objects.create(station=station, variable="water_level", time=at, value=value)
    station_statuses_refresh(station_ids=[station.pk], at=at)
    return list(Alert.objects.filter(dedup_key=station_alert_key(station.pk), cleared_at__isnull=True))


def test_crossing_raises_one_alert_and_returning_below_clears_it(river):
    assert step(river, 0, 1.5) == []
    [alert] = step(river, 5, 2.1)
    assert (alert.kind, alert.level, alert.source_model, alert.source_id) == (
        "threshold",
        "yellow",
        "station",
        str(river.pk),
    )
    assert "灯笼山水位站" in alert.title
    assert alert.targets == ["citywide", "district:440402"]
    # Staying over the level raises nothing more: no alert storm.
    for minute in range(10, 60, 5):
        assert step(river, minute, 2.2 + minute / 1000) == [alert]
    assert Alert.objects.count() == 1
    # Over danger: the yellow alert is replaced by a red one.
    [red] = step(river, 60, 3.1)
    assert red.level == "red" and red.pk != alert.pk
    # Back under danger: red cleared, yellow again.
    [again] = step(river, 65, 2.5)
    assert again.level == "yellow"
    # Back to normal: cleared, and nothing stays open.
    assert step(river, 70, 1.9) == []
    assert Alert.objects.count() == 3
    assert not Alert.objects.filter(cleared_at__isnull=True).exists()


def test_no_data_keeps_the_open_alert_and_data_returning_does_not_raise_a_second(river, settings):
    settings.SANFANG_MAX_DATA_AGE_MINUTES = 60
    [alert] = step(river, 0, 3.5)
    station_statuses_refresh(station_ids=[river.pk], at=T0 + 2 * 60 * M)
    assert StationStatus.objects.get(station=river).state == "no_data"
    assert Alert.objects.get().cleared_at is None
    assert step(river, 180, 3.6) == [alert]
    assert Alert.objects.count() == 1


def test_stored_readings_refresh_the_statuses_and_announce_the_change(
    river, django_capture_on_commit_callbacks
):
    announced = []

    def receiver(sender, **kwargs):
        announced.append(kwargs)

    station_statuses_changed.connect(receiver, dispatch_uid="test-monitoring")
    try:
        now = np.datetime64("now", "us")
        batch = ReadingBatch.of(
            station_id=[river.pk, river.pk],
            variable="water_level",
            time=[now - np.timedelta64(10, "m"), now - np.timedelta64(5, "m")],
            value=[1.8, 3.2],
        )
        with django_capture_on_commit_callbacks(execute=True):
            readings_upsert(batch=batch)
    finally:
        station_statuses_changed.disconnect(dispatch_uid="test-monitoring")
    status = StationStatus.objects.get(station=river)
    assert (status.state, status.value, status.trend) == ("danger", 3.2, "")
    assert announced and announced[-1]["station_ids"] == [river.pk]
    assert announced[-1]["changed_ids"] == [river.pk]
    assert Alert.objects.get(dedup_key=station_alert_key(river.pk)).level == "red"


def test_the_periodic_refresh_is_scheduled_once_and_an_edit_is_kept():
    # post_migrate created it in the test database already.
    task = PeriodicTask.objects.get(name=PERIODIC_TASK_NAME)
    assert task.task == "sanfang.tasks.sanfang_refresh_station_statuses"
    task.enabled = False
    task.save()
    assert monitoring_periodic_tasks_ensure() is False
    assert PeriodicTask.objects.get(name=PERIODIC_TASK_NAME).enabled is False


def test_the_task_refreshes_every_station(river):
    from sanfang.tasks import sanfang_refresh_station_statuses

    assert sanfang_refresh_station_statuses.apply().get() == [river.pk]
    assert StationStatus.objects.get(station=river).state == "no_data"


def test_editing_a_station_or_a_rule_judges_again_and_a_deactivated_station_is_retired(
    river, django_capture_on_commit_callbacks
):
    now = river.created_at
    Reading.objects.create(station=river, variable="water_level", time=now, value=2.5)
    with django_capture_on_commit_callbacks(execute=True):
        river.warning_value = 2.6
        river.save()
    assert StationStatus.objects.get(station=river).state == "normal"
    with django_capture_on_commit_callbacks(execute=True):
        river.warning_value = 2.4
        river.save()
    assert StationStatus.objects.get(station=river).state == "warning"
    assert Alert.objects.filter(cleared_at__isnull=True).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        river.active = False
        river.save()
    assert not StationStatus.objects.filter(station=river).exists()
    assert not Alert.objects.filter(cleared_at__isnull=True).exists()


def test_editing_a_signal_rule_judges_every_station_again(django_capture_on_commit_callbacks):
    from sanfang.models import RainstormSignalRule

    gauge = Station.objects.create(code="R9", name="R9", kind="rain")
    Reading.objects.create(station=gauge, variable="rain", time=gauge.created_at, value=20.0)
    with django_capture_on_commit_callbacks(execute=True):
        RainstormSignalRule.objects.create(colour="blue", window_hours=1, threshold_mm=15)
    assert StationStatus.objects.get(station=gauge).rain_signal == "blue"
