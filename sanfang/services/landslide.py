"""Rainstorm-landslide risk coefficient per hazard point (暴雨型滑坡风险系数), README "三防 models".

For a landslide or debris-flow hazard point with susceptibility ``s`` (0–1), at time ``t``:

- ``R_0`` is the rain of the last 24 h (``(t-24h, t]``), ``R_i`` the rain of the i-th 24 h before
  that (``(t-(i+1)·24h, t-i·24h]``), ``I`` the rain of the last ``SANFANG_LANDSLIDE_INTENSITY_HOURS``;
- the effective antecedent rainfall is ``R_a = Σ_{i=1..N} K^i · R_i`` (decay ``K``, ``N`` days);
- the effective process rainfall is ``P = R_0 + R_a + w · I``;
- the coefficient is ``C = s · P / P_ref``; ``C`` at or above the thresholds gives blue, yellow,
  orange, red (地质灾害气象风险预警 levels, DOMAIN.md §2.5), below the first none.

The rain at a point is the inverse-distance-squared mean of its nearest active rain gauges within
the search radius (a gauge on the point counts alone). A point with no gauge in range keeps no level.
Orange and red raise a hazard alert; falling below orange clears it.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from emergency.choices import AlertKind
from emergency.services.alerts import alert_clear, alert_raise
from sanfang.choices import GeohazardLevel, HazardKind, ReadingQuality, StationKind, Variable
from sanfang.models import HazardPoint, Station

GEOLOGICAL_KINDS = (HazardKind.LANDSLIDE, HazardKind.DEBRIS_FLOW)
LEVELS_ASCENDING = (GeohazardLevel.BLUE, GeohazardLevel.YELLOW, GeohazardLevel.ORANGE, GeohazardLevel.RED)
ALERTING = frozenset({GeohazardLevel.ORANGE, GeohazardLevel.RED})
EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class LandslideParams:
    decay: float
    days: int
    intensity_hours: int
    intensity_weight: float
    reference_mm: float
    thresholds: tuple[float, float, float, float]
    radius_km: float
    stations: int

    @classmethod
    def from_settings(cls) -> LandslideParams:
        thresholds = tuple(settings.SANFANG_LANDSLIDE_THRESHOLDS)
        if len(thresholds) != 4 or list(thresholds) != sorted(thresholds):
            raise ValueError(
                "SANFANG_LANDSLIDE_THRESHOLDS needs 4 ascending numbers (blue, yellow, orange, red)"
            )
        return cls(
            decay=settings.SANFANG_LANDSLIDE_DECAY_K,
            days=settings.SANFANG_LANDSLIDE_ANTECEDENT_DAYS,
            intensity_hours=settings.SANFANG_LANDSLIDE_INTENSITY_HOURS,
            intensity_weight=settings.SANFANG_LANDSLIDE_INTENSITY_WEIGHT,
            reference_mm=settings.SANFANG_LANDSLIDE_REFERENCE_MM,
            thresholds=thresholds,  # type: ignore[arg-type]
            radius_km=settings.SANFANG_LANDSLIDE_STATION_RADIUS_KM,
            stations=settings.SANFANG_LANDSLIDE_STATIONS,
        )


@dataclass(frozen=True)
class Rain:
    """Rain at one place: ``daily[0]`` is the last 24 h, ``daily[i]`` the i-th day before; ``intensity``
    the rain of the last intensity window (mm)."""

    daily: tuple[float, ...]
    intensity: float


def antecedent_rainfall(daily: tuple[float, ...] | list[float], *, decay: float, days: int) -> float:
    """``Σ_{i=1..days} decay^i · daily[i]`` (missing days count as dry)."""
    return sum(decay**i * daily[i] for i in range(1, min(days, len(daily) - 1) + 1))


def risk_coefficient(*, susceptibility: float, rain: Rain, params: LandslideParams) -> float:
    today = rain.daily[0] if rain.daily else 0.0
    process = today + antecedent_rainfall(rain.daily, decay=params.decay, days=params.days)
    process += params.intensity_weight * rain.intensity
    return susceptibility * process / params.reference_mm


def warning_level(coefficient: float, thresholds: tuple[float, ...]) -> str:
    level = GeohazardLevel.NONE
    for threshold, candidate in zip(thresholds, LEVELS_ASCENDING, strict=True):
        if coefficient >= threshold:
            level = candidate
    return level


def _distance_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def station_rain(*, station_ids: list[int], at: dt.datetime, params: LandslideParams) -> dict[int, Rain]:
    """Daily rain buckets and the current intensity per gauge, in one grouped query over the
    readings (suspect readings left out)."""
    if not station_ids:
        return {}
    start = at - dt.timedelta(days=params.days + 1)
    intensity_start = at - dt.timedelta(hours=params.intensity_hours)
    with connection.cursor() as cursor:
        # Day 0 is (at-24h, at]: ceil(age/24h)-1 puts a reading exactly 24 h old in day 0.
        cursor.execute(
            """
            SELECT station_id,
                   GREATEST(CEIL(EXTRACT(EPOCH FROM (%s - time)) / 86400.0)::int - 1, 0) AS day,
                   SUM(value),
                   SUM(value) FILTER (WHERE time > %s)
              FROM sanfang_reading
             WHERE variable = %s AND station_id = ANY(%s) AND time > %s AND time <= %s AND quality < %s
             GROUP BY 1, 2
            """,
            [at, intensity_start, Variable.RAIN, station_ids, start, at, ReadingQuality.SUSPECT],
        )
        rows = cursor.fetchall()
    daily: dict[int, list[float]] = {}
    intensity: dict[int, float] = {}
    for station_id, day, total, recent in rows:
        buckets = daily.setdefault(station_id, [0.0] * (params.days + 1))
        if 0 <= day <= params.days:
            buckets[day] += total or 0.0
        intensity[station_id] = intensity.get(station_id, 0.0) + (recent or 0.0)
    return {
        sid: Rain(tuple(daily.get(sid, [0.0] * (params.days + 1))), intensity.get(sid, 0.0))
        for sid in station_ids
    }


def _nearest(
    lon: float, lat: float, gauges: list[tuple[int, float, float]], params: LandslideParams
) -> list[tuple[int, float]]:
    found = sorted(
        (d, sid) for sid, x, y in gauges if (d := _distance_km(lon, lat, x, y)) <= params.radius_km
    )
    return [(sid, d) for d, sid in found[: params.stations]]


def point_rain(near: list[tuple[int, float]], rain: dict[int, Rain]) -> Rain | None:
    """Inverse-distance-squared mean of the gauges' rain; a gauge within 10 m counts alone."""
    if not near:
        return None
    close = [sid for sid, d in near if d < 0.01]
    weights = dict.fromkeys(close, 1.0) if close else {sid: 1.0 / d**2 for sid, d in near}
    total = sum(weights.values())
    days = len(next(iter(rain.values())).daily) if rain else 0
    daily = tuple(sum(w * rain[sid].daily[i] for sid, w in weights.items()) / total for i in range(days))
    intensity = sum(w * rain[sid].intensity for sid, w in weights.items()) / total
    return Rain(daily, intensity)


def _dedup(point: HazardPoint) -> str:
    return f"sanfang:landslide:{point.pk}"


def _alert(point: HazardPoint, previous: str) -> None:
    if point.warning_level in ALERTING:
        if previous != point.warning_level:
            alert_clear(dedup_key=_dedup(point))  # orange → red gives a new, red alert
        alert_raise(
            kind=AlertKind.HAZARD,
            level=point.warning_level,
            title=_("Landslide risk %(level)s at %(name)s (coefficient %(c).2f)")
            % {"level": point.get_warning_level_display(), "name": point.name, "c": point.risk_coefficient},
            source=point,
            geom=point.geom,
            dedup_key=_dedup(point),
        )
    elif previous in ALERTING:
        alert_clear(dedup_key=_dedup(point))


@transaction.atomic
def landslide_risk_update(
    *, at: dt.datetime | None = None, point_ids: list[int] | None = None
) -> dict[str, int]:
    """Recompute the coefficient and level of the active landslide and debris-flow points (or those
    named) and store them; returns the number of points per level (and ``changed``)."""
    at = at or timezone.now()
    params = LandslideParams.from_settings()
    gauges = [
        (sid, geom.x, geom.y)
        for sid, geom in Station.objects.filter(
            kind=StationKind.RAIN, active=True, geom__isnull=False
        ).values_list("pk", "geom")
    ]
    points = HazardPoint.objects.select_for_update().filter(active=True, kind__in=GEOLOGICAL_KINDS)
    if point_ids is not None:
        points = points.filter(pk__in=point_ids)
    points = list(points)
    nearest = {p.pk: _nearest(p.geom.x, p.geom.y, gauges, params) for p in points}
    used = sorted({sid for near in nearest.values() for sid, _d in near})
    rain = station_rain(station_ids=used, at=at, params=params)
    counts: dict[str, int] = {"changed": 0}
    for point in points:
        here = point_rain(nearest[point.pk], rain)
        previous = point.warning_level
        if here is None:
            coefficient, level = None, GeohazardLevel.NONE
        else:
            coefficient = round(
                risk_coefficient(susceptibility=point.susceptibility, rain=here, params=params), 4
            )
            level = warning_level(coefficient, params.thresholds)
        counts[level or "none"] = counts.get(level or "none", 0) + 1
        if coefficient == point.risk_coefficient and level == previous:
            continue
        point.risk_coefficient, point.warning_level, point.risk_computed_at = coefficient, level, at
        # A derived value written by the model, not an edit: saved without the audit of a user edit.
        HazardPoint.objects.filter(pk=point.pk).update(
            risk_coefficient=coefficient, warning_level=level, risk_computed_at=at
        )
        counts["changed"] += 1
        if level != previous:
            _alert(point, previous)
    return counts
