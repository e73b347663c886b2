"""The rainstorm-landslide risk coefficient on hand-computed examples, and its levels, store and alerts."""

from __future__ import annotations

import datetime as dt

import pytest

from emergency.models import Alert
from sanfang.facts_warnings import geohazard_points_orange_or_red
from sanfang.services.landslide import (
    LandslideParams,
    Rain,
    antecedent_rainfall,
    landslide_risk_update,
    risk_coefficient,
    warning_level,
)
from tests.sanfang.decisions_fixtures import T, gauge, hazard, rain

PARAMS = LandslideParams(
    decay=0.84,
    days=15,
    intensity_hours=1,
    intensity_weight=1.0,
    reference_mm=100.0,
    thresholds=(0.25, 0.5, 0.75, 1.0),
    radius_km=15.0,
    stations=3,
)


def test_antecedent_rainfall_worked_example():
    # 0.84 × 40 + 0.84² × 20 = 33.6 + 14.112 = 47.712 (today's 60 mm is not antecedent)
    assert antecedent_rainfall([60, 40, 20], decay=0.84, days=15) == pytest.approx(47.712)
    # only N days count: with N = 1 the 20 mm two days ago is forgotten
    assert antecedent_rainfall([60, 40, 20], decay=0.84, days=1) == pytest.approx(33.6)


def test_coefficient_worked_example():
    # P = 60 + 47.712 + 1.0 × 20 = 127.712 mm; C = 0.8 × 127.712 / 100 = 1.021696 → red
    c = risk_coefficient(susceptibility=0.8, rain=Rain((60.0, 40.0, 20.0), 20.0), params=PARAMS)
    assert c == pytest.approx(1.021696)
    assert warning_level(c, PARAMS.thresholds) == "red"
    # The same rain on a stable slope (s = 0.3): 0.3831 → blue
    c = risk_coefficient(susceptibility=0.3, rain=Rain((60.0, 40.0, 20.0), 20.0), params=PARAMS)
    assert c == pytest.approx(0.3831, abs=1e-4) and warning_level(c, PARAMS.thresholds) == "blue"


@pytest.mark.parametrize(
    ("c", "level"),
    [
        (0.0, ""),
        (0.2499, ""),
        (0.25, "blue"),
        (0.5, "yellow"),
        (0.7499, "yellow"),
        (0.75, "orange"),
        (1.0, "red"),
    ],
)
def test_levels_at_their_edges(c, level):
    assert warning_level(c, PARAMS.thresholds) == level


@pytest.mark.django_db
def test_update_from_nearest_gauge_stores_level_and_alerts(settings):
    settings.SANFANG_LANDSLIDE_DECAY_K = 0.84
    settings.SANFANG_LANDSLIDE_THRESHOLDS = [0.25, 0.5, 0.75, 1.0]
    settings.SANFANG_LANDSLIDE_REFERENCE_MM = 100.0
    station = gauge(113.55, 22.25)
    far = gauge(114.30, 22.25)  # ~77 km away: outside the 15 km radius, its flood is ignored
    rain(
        station,
        (T - dt.timedelta(minutes=30), 20.0),  # intensity window and day 0
        (T - dt.timedelta(hours=24), 40.0),  # exactly 24 h old: still day 0
        (T - dt.timedelta(hours=30), 40.0),  # day 1
        (T - dt.timedelta(hours=50), 20.0),  # day 2
    )
    rain(far, (T - dt.timedelta(minutes=10), 500.0))
    point = hazard(113.56, 22.25, susceptibility=0.8)  # ~1 km from the gauge
    alone = hazard(113.90, 22.60)  # no gauge in range
    counts = landslide_risk_update(at=T)
    point.refresh_from_db()
    alone.refresh_from_db()
    assert point.risk_coefficient == pytest.approx(1.0217, abs=1e-4)
    assert point.warning_level == "red" and point.risk_computed_at == T
    assert alone.warning_level == "" and alone.risk_coefficient is None
    assert counts["red"] == 1 and counts["changed"] == 1
    alert = Alert.objects.get(dedup_key=f"sanfang:landslide:{point.pk}", cleared_at__isnull=True)
    assert alert.level == "red" and alert.kind == "hazard"
    assert geohazard_points_orange_or_red() == 1

    # Twenty dry days later the rain has decayed away: no level, the alert is cleared.
    landslide_risk_update(at=T + dt.timedelta(days=20))
    point.refresh_from_db()
    assert point.warning_level == "" and point.risk_coefficient == 0
    assert not Alert.objects.filter(
        dedup_key=f"sanfang:landslide:{point.pk}", cleared_at__isnull=True
    ).exists()
    assert geohazard_points_orange_or_red() == 0


@pytest.mark.django_db
def test_two_gauges_are_weighted_by_inverse_distance_squared():
    near, far = gauge(113.50, 22.25), gauge(113.60, 22.25)
    rain(near, (T - dt.timedelta(hours=2), 100.0))
    rain(far, (T - dt.timedelta(hours=2), 10.0))
    # The point is 1/4 of the way from near to far: weights 1/d² ∝ 16 : 16/9 → 0.9 / 0.1
    point = hazard(113.525, 22.25, susceptibility=1.0)
    landslide_risk_update(at=T)
    point.refresh_from_db()
    assert point.risk_coefficient == pytest.approx((0.9 * 100 + 0.1 * 10) / 100, abs=1e-3)
    assert point.warning_level == "orange"
