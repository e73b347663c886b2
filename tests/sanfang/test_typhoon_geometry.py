"""Typhoon geometry by hand: wind circles from quadrant radii, cone, warning lines, approach."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from sanfang.typhoon_geometry import (
    TrackPoint,
    cone,
    cone_radius_km,
    destination,
    distance_km,
    distance_to_line_km,
    inside_warning_line,
    nearest_approach,
    warning_line,
    wind_circle,
    wind_force_at,
)

HATO_0400Z = (113.5, 21.9)
RADII_7 = {"ne": 280, "se": 220, "sw": 260, "nw": 240}
KM_PER_DEG_LAT = math.pi * 6371.0088 / 180  # 111.195 km


def geodesic_area_km2(polygon) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT ST_Area(ST_GeomFromEWKT(%s)::geography) / 1e6", [polygon.ewkt])
        return cursor.fetchone()[0]


def test_distance_and_destination_are_great_circles():
    assert distance_km(113.576, 22.271, 113.576, 23.271) == pytest.approx(KM_PER_DEG_LAT, rel=1e-6)
    lng, lat = destination(113.5, 21.9, 0, 280)
    assert (lng, lat) == (pytest.approx(113.5), pytest.approx(21.9 + 280 / KM_PER_DEG_LAT))


@pytest.mark.django_db
def test_wind_circle_is_four_quarter_arcs_at_their_radii():
    polygon = wind_circle(*HATO_0400Z, RADII_7, segments=16)
    assert polygon.valid and polygon.srid == 4326
    # Extremes: north at the NE radius, south at the SW radius (the larger of SE 220 and SW 260).
    _xmin, ymin, _xmax, ymax = polygon.extent
    assert ymax == pytest.approx(21.9 + 280 / KM_PER_DEG_LAT, abs=1e-6)
    assert ymin == pytest.approx(21.9 - 260 / KM_PER_DEG_LAT, abs=1e-6)
    # Every vertex lies at its quadrant's radius (or on a radial step at the quadrant boundary).
    ring = polygon.exterior_ring.coords
    for lng, lat in ring[1:16]:  # inside the NE arc
        assert distance_km(*HATO_0400Z, lng, lat) == pytest.approx(280, rel=1e-9)
    # Area: the four quarter discs, π/4 (280² + 220² + 260² + 240²) = 197,920 km², less the chords.
    expected = math.pi / 4 * (280**2 + 220**2 + 260**2 + 240**2)
    assert geodesic_area_km2(polygon) == pytest.approx(expected, rel=0.01)
    # A point 250 km east is inside (NE/SE boundary: the east extreme is 280 on the NE side),
    # 250 km south-east is outside (SE radius 220).
    assert polygon.contains(_pt(destination(*HATO_0400Z, 45, 250)))
    assert not polygon.contains(_pt(destination(*HATO_0400Z, 135, 250)))
    assert polygon.contains(_pt(destination(*HATO_0400Z, 135, 200)))


def _pt(lng_lat):
    from django.contrib.gis.geos import Point

    return Point(*lng_lat, srid=4326)


def test_no_radii_no_circle():
    assert wind_circle(113, 22, {"ne": 0, "se": 0, "sw": 0, "nw": 0}) is None
    assert wind_circle(113, 22, None) is None


def test_wind_force_at_interpolates_between_the_circles(settings):
    settings.TYPHOON_FORCE6_RADIUS_FACTOR = 1.5
    radii = {
        "7": {"ne": 200, "se": 200, "sw": 200, "nw": 200},
        "10": {"ne": 80, "se": 80, "sw": 80, "nw": 80},
        "12": {"ne": 40, "se": 40, "sw": 40, "nw": 40},
    }
    centre = (113.0, 22.0)
    at = lambda km: wind_force_at(centre, radii, destination(*centre, 10, km))  # noqa: E731
    assert at(30) == 12
    assert at(60) == pytest.approx(11.0, abs=0.01)  # half-way 40→80: 12→10
    assert at(140) == pytest.approx(8.5, abs=0.01)  # half-way 80→200: 10→7
    assert at(250) == pytest.approx(6.5, abs=0.01)  # half-way 200→300: 7→6
    assert at(301) == 0


def test_cone_grows_with_lead_time(settings):
    settings.TYPHOON_CONE_LEAD_HOURS = [0, 24, 48]
    settings.TYPHOON_CONE_RADII_KM = [20, 100, 180]
    assert cone_radius_km(12) == pytest.approx(60)
    assert cone_radius_km(100) == 180
    shape = cone([(120.0, 20.0, 0), (116.0, 21.0, 24), (113.0, 22.0, 48)])
    assert shape.valid
    # It reaches 180 km around the 48 h point but only ~20 km around the start.
    assert shape.contains(_pt(destination(113.0, 22.0, 0, 170)))
    assert not shape.contains(_pt(destination(120.0, 20.0, 90, 40)))


def test_warning_lines_distance_and_side():
    line24 = warning_line("24h")
    line48 = warning_line("48h")
    # Hato at 2017-08-20 06 UTC (128.0E, 20.4N): outside both lines? East of 127E: outside the 24 h line.
    assert not inside_warning_line(128.0, 20.4, line24)
    assert inside_warning_line(128.0, 20.4, line48)
    # 1° east of the 127E meridian at 25N: about 101 km.
    assert distance_to_line_km(128.0, 25.0, line24) == pytest.approx(100.9, abs=1.0)
    assert inside_warning_line(113.576, 22.271, line24)


def test_nearest_approach_between_fixes():
    t0 = datetime(2017, 8, 23, 4, tzinfo=UTC)
    points = [TrackPoint(t0, 113.5, 21.9), TrackPoint(t0 + timedelta(hours=1), 113.2, 22.0)]
    approach = nearest_approach(points, (113.576, 22.271))
    # Closest where the segment is nearest: 10 min after 04:00, 41.5 km.
    assert approach.time == t0 + timedelta(minutes=10)
    assert approach.distance_km == pytest.approx(41.5, abs=0.1)
