"""readings_upsert: bulk, idempotent on (station, variable, time), corrections win."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
from django.db import connection
from django.db.models.deletion import ProtectedError
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext

from sanfang.choices import ReadingQuality
from sanfang.models import Reading, Station
from sanfang.services.readings import ReadingBatch, readings_upsert
from sanfang.signals import readings_stored

pytestmark = pytest.mark.django_db


@pytest.fixture
def station():
    return Station.objects.create(code="ZH-R01", name="香洲雨量站", kind="rain")


def batch(station_ids, times, values, variable="rain"):
    n = len(values)
    ids = np.full(n, station_ids) if np.isscalar(station_ids) else station_ids
    return ReadingBatch.of(station_id=ids, variable=variable, time=times, value=values)


def minutes(n, start="2026-07-01T00:00"):
    return np.datetime64(start, "us") + np.arange(n).astype("timedelta64[m]")


def test_the_same_batch_twice_writes_once(station):
    first = readings_upsert(batch=batch(station.pk, minutes(100), np.arange(100) / 10))
    again = readings_upsert(batch=batch(station.pk, minutes(100), np.arange(100) / 10))
    assert (first.written, first.duplicate) == (100, 0)
    assert (again.written, again.duplicate) == (0, 100)
    assert Reading.objects.count() == 100
    reading = Reading.objects.get(
        station=station, variable="rain", time=datetime(2026, 7, 1, 0, 5, tzinfo=UTC)
    )
    assert reading.value == pytest.approx(0.5)


def test_a_correction_replaces_the_stored_value(station):
    readings_upsert(batch=batch(station.pk, minutes(3), [1.0, 2.0, 3.0]))
    result = readings_upsert(batch=batch(station.pk, minutes(3), [1.0, 2.5, 3.0]))
    assert (result.written, result.duplicate) == (1, 2)
    assert list(Reading.objects.order_by("time").values_list("value", flat=True)) == [1.0, 2.5, 3.0]


def test_repeats_within_a_batch_count_as_duplicates_and_the_last_wins(station):
    times = np.concatenate([minutes(2), minutes(1)])
    result = readings_upsert(batch=batch(station.pk, times, [1.0, 2.0, 9.0]))
    assert (result.written, result.duplicate) == (2, 1)
    assert Reading.objects.order_by("time").first().value == 9.0


def test_variables_are_kept_apart(station):
    readings_upsert(batch=batch(station.pk, minutes(2), [1.0, 2.0], variable="rain"))
    readings_upsert(batch=batch(station.pk, minutes(2), [3.0, 4.0], variable="water_level"))
    assert Reading.objects.filter(variable="water_level").count() == 2
    assert Reading.objects.count() == 4


def test_the_storage_path_never_writes_row_by_row(station):
    saves = []

    def count(sender, **kwargs):
        saves.append(sender)

    post_save.connect(count, sender=Reading)
    try:
        with CaptureQueriesContext(connection) as queries:
            result = readings_upsert(batch=batch(station.pk, minutes(5000), np.ones(5000)))
    finally:
        post_save.disconnect(count, sender=Reading)
    assert result.written == 5000
    assert saves == []
    inserts = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("INSERT")]
    # One multi-row upsert from the staging table (the COPY itself is not a logged query).
    assert len(inserts) == 1
    assert "ON CONFLICT" in inserts[0]
    assert len(queries.captured_queries) < 10


def test_bad_batches_are_refused(station):
    with pytest.raises(ValueError, match="unknown variables"):
        readings_upsert(batch=batch(station.pk, minutes(1), [1.0], variable="snow"))
    with pytest.raises(ValueError, match="finite"):
        readings_upsert(batch=batch(station.pk, minutes(1), [np.nan]))
    assert not Reading.objects.exists()


def test_a_station_with_readings_cannot_be_deleted(station):
    readings_upsert(batch=batch(station.pk, minutes(1), [1.0]))
    with pytest.raises(ProtectedError):
        station.delete()


def test_stored_readings_are_announced_after_commit(station, django_capture_on_commit_callbacks):
    heard = []

    def listen(sender, **kwargs):
        heard.append(kwargs)

    readings_stored.connect(listen)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            readings_upsert(batch=batch(station.pk, minutes(3), [1.0, 2.0, 3.0]))
        with django_capture_on_commit_callbacks(execute=True):
            readings_upsert(batch=batch(station.pk, minutes(3), [1.0, 2.0, 3.0]))  # nothing new: silent
    finally:
        readings_stored.disconnect(listen)
    assert len(heard) == 1
    assert heard[0]["station_ids"] == [station.pk]
    assert heard[0]["time_min"] == datetime(2026, 7, 1, tzinfo=UTC)
    assert heard[0]["time_max"] == datetime(2026, 7, 1, 0, 2, tzinfo=UTC)


def test_quality_is_stored(station):
    readings = batch(station.pk, minutes(1), [0.0])
    readings.quality[:] = ReadingQuality.TRACE
    readings_upsert(batch=readings)
    assert Reading.objects.get().quality == ReadingQuality.TRACE


def test_two_codes_for_one_variable_are_one_variable(station):
    readings = ReadingBatch(
        station_id=np.full(2, station.pk, dtype=np.int64),
        variable=np.array([0, 1], dtype=np.int16),
        variables=["rain", "rain"],
        time=minutes(1).repeat(2),
        value=np.array([1.0, 2.0]),
        quality=np.zeros(2, dtype=np.int16),
    )
    result = readings_upsert(batch=readings)
    assert (result.written, result.duplicate) == (1, 1)
    assert Reading.objects.get().value == 2.0
