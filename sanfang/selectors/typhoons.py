"""Reading storms: tracks, the state at a moment, forecasts, and what a storm means for the city."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Max, Min, Q, QuerySet

from sanfang.models import Storm, StormFix, StormForecast
from sanfang.typhoon_geometry import (
    Approach,
    TrackPoint,
    city_point,
    distance_km,
    interpolate,
    nearest_approach,
    wind_force_at,
)


def storms_list() -> QuerySet[Storm]:
    return Storm.objects.annotate(
        fix_count=Count("fixes"), first_fix=Min("fixes__time"), last_fix=Max("fixes__time")
    ).order_by("-active", "-code")


def storm_main_source(storm: Storm) -> str | None:
    """The source whose track is shown: the one with the most fixes (ties: the first by name)."""
    row = (
        StormFix.objects.filter(storm=storm)
        .values("source")
        .annotate(n=Count("id"))
        .order_by("-n", "source")
        .first()
    )
    return row["source"] if row else None


def storm_fixes(storm: Storm, *, source: str | None = None) -> QuerySet[StormFix]:
    source = source or storm_main_source(storm)
    return StormFix.objects.filter(storm=storm, source=source).order_by("time")


def track_points(fixes) -> list[TrackPoint]:
    return [TrackPoint(f.time, f.geom.x, f.geom.y, f.wind_ms, f.radii or None) for f in fixes]


def latest_forecasts(storm: Storm, *, at: datetime | None = None) -> list[StormForecast]:
    """The positions of the latest forecast issued at or before ``at`` (one agency: the first by name)."""
    qs = StormForecast.objects.filter(storm=storm)
    if at is not None:
        qs = qs.filter(issued_at__lte=at)
    last = qs.order_by("-issued_at", "agency").values("issued_at", "agency").first()
    if last is None:
        return []
    return list(qs.filter(issued_at=last["issued_at"], agency=last["agency"]).order_by("valid_time"))


@dataclass(frozen=True)
class StormState:
    """A storm at a moment, as the city sees it."""

    storm: Storm
    at: datetime
    point: TrackPoint  # the centre at ``at`` (interpolated), with the last fix's radii
    tc_class: str
    distance_km: float
    wind_force_here: float
    approach: Approach | None  # nearest approach from ``at`` on (fixes after it and the forecast)
    landfall_time: datetime | None  # a landfall still to come after ``at``

    @property
    def approach_hours(self) -> float | None:
        if self.approach is None:
            return None
        return max(0.0, (self.approach.time - self.at).total_seconds() / 3600)

    @property
    def landfall_hours(self) -> float | None:
        if self.landfall_time is None:
            return None
        return max(0.0, (self.landfall_time - self.at).total_seconds() / 3600)


def storm_state_at(storm: Storm, at: datetime, *, fixes=None) -> StormState | None:
    """Where the storm is at ``at`` and what is still ahead for the city; None if it has no fix by then.

    After the last fix the storm stays at that fix (a live feed's latest position) for
    ``TYPHOON_ACTIVE_HOURS``; what lies ahead is the fixes after ``at`` (history, replays) followed
    by the latest forecast issued by ``at``.
    """
    fixes = list(fixes if fixes is not None else storm_fixes(storm))
    if not fixes or fixes[0].time > at:
        return None
    points = track_points(fixes)
    last = fixes[-1]
    if at > last.time:
        if at - last.time > timedelta(hours=settings.TYPHOON_ACTIVE_HOURS) and not storm.active:
            return None
        here = TrackPoint(at, last.geom.x, last.geom.y, last.wind_ms, last.radii or None)
        tc_class = last.tc_class
    else:
        here = interpolate(points, at)
        before = max((f for f in fixes if f.time <= at), key=lambda f: f.time)
        tc_class = before.tc_class
    city = city_point()
    ahead = [here] + [p for p in points if p.time > at]
    horizon = ahead[-1].time
    for fc in latest_forecasts(storm, at=at):
        if fc.valid_time > horizon:
            ahead.append(TrackPoint(fc.valid_time, fc.geom.x, fc.geom.y, fc.wind_ms, None))
    approach = nearest_approach(ahead, city)
    landfall = storm.landfall_time if storm.landfall_time and storm.landfall_time >= at else None
    return StormState(
        storm=storm,
        at=at,
        point=here,
        tc_class=tc_class,
        distance_km=distance_km(here.lng, here.lat, *city),
        wind_force_here=wind_force_at((here.lng, here.lat), here.radii, city),
        approach=approach,
        landfall_time=landfall,
    )


def storms_active_at(at: datetime) -> QuerySet[Storm]:
    """Storms flagged active, or with a fix within ``TYPHOON_ACTIVE_HOURS`` before ``at``."""
    window = timedelta(hours=settings.TYPHOON_ACTIVE_HOURS)
    recent = StormFix.objects.filter(time__gte=at - window, time__lte=at).values("storm_id")
    return Storm.objects.filter(Q(active=True) | Q(pk__in=recent)).distinct()


def most_relevant_state(at: datetime) -> StormState | None:
    """Of the storms active at ``at``, the one nearest the city now or at its nearest approach."""
    states = [s for s in (storm_state_at(storm, at) for storm in storms_active_at(at)) if s is not None]
    if not states:
        return None
    return min(
        states, key=lambda s: min(s.distance_km, s.approach.distance_km if s.approach else s.distance_km)
    )


def storm_get(code: str) -> Storm:
    """The storm of ``code``, or ``ValidationError`` naming the ``storm`` parameter."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    storm = Storm.objects.filter(code=str(code or "").strip()).first()
    if storm is None:
        raise ValidationError({"storm": _("No storm with code “%(code)s”.") % {"code": code}})
    return storm


def storm_path_ahead(storm: Storm, at: datetime, hours: float) -> list[TrackPoint]:
    """The storm's positions from ``at`` to ``at + hours``, hourly: its fixes (history, a replay),
    then its latest forecast issued by ``at``. Forecast positions carry the radii known at ``at``."""
    fixes = list(storm_fixes(storm))
    state = storm_state_at(storm, at, fixes=fixes)
    if state is None:
        return []
    radii = state.point.radii
    points = [state.point] + [p for p in track_points(fixes) if at < p.time <= at + timedelta(hours=hours)]
    horizon = points[-1].time
    points += [
        TrackPoint(fc.valid_time, fc.geom.x, fc.geom.y, fc.wind_ms, radii)
        for fc in latest_forecasts(storm, at=at)
        if horizon < fc.valid_time <= at + timedelta(hours=hours)
    ]
    # Hourly, so that the swept circles leave no gaps between distant fixes.
    result: list[TrackPoint] = []
    t = at
    while t <= points[-1].time:
        p = interpolate(points, t)
        if p is not None:
            result.append(TrackPoint(p.time, p.lng, p.lat, p.wind_ms, p.radii or radii))
        t += timedelta(hours=1)
    return result
