"""Station statuses: rolling windows at their edges, signal classification, trend, no data, facts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sanfang.facts import live_facts
from sanfang.models import RainfallThreshold, RainstormSignalRule, Reading, Station, StationStatus
from sanfang.services.monitoring import (
    level_state,
    rain_signal,
    rain_state,
    station_statuses_refresh,
    trend_of,
)
from tests.sanfang.monitoring_fixtures import rain_rules  # noqa: F401  (autouse)

pytestmark = pytest.mark.django_db

AT = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
H = timedelta(hours=1)


def gauge(code="R1", **kwargs):
    return Station.objects.create(code=code, name=code, kind="rain", **kwargs)


def river(code="H1", warning=2.0, danger=3.0):
    return Station.objects.create(
        code=code,
        name=code,
        kind="river",
        threshold_variable="water_level",
        warning_value=warning,
        danger_value=danger,
    )


def rain(station, *pairs, quality=0):
    """(time before AT, mm) pairs."""
    Reading.objects.bulk_create(
        [
            Reading(station=station, variable="rain", time=AT - ago, value=mm, quality=quality)
            for ago, mm in pairs
        ]
    )


def level(station, *pairs, variable="water_level"):
    Reading.objects.bulk_create(
        [Reading(station=station, variable=variable, time=AT - ago, value=v) for ago, v in pairs]
    )


def status(station, at=AT) -> StationStatus:
    station_statuses_refresh(station_ids=[station.pk], at=at)
    return StationStatus.objects.get(station=station)


# --- Rolling windows: (at - w, at] ---------------------------------------------------------------


def test_a_reading_exactly_one_window_old_is_outside_it_and_one_at_at_is_inside():
    g = gauge()
    rain(
        g,
        (timedelta(0), 1.0),  # at itself: in every window
        (H, 2.0),  # exactly 1 h old: out of 1 h, in 3 h
        (H - timedelta(seconds=1), 4.0),  # just under 1 h: in 1 h
        (3 * H, 8.0),  # exactly 3 h: out of 3 h, in 6 h
        (24 * H, 100.0),  # exactly 24 h: in no window
        (timedelta(minutes=-5), 50.0),  # after at: in no window
    )
    s = status(g)
    assert s.rain_1h == pytest.approx(5.0)
    assert s.rain_3h == pytest.approx(7.0)
    assert s.rain_6h == pytest.approx(15.0)
    assert s.rain_12h == pytest.approx(15.0)
    assert s.rain_24h == pytest.approx(15.0)


def test_suspect_readings_and_other_variables_are_not_summed():
    g = gauge()
    rain(g, (timedelta(minutes=5), 3.0))
    rain(g, (timedelta(minutes=10), 40.0), quality=3)
    Reading.objects.create(station=g, variable="rain_month", time=AT - timedelta(minutes=1), value=300)
    assert status(g).rain_24h == pytest.approx(3.0)


# --- Classification ------------------------------------------------------------------------------


def test_level_rules_at_their_edges():
    assert level_state(value=None, warning=1, danger=2) == "no_data"
    assert level_state(value=0.99, warning=1, danger=2) == "normal"
    assert level_state(value=1.0, warning=1, danger=2) == "warning"
    assert level_state(value=2.0, warning=1, danger=2) == "danger"
    assert level_state(value=5.0, warning=None, danger=6) == "normal"


def test_rain_state_takes_the_worst_window():
    thresholds = {1: (30.0, 50.0), 3: (50.0, 100.0)}
    assert rain_state(windows={1: 29.9, 3: 49.9}, thresholds=thresholds) == ("normal", None)
    assert rain_state(windows={1: 30.0, 3: 40.0}, thresholds=thresholds) == ("warning", 1)
    assert rain_state(windows={1: 20.0, 3: 100.0}, thresholds=thresholds) == ("danger", 3)


def test_signal_rules_of_domain_2_2_at_their_edges():
    rules = list(RainstormSignalRule.objects.values_list("colour", "window_hours", "threshold_mm"))
    # The seeded Guangdong rules: yellow 6 h ≥ 50, orange 3 h ≥ 50, red 3 h ≥ 100.
    assert sorted(rules) == [("orange", 3, 50.0), ("red", 3, 100.0), ("yellow", 6, 50.0)]
    assert rain_signal(windows={3: 49.9, 6: 49.9}, rules=rules) == ""
    assert rain_signal(windows={3: 30.0, 6: 50.0}, rules=rules) == "yellow"
    assert rain_signal(windows={3: 50.0, 6: 50.0}, rules=rules) == "orange"
    assert rain_signal(windows={3: 99.9, 6: 120.0}, rules=rules) == "orange"
    assert rain_signal(windows={3: 100.0, 6: 100.0}, rules=rules) == "red"
    # The national blue (12 h ≥ 50) once added in the admin.
    assert rain_signal(windows={12: 50.0}, rules=[*rules, ("blue", 12, 50.0)]) == "blue"


def test_signal_and_state_from_stored_readings_and_editable_rules():
    g = gauge()
    # 50 mm in the 3 h before at, in 10 readings.
    rain(g, *[(timedelta(minutes=15 * i), 5.0) for i in range(10)])
    s = status(g)
    assert (s.rain_3h, s.rain_signal) == (pytest.approx(50.0), "orange")
    # The default 3 h threshold (warning 50) is met; 1 h (20 mm) is under 30.
    assert s.state == "warning"
    assert "3" in s.reason
    # An inactive rule is ignored; a station's own threshold overrides the default.
    RainstormSignalRule.objects.filter(colour="orange").update(active=False)
    RainfallThreshold.objects.create(station=g, window_hours=3, warning_mm=60, danger_mm=80)
    s = status(g)
    assert (s.rain_signal, s.state) == ("yellow", "normal")


def test_rain_thresholds_apply_to_rain_gauges_by_default_only_signals_to_any_rain():
    w = Station.objects.create(code="W1", name="W1", kind="wind")
    rain(w, (timedelta(minutes=1), 60.0))
    Reading.objects.create(station=w, variable="wind_speed", time=AT, value=5.0)
    s = status(w)
    assert (s.rain_1h, s.state, s.rain_signal) == (pytest.approx(60.0), "normal", "orange")


def test_water_level_against_the_station_levels():
    h = river()
    level(h, (timedelta(minutes=10), 2.99))
    assert status(h).state == "warning"
    level(h, (timedelta(minutes=5), 3.0))
    s = status(h)
    assert (s.state, s.value, s.variable) == ("danger", 3.0, "water_level")
    assert s.rain_1h is None


# --- Trend ---------------------------------------------------------------------------------------


def test_trend_tolerance_is_inclusive():
    assert trend_of(change=None, tolerance=0.02) == ""
    assert trend_of(change=0.02, tolerance=0.02) == "steady"
    assert trend_of(change=0.021, tolerance=0.02) == "rising"
    assert trend_of(change=-0.021, tolerance=0.02) == "falling"


@pytest.mark.parametrize(("earlier", "trend"), [(1.0, "rising"), (1.49, "steady"), (1.8, "falling")])
def test_level_trend_over_the_trend_span(settings, earlier, trend):
    settings.SANFANG_TREND_MINUTES = 60
    h = river()
    # Latest 1.5 at at-5 min; the reference is the latest reading at least 60 min before it.
    level(h, (timedelta(minutes=65), earlier), (timedelta(minutes=30), 9.0), (timedelta(minutes=5), 1.5))
    assert status(h).trend == trend


def test_level_trend_unknown_without_an_earlier_reading():
    h = river()
    level(h, (timedelta(minutes=30), 1.0), (timedelta(minutes=5), 1.5))
    assert status(h).trend == ""


def test_rain_trend_compares_the_last_span_with_the_one_before(settings):
    settings.SANFANG_TREND_MINUTES = 60
    g = gauge()
    rain(g, (timedelta(minutes=90), 2.0), (timedelta(minutes=30), 10.0))
    assert status(g).trend == "rising"
    rain(g, (timedelta(minutes=80), 30.0))
    assert status(g).trend == "falling"


# --- No data -------------------------------------------------------------------------------------


def test_no_data_when_the_latest_reading_is_older_than_the_maximum_age(settings):
    settings.SANFANG_MAX_DATA_AGE_MINUTES = 60
    h = river()
    level(h, (timedelta(minutes=60), 5.0))
    assert status(h).state == "danger"  # exactly the maximum age: still fresh
    s = status(h, at=AT + timedelta(seconds=1))
    assert (s.state, s.trend, s.value) == ("no_data", "", 5.0)
    assert status(river("H2")).state == "no_data"  # never any reading


def test_refresh_of_all_stations_skips_inactive_ones_and_reports_changes():
    a, b = gauge("A"), gauge("B")
    Station.objects.filter(pk=b.pk).update(active=False)
    rain(a, (timedelta(minutes=1), 1.0))
    result = station_statuses_refresh(at=AT)
    assert (result.station_ids, result.changed_ids) == ([a.pk], [a.pk])
    again = station_statuses_refresh(at=AT)
    assert again.changed_ids == []
    assert not StationStatus.objects.filter(station=b).exists()


# --- Facts ---------------------------------------------------------------------------------------


def test_station_facts_are_the_highest_over_stations_with_data():
    g1, g2, h = gauge("G1"), gauge("G2"), river(warning=2.0, danger=3.0)
    stale = gauge("G3")
    rain(g1, (timedelta(minutes=10), 12.0))
    rain(g2, (timedelta(minutes=10), 5.0), (2 * H, 40.0))
    rain(stale, (5 * H, 200.0))
    level(h, (timedelta(minutes=5), 2.5))
    station_statuses_refresh(at=AT)
    facts = live_facts(at=AT)
    assert facts["rain_1h_mm"] == pytest.approx(12.0)
    assert facts["rain_3h_mm"] == pytest.approx(45.0)  # not the stale gauge's 200
    assert facts["stations_over_warning"] == 1
    assert facts["stations_over_danger"] == 0
    assert facts["water_level_over_warning_m"] == pytest.approx(0.5)
    assert facts["reservoirs_over_flood_limit"] == 0
