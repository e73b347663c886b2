"""REST API of the typhoons part: storms, tracks, forecasts, wind circles, cone, warning lines,
approach to the city and the impact zone. Geometry is GeoJSON in WGS 84; times are ISO 8601 UTC.

Every view needs ``sanfang.view_storm``; an API key needs the ``sanfang:read`` scope. ``at`` (ISO
time, default now, or for a storm that is over, its last fix) picks the moment.
"""

from __future__ import annotations

import itertools
import json
from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from sanfang.models import Storm
from sanfang.selectors.typhoons import (
    latest_forecasts,
    storm_fixes,
    storm_get,
    storm_main_source,
    storm_state_at,
    storms_list,
)
from sanfang.typhoon_geometry import (
    WIND_FORCES,
    city_point,
    cone,
    distance_to_line_km,
    inside_warning_line,
    warning_line,
    wind_circle,
)
from sanfang.typhoon_zone import parse_at, storm_zone


class CanViewStorms(permissions.BasePermission):
    message = _("You may not see typhoon data.")

    def has_permission(self, request, view) -> bool:
        return request.user.has_perm("sanfang.view_storm")


class TyphoonView(APIView):
    permission_classes = [permissions.IsAuthenticated, CanViewStorms]
    api_key_scopes = {"read": "sanfang:read"}

    def storm(self, code: str) -> Storm:
        return storm_get(code)

    def moment(self, request, storm: Storm, fixes) -> datetime:
        """``at`` from the query, else now; a storm already over is shown at its last fix."""
        if request.query_params.get("at"):
            return parse_at(request.query_params["at"])
        at = parse_at(None)
        if fixes and at > fixes[-1].time and not storm.active:
            return fixes[-1].time
        return at


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def _geojson(geom) -> dict | None:
    return json.loads(geom.geojson) if geom is not None else None


def _feature(geom, **props) -> dict:
    return {"type": "Feature", "geometry": _geojson(geom), "properties": props}


def _collection(features: list[dict], **extra) -> dict:
    return {"type": "FeatureCollection", "features": features, **extra}


def storm_json(storm: Storm) -> dict:
    return {
        "code": storm.code,
        "name": storm.name,
        "name_en": storm.name_en,
        "year": storm.year,
        "active": storm.active,
        "synthetic": storm.synthetic,
        "fix_count": getattr(storm, "fix_count", None),
        "first_fix": _iso(getattr(storm, "first_fix", None)),
        "last_fix": _iso(getattr(storm, "last_fix", None)),
        "landfall_time": _iso(storm.landfall_time),
        "landfall": _geojson(storm.landfall_geom),
        "landfall_place": storm.landfall_place,
    }


class StormListView(TyphoonView):
    """Storms, active ones first. ``?year=2017`` narrows to a year."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request):
        qs = storms_list()
        year = request.query_params.get("year")
        if year:
            if not year.isdigit():
                raise ValidationError({"year": _("“year” must be a year such as 2017.")})
            qs = qs.filter(year=int(year))
        return Response({"results": [storm_json(s) for s in qs[:500]]})


class StormTrackView(TyphoonView):
    """The track as GeoJSON: one Point per fix (class, colour key, wind, pressure, radii) and one
    LineString per segment, each in the class of its starting fix. ``?source=`` picks a source."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, code: str):
        storm = self.storm(code)
        source = request.query_params.get("source") or storm_main_source(storm)
        fixes = list(storm_fixes(storm, source=source))
        features = []
        for a, b in itertools.pairwise(fixes):
            features.append(
                {
                    "type": "Feature",
                    "geometry": {
                        "type": "LineString",
                        "coordinates": [[a.geom.x, a.geom.y], [b.geom.x, b.geom.y]],
                    },
                    "properties": {"kind": "segment", "tc_class": a.tc_class, "time": _iso(a.time)},
                }
            )
        for f in fixes:
            features.append(
                _feature(
                    f.geom,
                    kind="fix",
                    time=_iso(f.time),
                    tc_class=f.tc_class,
                    tc_class_label=str(f.get_tc_class_display()),
                    wind_ms=f.wind_ms,
                    pressure_hpa=f.pressure_hpa,
                    move_dir=f.move_dir,
                    move_speed_kmh=f.move_speed_kmh,
                    radii=f.radii,
                )
            )
        return Response(_collection(features, storm=storm_json(storm), source=source))


class StormForecastView(TyphoonView):
    """The latest forecast issued by ``at``: its positions (Points) and the forecast line."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, code: str):
        storm = self.storm(code)
        fixes = list(storm_fixes(storm))
        at = self.moment(request, storm, fixes)
        forecasts = latest_forecasts(storm, at=at)
        features = [
            _feature(
                fc.geom,
                kind="forecast",
                agency=fc.agency,
                issued_at=_iso(fc.issued_at),
                valid_time=_iso(fc.valid_time),
                tc_class=fc.tc_class,
                wind_ms=fc.wind_ms,
                pressure_hpa=fc.pressure_hpa,
                synthetic=fc.synthetic,
            )
            for fc in forecasts
        ]
        state = storm_state_at(storm, at, fixes=fixes)
        if forecasts:
            start = [[state.point.lng, state.point.lat]] if state else []
            features.append(
                {
                    "type": "Feature",
                    "geometry": {
                        "type": "LineString",
                        "coordinates": start + [[fc.geom.x, fc.geom.y] for fc in forecasts],
                    },
                    "properties": {"kind": "forecast_line", "agency": forecasts[0].agency},
                }
            )
        return Response(_collection(features, at=_iso(at)))


class StormCirclesView(TyphoonView):
    """The wind circles of force 7, 10 and 12 at ``at`` (quadrant radii from the last fix by then),
    and the interpolated centre."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, code: str):
        storm = self.storm(code)
        fixes = list(storm_fixes(storm))
        at = self.moment(request, storm, fixes)
        state = storm_state_at(storm, at, fixes=fixes)
        if state is None:
            return Response(_collection([], at=_iso(at)))
        radii = state.point.radii or {}
        features = [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [state.point.lng, state.point.lat]},
                "properties": {"kind": "centre", "tc_class": state.tc_class, "wind_ms": state.point.wind_ms},
            }
        ]
        for force in WIND_FORCES:
            polygon = wind_circle(state.point.lng, state.point.lat, radii.get(force))
            if polygon is not None:
                features.append(
                    _feature(polygon, kind="wind_circle", force=int(force), radii=radii.get(force))
                )
        return Response(_collection(features, at=_iso(at)))


class StormConeView(TyphoonView):
    """The cone of uncertainty of the latest forecast issued by ``at``, from the centre at ``at``."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, code: str):
        storm = self.storm(code)
        fixes = list(storm_fixes(storm))
        at = self.moment(request, storm, fixes)
        forecasts = latest_forecasts(storm, at=at)
        state = storm_state_at(storm, at, fixes=fixes)
        if not forecasts or state is None:
            return Response(_collection([], at=_iso(at)))
        points = [(state.point.lng, state.point.lat, 0.0)] + [
            (fc.geom.x, fc.geom.y, max(0.0, (fc.valid_time - at).total_seconds() / 3600)) for fc in forecasts
        ]
        return Response(_collection([_feature(cone(points), kind="cone")], at=_iso(at)))


def approach_json(state) -> dict:
    city = city_point()
    return {
        "at": _iso(state.at),
        "city": {"type": "Point", "coordinates": list(city)},
        "centre": {"type": "Point", "coordinates": [state.point.lng, state.point.lat]},
        "tc_class": state.tc_class,
        "wind_ms": state.point.wind_ms,
        "distance_km": round(state.distance_km, 1),
        "wind_force_here": round(state.wind_force_here, 1),
        "approach": None
        if state.approach is None
        else {
            "time": _iso(state.approach.time),
            "hours": round(state.approach_hours, 2),
            "distance_km": round(state.approach.distance_km, 1),
            "position": {"type": "Point", "coordinates": [state.approach.lng, state.approach.lat]},
        },
        "landfall": None
        if state.landfall_time is None
        else {"time": _iso(state.landfall_time), "hours": round(state.landfall_hours, 2)},
    }


class StormApproachView(TyphoonView):
    """At ``at``: the centre, its distance to the city, the wind force the circles bring to the city,
    and the time (and distance) of the nearest approach and of a landfall still to come."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, code: str):
        storm = self.storm(code)
        fixes = list(storm_fixes(storm))
        at = self.moment(request, storm, fixes)
        state = storm_state_at(storm, at, fixes=fixes)
        if state is None:
            raise ValidationError(
                {"at": _("Storm %(code)s has no position at that time.") % {"code": storm.code}}
            )
        data = approach_json(state)
        data["storm"] = storm_json(storm)
        return Response(data)


class WarningLinesView(TyphoonView):
    """China's 24 h and 48 h warning lines; with ``?storm=CODE`` (and ``at``) the storm centre's
    distance to each and whether it is inside (west of) it."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request):
        state = None
        code = request.query_params.get("storm")
        if code:
            storm = self.storm(code)
            fixes = list(storm_fixes(storm))
            at = self.moment(request, storm, fixes)
            state = storm_state_at(storm, at, fixes=fixes)
        features = []
        for name in ("24h", "48h"):
            line = warning_line(name)
            props: dict = {"kind": "warning_line", "line": name}
            if state is not None:
                props["distance_km"] = round(distance_to_line_km(state.point.lng, state.point.lat, line), 1)
                props["inside"] = inside_warning_line(state.point.lng, state.point.lat, line)
            features.append(_feature(line, **props))
        return Response(_collection(features))


class StormZoneView(TyphoonView):
    """The impact zone: the force-7 winds swept from ``at`` over ``hours`` (24), as for the impact lists."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, code: str):
        params = {
            "storm": code,
            "hours": request.query_params.get("hours"),
            "at": request.query_params.get("at"),
        }
        zone = storm_zone(params)
        return Response(_collection([_feature(zone, kind="impact_zone")]))
