"""GCJ-02 <-> WGS 84 conversion.

GCJ-02 (the "Mars" offset) is the obfuscated datum that AutoNavi and DataV publish in; the offset is a
few hundred metres and varies smoothly across China. The forward direction is the public
"eviltransform" closed form on the Krasovsky ellipsoid. The inverse has no closed form, so it is found
by fixed-point iteration: the offset changes so slowly with position that each step gains several
digits, and the round trip ends far below a millimetre.

Coordinates are (lng, lat) in degrees everywhere in this module, the order of GeoJSON and GEOS.
"""

# Implemented here because no PyPI package for this is well maintained (eviltransform, coordTransform
# and friends have been dormant for years), and the algorithm is thirty lines.

from __future__ import annotations

import math
from collections.abc import Callable

from django.contrib.gis.geos import (
    GEOSGeometry,
    LinearRing,
    LineString,
    MultiLineString,
    MultiPoint,
    MultiPolygon,
    Point,
    Polygon,
)

# Krasovsky 1940, the ellipsoid GCJ-02 is defined on.
KRASOVSKY_A = 6378245.0
KRASOVSKY_EE = 0.00669342162296594323

# The rough box in which the offset is applied; outside it GCJ-02 equals WGS 84 by definition.
_CHINA_LNG = (72.004, 137.8347)
_CHINA_LAT = (0.8293, 55.8271)

INVERSE_TOLERANCE_DEG = 1e-9
INVERSE_MAX_ITERATIONS = 30

CoordFn = Callable[[float, float], tuple[float, float]]


def out_of_china(lng: float, lat: float) -> bool:
    return not (_CHINA_LNG[0] <= lng <= _CHINA_LNG[1] and _CHINA_LAT[0] <= lat <= _CHINA_LAT[1])


def _offset_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _offset_lng(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def _delta(lng: float, lat: float) -> tuple[float, float]:
    """The GCJ-02 offset (dlng, dlat) in degrees at a WGS 84 position."""
    dlat = _offset_lat(lng - 105.0, lat - 35.0)
    dlng = _offset_lng(lng - 105.0, lat - 35.0)
    rad_lat = lat / 180.0 * math.pi
    magic = 1 - KRASOVSKY_EE * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((KRASOVSKY_A * (1 - KRASOVSKY_EE)) / (magic * sqrt_magic) * math.pi)
    dlng = (dlng * 180.0) / (KRASOVSKY_A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return dlng, dlat


def wgs84_to_gcj02(lng: float, lat: float) -> tuple[float, float]:
    """WGS 84 (lng, lat) to GCJ-02 (lng, lat); unchanged outside China."""
    if out_of_china(lng, lat):
        return lng, lat
    dlng, dlat = _delta(lng, lat)
    return lng + dlng, lat + dlat


def gcj02_to_wgs84(lng: float, lat: float) -> tuple[float, float]:
    """GCJ-02 (lng, lat) to WGS 84 (lng, lat): the exact inverse of wgs84_to_gcj02."""
    if out_of_china(lng, lat):
        return lng, lat
    # Start from the one-step approximation, then correct by the forward error until it vanishes.
    dlng, dlat = _delta(lng, lat)
    w_lng, w_lat = lng - dlng, lat - dlat
    for _ in range(INVERSE_MAX_ITERATIONS):
        dlng, dlat = _delta(w_lng, w_lat)
        err_lng = w_lng + dlng - lng
        err_lat = w_lat + dlat - lat
        w_lng -= err_lng
        w_lat -= err_lat
        if abs(err_lng) < INVERSE_TOLERANCE_DEG and abs(err_lat) < INVERSE_TOLERANCE_DEG:
            break
    return w_lng, w_lat


def transform_geometry(geom: GEOSGeometry, fn: CoordFn) -> GEOSGeometry:
    """A copy of geom with fn applied to every (x, y); z is dropped, the SRID kept."""
    result = _transform(geom, fn)
    result.srid = geom.srid
    return result


def gcj02_to_wgs84_geometry(geom: GEOSGeometry) -> GEOSGeometry:
    return transform_geometry(geom, gcj02_to_wgs84)


def wgs84_to_gcj02_geometry(geom: GEOSGeometry) -> GEOSGeometry:
    return transform_geometry(geom, wgs84_to_gcj02)


def _transform(geom: GEOSGeometry, fn: CoordFn) -> GEOSGeometry:
    # Order matters: LinearRing is a LineString, and the multi types are collections.
    if isinstance(geom, Point):
        return Point(*fn(geom.x, geom.y))
    if isinstance(geom, LinearRing):
        return LinearRing([fn(c[0], c[1]) for c in geom.coords])
    if isinstance(geom, LineString):
        return LineString([fn(c[0], c[1]) for c in geom.coords])
    if isinstance(geom, Polygon):
        return Polygon(*[_transform(ring, fn) for ring in geom])
    if isinstance(geom, MultiPolygon | MultiLineString | MultiPoint):
        return type(geom)(*[_transform(part, fn) for part in geom])
    raise TypeError(f"cannot transform a {geom.geom_type}")
