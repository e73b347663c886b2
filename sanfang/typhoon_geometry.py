"""Typhoon geometry: wind circles from quadrant radii, the cone of uncertainty, warning lines, the
nearest approach to the city. Everything is in WGS 84 (SRID 4326), lng/lat order.

Distances and offsets are great circles on the mean Earth sphere (radius 6371.0088 km): within
0.5 % of the ellipsoid, far below the uncertainty of a storm's radii or position. Nothing here
touches the database, so the map, the facts, the replay and the tests all use the same numbers.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry, LineString, MultiPolygon, Point, Polygon

EARTH_RADIUS_KM = 6371.0088
QUADRANTS = ("ne", "se", "sw", "nw")
# Each quadrant's arc, as bearings clockwise from north.
_QUADRANT_BEARINGS = {"ne": (0.0, 90.0), "se": (90.0, 180.0), "sw": (180.0, 270.0), "nw": (270.0, 360.0)}
WIND_FORCES = ("7", "10", "12")


def distance_km(lng1: float, lat1: float, lng2: float, lat2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def destination(lng: float, lat: float, bearing_deg: float, dist_km: float) -> tuple[float, float]:
    """The point ``dist_km`` from (lng, lat) along the initial bearing (degrees clockwise from north)."""
    d = dist_km / EARTH_RADIUS_KM
    b = math.radians(bearing_deg)
    p1, l1 = math.radians(lat), math.radians(lng)
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(b))
    l2 = l1 + math.atan2(math.sin(b) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2))
    return ((math.degrees(l2) + 540) % 360 - 180, math.degrees(p2))


def quadrant_of(bearing_deg: float) -> str:
    b = bearing_deg % 360
    return QUADRANTS[min(int(b // 90), 3)]


def bearing(lng1: float, lat1: float, lng2: float, lat2: float) -> float:
    """Initial bearing from point 1 to point 2, degrees clockwise from north."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl = math.radians(lng2 - lng1)
    x = math.sin(dl) * math.cos(p2)
    y = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    return (math.degrees(math.atan2(x, y)) + 360) % 360


def wind_circle(lng: float, lat: float, radii: dict | None, *, segments: int = 16) -> Polygon | None:
    """The wind circle of one force as a polygon of four quarter arcs, each at its quadrant's radius.

    ``radii`` is ``{"ne": km, "se": km, "sw": km, "nw": km}``. Between quadrants of different radii
    the outline steps radially at the quadrant boundary (north, east, south, west), as the
    forecasters draw it. A quadrant with no radius counts as 0 (the outline passes through the centre);
    with every radius 0 or missing there is no circle (None).
    """
    if not radii:
        return None
    values = {q: float(radii.get(q) or 0) for q in QUADRANTS}
    if max(values.values()) <= 0:
        return None
    ring: list[tuple[float, float]] = []
    for q in QUADRANTS:
        start, end = _QUADRANT_BEARINGS[q]
        r = values[q]
        if r <= 0:
            ring.append((lng, lat))
            continue
        for i in range(segments + 1):
            ring.append(destination(lng, lat, start + (end - start) * i / segments, r))
    ring.append(ring[0])
    polygon = Polygon(ring, srid=4326)
    return polygon if polygon.valid else polygon.buffer(0)


def radius_towards(radii: dict | None, bearing_deg: float) -> float:
    """The radius (km) of a wind circle in the direction of ``bearing_deg``."""
    if not radii:
        return 0.0
    return float(radii.get(quadrant_of(bearing_deg)) or 0)


def wind_force_at(
    centre: tuple[float, float], radii_by_force: dict | None, point: tuple[float, float]
) -> float:
    """The wind force (Beaufort) the storm's circles give at ``point``, interpolated between them.

    Inside the force-12 radius: 12; between the 10 and 12 radii: 10–12; between 7 and 10: 7–10; from
    the force-7 radius out to ``TYPHOON_FORCE6_RADIUS_FACTOR`` times it: 6–7; beyond: 0 (below force 6).
    A model for the signals and the replay, not a measurement.
    """
    if not radii_by_force:
        return 0.0
    d = distance_km(*centre, *point)
    b = bearing(*centre, *point)
    r7 = radius_towards(radii_by_force.get("7"), b)
    r10 = radius_towards(radii_by_force.get("10"), b)
    r12 = radius_towards(radii_by_force.get("12"), b)
    if r7 <= 0:
        return 0.0
    if r12 > 0 and d <= r12:
        return 12.0
    if r10 > 0 and d <= r10:
        inner = r12 if r12 > 0 else 0.0
        return 10.0 + 2.0 * (r10 - d) / (r10 - inner) if r12 > 0 else 10.0
    if d <= r7:
        inner = r10 if r10 > 0 else 0.0
        return 7.0 + 3.0 * (r7 - d) / (r7 - inner) if r10 > 0 else 7.0
    r6 = r7 * settings.TYPHOON_FORCE6_RADIUS_FACTOR
    if d <= r6:
        return 6.0 + (r6 - d) / (r6 - r7)
    return 0.0


def circle(lng: float, lat: float, radius_km: float, *, segments: int = 48) -> Polygon:
    ring = [destination(lng, lat, 360.0 * i / segments, radius_km) for i in range(segments)]
    ring.append(ring[0])
    return Polygon(ring, srid=4326)


def cone_radius_km(lead_hours: float) -> float:
    """The cone's radius at a forecast lead time, interpolated from the settings' table."""
    leads = settings.TYPHOON_CONE_LEAD_HOURS
    radii = settings.TYPHOON_CONE_RADII_KM
    if lead_hours <= leads[0]:
        return radii[0]
    for (h0, r0), (h1, r1) in itertools.pairwise(zip(leads, radii, strict=True)):
        if lead_hours <= h1:
            return r0 + (r1 - r0) * (lead_hours - h0) / (h1 - h0)
    return radii[-1]


def cone(points: Sequence[tuple[float, float, float]]) -> GEOSGeometry | None:
    """The cone of uncertainty around forecast positions ``(lng, lat, lead_hours)``: the union of the
    convex hulls of each pair of consecutive circles, whose radius grows with the lead time."""
    if not points:
        return None
    circles = [circle(lng, lat, max(cone_radius_km(lead), 1.0)) for lng, lat, lead in points]
    if len(circles) == 1:
        return circles[0]
    parts = [MultiPolygon(a, b, srid=4326).convex_hull for a, b in itertools.pairwise(circles)]
    union = parts[0]
    for part in parts[1:]:
        union = union.union(part)
    union.srid = 4326
    return union


def warning_line(name: str) -> LineString:
    """China's 24 h or 48 h typhoon warning line (settings ``TYPHOON_WARNING_LINE_24H`` / ``_48H``)."""
    flat = settings.TYPHOON_WARNING_LINE_24H if name == "24h" else settings.TYPHOON_WARNING_LINE_48H
    return LineString(list(zip(flat[0::2], flat[1::2], strict=True)), srid=4326)


def distance_to_line_km(lng: float, lat: float, line: LineString, *, step_km: float = 5.0) -> float:
    """Shortest great-circle distance from a point to a polyline, by walking its segments in steps."""
    best = math.inf
    coords = list(line.coords)
    for (x1, y1), (x2, y2) in itertools.pairwise(coords):
        n = max(1, int(distance_km(x1, y1, x2, y2) / step_km))
        for i in range(n + 1):
            t = i / n
            best = min(best, distance_km(lng, lat, x1 + (x2 - x1) * t, y1 + (y2 - y1) * t))
    return best


def inside_warning_line(lng: float, lat: float, line: LineString) -> bool:
    """Whether a point is on the mainland's side (west) of a warning line: the line is closed by
    meridians and parallels far to the west into the area it guards."""
    coords = list(line.coords)
    north, south = coords[0], coords[-1]
    ring = [*coords, (min(south[0], 80.0), south[1]), (80.0, north[1]), north]
    return Polygon(ring, srid=4326).intersects(Point(lng, lat, srid=4326))


@dataclass(frozen=True)
class TrackPoint:
    time: datetime
    lng: float
    lat: float
    wind_ms: float | None = None
    radii: dict | None = None


@dataclass(frozen=True)
class Approach:
    time: datetime
    distance_km: float
    lng: float
    lat: float


def interpolate(points: Sequence[TrackPoint], at: datetime) -> TrackPoint | None:
    """The position at ``at``, linear between the two points around it (None outside the track).
    Radii and wind are those of the earlier point (sources give them per fix, not as a field)."""
    if not points or at < points[0].time or at > points[-1].time:
        return None
    for a, b in itertools.pairwise(points):
        if a.time <= at <= b.time:
            span = (b.time - a.time).total_seconds()
            t = 0.0 if span == 0 else (at - a.time).total_seconds() / span
            wind = a.wind_ms
            if a.wind_ms is not None and b.wind_ms is not None:
                wind = a.wind_ms + (b.wind_ms - a.wind_ms) * t
            radii = a.radii if t < 1 else b.radii
            return TrackPoint(at, a.lng + (b.lng - a.lng) * t, a.lat + (b.lat - a.lat) * t, wind, radii)
    return points[-1]


def nearest_approach(
    points: Iterable[TrackPoint], target: tuple[float, float], *, step: timedelta = timedelta(minutes=5)
) -> Approach | None:
    """When and how close a track passes ``target``: the track is walked in ``step`` steps, linear
    between its points (fine for 1–6 h fixes)."""
    pts = sorted(points, key=lambda p: p.time)
    if not pts:
        return None
    best: Approach | None = None
    for a, b in itertools.pairwise(pts) if len(pts) > 1 else [(pts[0], pts[0])]:
        span = (b.time - a.time).total_seconds()
        n = max(1, int(span // step.total_seconds()))
        for i in range(n + 1):
            t = i / n
            lng, lat = a.lng + (b.lng - a.lng) * t, a.lat + (b.lat - a.lat) * t
            d = distance_km(lng, lat, *target)
            if best is None or d < best.distance_km:
                best = Approach(a.time + timedelta(seconds=span * t), d, lng, lat)
    return best


def city_point() -> tuple[float, float]:
    lng, lat = settings.SANFANG_CITY_POINT[:2]
    return (lng, lat)
