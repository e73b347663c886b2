"""The storm impact zone (``zone_resolve("storm", {...})``) and the typhoon facts for trigger rules."""

from __future__ import annotations

import itertools
import math
from datetime import datetime
from typing import Any

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from emergency.triggers import SCALES
from sanfang.selectors.typhoons import (
    most_relevant_state,
    storm_get,
    storm_path_ahead,
)
from sanfang.typhoon_geometry import cone, wind_circle

MAX_ZONE_HOURS = 120


def parse_at(value) -> datetime:
    if value in (None, ""):
        return timezone.now()
    at = parse_datetime(str(value)) if not isinstance(value, datetime) else value
    if at is None:
        raise ValidationError({"at": _("“%(value)s” is not an ISO date and time.") % {"value": value}})
    if timezone.is_naive(at):
        at = timezone.make_aware(at, timezone.get_default_timezone())
    return at


def _hours(value) -> float:
    try:
        hours = float(24 if value in (None, "") else value)
    except (TypeError, ValueError):
        raise ValidationError({"hours": _("“hours” must be a number of hours.")}) from None
    if not 0 <= hours <= MAX_ZONE_HOURS or math.isnan(hours):
        raise ValidationError(
            {"hours": _("“hours” must be between 0 and %(max)s.") % {"max": MAX_ZONE_HOURS}}
        )
    return hours


def _polygons(geom: GEOSGeometry) -> list:
    if geom.geom_type == "Polygon":
        return [geom]
    return [p for part in geom for p in _polygons(part)] if geom.geom_type != "Point" else []


def storm_zone(params: dict[str, Any]) -> MultiPolygon:
    """The area the storm's force-7 winds sweep from ``at`` (default now) to ``at + hours`` (24):
    the union of the force-7 circles along its path, with the hull between consecutive circles.
    A storm whose radii are unknown gets its cone of uncertainty instead."""
    storm = storm_get(params.get("storm"))
    at = parse_at(params.get("at"))
    hours = _hours(params.get("hours"))
    path = storm_path_ahead(storm, at, hours)
    if not path:
        raise ValidationError(
            {"at": _("Storm %(code)s has no position at that time.") % {"code": storm.code}}
        )
    circles = [
        c for c in (wind_circle(p.lng, p.lat, (p.radii or {}).get("7")) for p in path) if c is not None
    ]
    if circles:
        parts = [circles[0]] + [
            MultiPolygon(a, b, srid=4326).convex_hull for a, b in itertools.pairwise(circles)
        ]
    else:
        lead0 = path[0].time
        parts = [cone([(p.lng, p.lat, (p.time - lead0).total_seconds() / 3600) for p in path])]
    union = MultiPolygon(parts, srid=4326).unary_union if len(parts) > 1 else parts[0]
    result = MultiPolygon(_polygons(union), srid=4326)
    return result


def typhoon_facts(at: datetime) -> dict[str, Any]:
    """Facts about the storm that matters most to the city at ``at`` (none when no storm is active)."""
    state = most_relevant_state(at)
    if state is None:
        return {}
    facts: dict[str, Any] = {
        "typhoon_distance_km": round(state.distance_km, 1),
        "typhoon_wind_force_here": math.floor(state.wind_force_here),
    }
    if state.tc_class in SCALES["tc_class"]:
        facts["tc_class"] = state.tc_class
    if state.approach is not None:
        facts["approach_hours"] = round(state.approach_hours, 2)
    if state.landfall_hours is not None:
        facts["landfall_hours"] = round(state.landfall_hours, 2)
    return facts
