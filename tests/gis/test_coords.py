"""GCJ-02 <-> WGS 84: the exact inverse, the size of the offset around Zhuhai, and the China box."""

from __future__ import annotations

import math

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon

from gis.coords import (
    gcj02_to_wgs84,
    gcj02_to_wgs84_geometry,
    wgs84_to_gcj02,
    wgs84_to_gcj02_geometry,
)

EARTH_RADIUS_M = 6_371_008.8

# Around Zhuhai: city centre, Jinwan airport, Doumen (Jing'an), Hengqin, Qi'ao island, the far
# north-west corner, and the Dangan islands at the south-east end of the Wanshan archipelago.
ZHUHAI_POINTS = [
    (113.55, 22.27),
    (113.376, 22.006),
    (113.295, 22.21),
    (113.53, 22.12),
    (113.63, 22.42),
    (113.09, 22.44),
    (114.30, 21.85),
]


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine) between two (lng, lat) points."""
    lat1, lat2 = math.radians(a[1]), math.radians(b[1])
    dlat, dlng = lat2 - lat1, math.radians(b[0] - a[0])
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlng / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def test_haversine_helper_is_right():
    # One degree of latitude is about 111.2 km; a wrong helper would make every test below meaningless.
    assert metres((113.0, 22.0), (113.0, 23.0)) == pytest.approx(111_195, rel=1e-3)


@pytest.mark.parametrize("wgs", ZHUHAI_POINTS)
def test_round_trip_is_exact(wgs):
    back = gcj02_to_wgs84(*wgs84_to_gcj02(*wgs))
    # The one-step approximation is off by 1-2 m here; the iterated inverse by far under a millimetre.
    assert metres(wgs, back) < 0.5
    assert metres(wgs, back) < 0.001


@pytest.mark.parametrize("gcj", ZHUHAI_POINTS)
def test_inverse_then_forward_returns_the_gcj_point(gcj):
    again = wgs84_to_gcj02(*gcj02_to_wgs84(*gcj))
    assert metres(gcj, again) < 0.001


@pytest.mark.parametrize("wgs", ZHUHAI_POINTS)
def test_offset_around_zhuhai_is_a_few_hundred_metres(wgs):
    gcj = wgs84_to_gcj02(*wgs)
    # Measured: 570-640 m across Zhuhai, GCJ-02 lying east and a little south of WGS 84.
    assert 200 < metres(wgs, gcj) < 900
    assert gcj[0] > wgs[0]
    assert gcj[1] < wgs[1]


# The vectors of the eviltransform test suite, as (wgs lat, wgs lng, gcj lat, gcj lng).
EVILTRANSFORM_VECTORS = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),  # Shanghai
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),  # Shenzhen
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),  # Beijing
]


@pytest.mark.parametrize(("wgs_lat", "wgs_lng", "gcj_lat", "gcj_lng"), EVILTRANSFORM_VECTORS)
def test_matches_the_reference_implementation(wgs_lat, wgs_lng, gcj_lat, gcj_lng):
    assert wgs84_to_gcj02(wgs_lng, wgs_lat) == pytest.approx((gcj_lng, gcj_lat), abs=1e-9)
    assert gcj02_to_wgs84(gcj_lng, gcj_lat) == pytest.approx((wgs_lng, wgs_lat), abs=1e-8)


@pytest.mark.parametrize("point", [(-0.1276, 51.5072), (139.6917, 35.6895), (151.2093, -33.8688)])
def test_points_outside_china_are_unchanged(point):
    assert wgs84_to_gcj02(*point) == point
    assert gcj02_to_wgs84(*point) == point


def test_geometry_is_converted_coordinate_by_coordinate():
    shell = [(113.50, 22.20), (113.60, 22.20), (113.60, 22.30), (113.50, 22.30), (113.50, 22.20)]
    hole = [(113.54, 22.24), (113.56, 22.24), (113.56, 22.26), (113.54, 22.24)]
    island = [(113.70, 22.00), (113.72, 22.00), (113.72, 22.02), (113.70, 22.00)]
    gcj = MultiPolygon(Polygon(shell, hole), Polygon(island), srid=4326)

    wgs = gcj02_to_wgs84_geometry(gcj)

    assert isinstance(wgs, MultiPolygon)
    assert wgs.srid == 4326
    assert len(wgs) == 2
    assert len(wgs[0]) == 2  # the hole survives
    for before_ring, after_ring in [(shell, wgs[0][0]), (hole, wgs[0][1]), (island, wgs[1][0])]:
        assert len(after_ring) == len(before_ring)
        for before, after in zip(before_ring, after_ring, strict=True):
            assert after == pytest.approx(gcj02_to_wgs84(*before), abs=1e-12)
    back = wgs84_to_gcj02_geometry(wgs)
    assert back.equals_exact(gcj, tolerance=1e-9)


def test_single_polygon_and_point_keep_their_type():
    polygon = Polygon([(113.5, 22.2), (113.6, 22.2), (113.6, 22.3), (113.5, 22.2)], srid=4326)
    assert isinstance(gcj02_to_wgs84_geometry(polygon), Polygon)
    point = gcj02_to_wgs84_geometry(Point(113.55, 22.27, srid=4326))
    assert isinstance(point, Point)
    assert (point.x, point.y) == pytest.approx(gcj02_to_wgs84(113.55, 22.27))
