"""The impact part's zone resolvers: a drawn polygon, and the area where rain is over a threshold.

Registered by ``sanfang.ready_impact`` with ``sanfang.impact_zones.zone_resolver_register``; the
storm kind is the typhoon part's. Each resolver validates its parameters and raises
``ValidationError`` naming the bad one (``params.geometry``, ``params.window``…).
"""

from __future__ import annotations

import json
import math
from typing import Any

from django.conf import settings
from django.contrib.gis.geos import GEOSException, GEOSGeometry, MultiPolygon
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _

from sanfang.choices import RainWindow

AREAL_TYPES = ("Polygon", "MultiPolygon")


def _error(param: str, message: str) -> ValidationError:
    return ValidationError({f"params.{param}": message})


def empty_zone() -> MultiPolygon:
    return MultiPolygon(srid=4326)


def approx_area_km2(geom: GEOSGeometry) -> float:
    """Area of a lon/lat geometry in km², scaled at its centroid's latitude (good to ~1 % over a city)."""
    if geom.empty:
        return 0.0
    lat = geom.centroid.y
    return geom.area * 111.32 * 111.32 * math.cos(math.radians(lat))


def zone_check(geom: GEOSGeometry, *, param: str = "geometry") -> GEOSGeometry:
    """A zone the lists can use: a valid polygon or multipolygon in SRID 4326 within the limits."""
    if geom.srid not in (None, 4326):
        geom = geom.transform(4326, clone=True)
    geom.srid = 4326
    if geom.geom_type not in AREAL_TYPES:
        raise _error(
            param, _("The zone must be a Polygon or MultiPolygon, not %(type)s.") % {"type": geom.geom_type}
        )
    if geom.empty:
        return geom
    if not geom.valid:
        raise _error(param, _("The polygon is not valid: %(reason)s.") % {"reason": geom.valid_reason})
    if geom.num_points > settings.SANFANG_IMPACT_MAX_VERTICES:
        raise _error(
            param,
            _("The polygon has %(n)s vertices; at most %(max)s are allowed.")
            % {"n": geom.num_points, "max": settings.SANFANG_IMPACT_MAX_VERTICES},
        )
    xmin, ymin, xmax, ymax = geom.extent
    if xmin < -180 or xmax > 180 or ymin < -90 or ymax > 90:
        raise _error(param, _("Coordinates must be longitude, latitude in degrees (WGS 84)."))
    area = approx_area_km2(geom)
    if area > settings.SANFANG_IMPACT_MAX_AREA_KM2:
        raise _error(
            param,
            _("The zone covers %(area).0f km²; at most %(max).0f km² are allowed.")
            % {"area": area, "max": settings.SANFANG_IMPACT_MAX_AREA_KM2},
        )
    return geom


def zone_polygon(params: dict[str, Any]) -> GEOSGeometry:
    """``{"geometry": <GeoJSON Polygon or MultiPolygon, lon/lat>}`` (a Feature is accepted too)."""
    raw = params.get("geometry")
    if raw in (None, "", {}):
        raise _error("geometry", _("Draw the zone: a GeoJSON Polygon is required."))
    if isinstance(raw, dict) and raw.get("type") == "Feature":
        raw = raw.get("geometry")
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise _error("geometry", _("The geometry is not valid GeoJSON.")) from None
    if not isinstance(raw, dict) or raw.get("type") not in AREAL_TYPES:
        raise _error("geometry", _("The geometry must be a GeoJSON Polygon or MultiPolygon."))
    try:
        geom = GEOSGeometry(json.dumps(raw), srid=4326)
    except (GEOSException, ValueError, TypeError):
        raise _error("geometry", _("The geometry is not valid GeoJSON.")) from None
    if geom.empty:
        raise _error("geometry", _("The polygon is empty."))
    return zone_check(geom)


_WINDOWS = {f"{w}h": w for w in RainWindow.values}


def _rain_window(value: Any) -> int:
    text = str(value).strip().lower() if value is not None else "24h"
    if text.isdigit():
        text += "h"
    if text not in _WINDOWS:
        raise _error(
            "window",
            _("Unknown rainfall window %(w)s; use one of: %(ws)s.") % {"w": value, "ws": ", ".join(_WINDOWS)},
        )
    return _WINDOWS[text]


def zone_rain(params: dict[str, Any]) -> GEOSGeometry:
    """``{"window": "24h", "min_mm": 50}``: the union of buffers (``SANFANG_IMPACT_RAIN_BUFFER_M``)
    around the active stations whose rolling rainfall over the window is above ``min_mm``."""
    window = _rain_window(params.get("window", "24h"))
    try:
        min_mm = float(params.get("min_mm"))
    except (TypeError, ValueError):
        raise _error("min_mm", _("Give the rainfall threshold in mm, a number.")) from None
    if not math.isfinite(min_mm) or min_mm < 0:
        raise _error("min_mm", _("The rainfall threshold must be zero or more."))
    column = f"rain_{window}h"  # from the fixed set of windows above, never from the request
    sql = f"""
        SELECT ST_AsEWKB(ST_Multi(ST_Union(ST_Buffer(s.geom::geography, %s)::geometry)))
        FROM sanfang_station s JOIN sanfang_stationstatus st ON st.station_id = s.id
        WHERE s.active AND s.geom IS NOT NULL AND st.{column} > %s
    """  # noqa: S608  (column from a fixed set; values bound)
    with connection.cursor() as cursor:
        cursor.execute(sql, [settings.SANFANG_IMPACT_RAIN_BUFFER_M, min_mm])
        (ewkb,) = cursor.fetchone()
    if ewkb is None:
        return empty_zone()
    geom = GEOSGeometry(memoryview(bytes(ewkb)))
    geom.srid = 4326
    return geom
