"""Station warning and danger levels, judged on the latest reading, and the big-screen panel."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from emergency.bigscreen import panels_render
from sanfang.models import Reading, Station, StationStatus
from sanfang.services.monitoring import level_state, station_statuses_refresh

pytestmark = pytest.mark.django_db


def station(code, **kwargs):
    return Station.objects.create(code=code, name=code, kind="river", **kwargs)


def test_state_rules():
    assert level_state(value=None, warning=1, danger=2) == "no_data"
    assert level_state(value=0.9, warning=1, danger=2) == "normal"
    assert level_state(value=1.0, warning=1, danger=2) == "warning"
    assert level_state(value=2.0, warning=1, danger=2) == "danger"
    assert level_state(value=5.0, warning=None, danger=6) == "normal"


def test_latest_reading_decides(personas):
    now = timezone.now()
    high = station("H", threshold_variable="water_level", warning_value=2.0, danger_value=3.0)
    calm = station("C", threshold_variable="water_level", warning_value=2.0, danger_value=3.0)
    stale = station("S", threshold_variable="water_level", warning_value=2.0)
    station("N")  # no thresholds: not judged
    Reading.objects.bulk_create(
        [
            Reading(station=high, variable="water_level", time=now - timedelta(hours=2), value=1.0),
            Reading(station=high, variable="water_level", time=now - timedelta(minutes=5), value=3.4),
            # Another variable never counts.
            Reading(station=calm, variable="flow", time=now, value=900.0),
            Reading(station=calm, variable="water_level", time=now - timedelta(minutes=5), value=1.2),
            Reading(station=stale, variable="water_level", time=now - timedelta(hours=12), value=9.0),
        ]
    )
    station_statuses_refresh()
    judged = StationStatus.objects.filter(station__in=[high, calm, stale])
    states = {s.station_id: s.state for s in judged}
    assert states == {high.pk: "danger", calm.pk: "normal", stale.pk: "no_data"}

    # The big-screen panel counts the stored statuses of every active station (N has no data).
    panel = next(p for p in panels_render(user=personas.commander) if p["key"] == "stations_over_threshold")
    values = {item["name"]: item["value"] for item in panel["data"]["series"]}
    assert sorted(values.values()) == [0, 1, 1, 2]


def test_thresholds_must_make_sense():
    bad = Station(
        code="B", name="B", kind="river", threshold_variable="water_level", warning_value=3, danger_value=2
    )
    with translation.override("en"), pytest.raises(ValidationError, match="danger"):
        bad.full_clean()
    empty = Station(code="E", name="E", kind="river", threshold_variable="water_level")
    with pytest.raises(ValidationError):
        empty.full_clean()
