"""Natural-disaster risk assessment (自然灾害综合风险评估) per district or grid cell, README "三防 models".

For each unit (a district of ``gis`` or a square grid cell of ``SANFANG_RISK_GRID_KM``):

- **Hazard** ``H = min(1, (Σ s_i·(1+g_i) + n_alarm) / H_ref)``: ``s_i`` the susceptibility of each
  active hazard point, ``g_i`` its landslide warning rank (none 0, blue 1 … red 4), ``n_alarm`` the
  stations over their warning or danger level.
- **Exposure** ``E = min(1, people / E_ref)``: people to move + people threatened at hazard points +
  occupants of protected targets.
- **Vulnerability** ``V = V_min + (1 − V_min)·min(1, n_sensitive / V_ref)``: schools, hospitals,
  nursing homes and chemical plants among the protected targets.
- **Capacity** ``C = 1 + min(1, free shelter places / S_ref) + min(1, rescue teams / T_ref)`` (1–3).
- **Risk** ``R = H^a · E^b · V^c / C^d``; ``R`` at or above the thresholds gives yellow, orange, red,
  below the first blue (the four-colour zoning, DOMAIN.md §3.3).

``risk_refresh`` writes the district result as ``gis.RiskZone`` rows (source ``sanfang-risk-model``),
drawn as the one map's "natural-disaster risk zoning" layer (and in gis's risk four-colour map).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.contrib.gis.geos import Polygon
from django.db import connection
from django.utils import timezone

from emergency.models import RescueTeam, Shelter
from gis.catalogue import layer_changed_on_commit
from gis.choices import AreaLevel, RiskLevel
from gis.models import AdminArea, RiskZone
from sanfang.choices import GeohazardLevel, StationState, TargetKind
from sanfang.models import HazardPoint, PersonToMove, ProtectedTarget, Station, StationStatus

RISK_LAYER = "sanfang_risk_zoning"
MODEL_SOURCE = "sanfang-risk-model"
COLOURS = ("blue", "yellow", "orange", "red")
SENSITIVE_KINDS = (TargetKind.SCHOOL, TargetKind.HOSPITAL, TargetKind.NURSING_HOME, TargetKind.CHEMICAL_PLANT)
LEVEL_RANK = {
    GeohazardLevel.BLUE: 1,
    GeohazardLevel.YELLOW: 2,
    GeohazardLevel.ORANGE: 3,
    GeohazardLevel.RED: 4,
}
KM_PER_DEGREE = 111.32


@dataclass
class Inputs:
    hazard: float = 0.0  # Σ s_i·(1+g_i)
    alarms: int = 0
    people: float = 0.0
    sensitive: int = 0
    shelter_free: float = 0.0
    teams: int = 0


@dataclass
class Assessment:
    key: str
    name: str
    inputs: Inputs
    hazard: float = 0.0
    exposure: float = 0.0
    vulnerability: float = 0.0
    capacity: float = 1.0
    risk: float = 0.0
    colour: str = "blue"
    bbox: tuple[float, float, float, float] | None = field(default=None)

    def as_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class RiskParams:
    exponents: tuple[float, float, float, float]
    hazard_ref: float
    exposure_ref: float
    vulnerability_ref: float
    vulnerability_min: float
    shelter_ref: float
    team_ref: float
    thresholds: tuple[float, float, float]

    @classmethod
    def from_settings(cls) -> RiskParams:
        exponents, thresholds = (
            tuple(settings.SANFANG_RISK_EXPONENTS),
            tuple(settings.SANFANG_RISK_THRESHOLDS),
        )
        if len(exponents) != 4:
            raise ValueError(
                "SANFANG_RISK_EXPONENTS needs 4 numbers (hazard, exposure, vulnerability, capacity)"
            )
        if len(thresholds) != 3 or list(thresholds) != sorted(thresholds):
            raise ValueError("SANFANG_RISK_THRESHOLDS needs 3 ascending numbers (yellow, orange, red)")
        return cls(
            exponents=exponents,  # type: ignore[arg-type]
            hazard_ref=settings.SANFANG_RISK_HAZARD_REF,
            exposure_ref=settings.SANFANG_RISK_EXPOSURE_REF,
            vulnerability_ref=settings.SANFANG_RISK_VULNERABILITY_REF,
            vulnerability_min=settings.SANFANG_RISK_VULNERABILITY_MIN,
            shelter_ref=settings.SANFANG_RISK_SHELTER_REF,
            team_ref=settings.SANFANG_RISK_TEAM_REF,
            thresholds=thresholds,  # type: ignore[arg-type]
        )


def risk_score(assessment: Assessment, params: RiskParams) -> Assessment:
    """Fill in H, E, V, C, R and the colour from the inputs."""
    i = assessment.inputs
    a, b, c, d = params.exponents
    h = min(1.0, (i.hazard + i.alarms) / params.hazard_ref)
    e = min(1.0, i.people / params.exposure_ref)
    v = params.vulnerability_min + (1 - params.vulnerability_min) * min(
        1.0, i.sensitive / params.vulnerability_ref
    )
    cap = 1 + min(1.0, i.shelter_free / params.shelter_ref) + min(1.0, i.teams / params.team_ref)
    r = (h**a if h else 0.0) * (e**b if e else 0.0) * v**c / cap**d
    colour = "blue"
    for threshold, candidate in zip(params.thresholds, COLOURS[1:], strict=True):
        if r >= threshold:
            colour = candidate
    assessment.hazard, assessment.exposure, assessment.vulnerability = round(h, 4), round(e, 4), round(v, 4)
    assessment.capacity, assessment.risk, assessment.colour = round(cap, 4), round(r, 6), colour
    return assessment


# (input name, table, value expression, condition); "t" is the table, every row has a point "t.geom".
def _sources() -> list[tuple[str, str, str, str]]:
    rank = " ".join(f"WHEN '{level}' THEN {n}" for level, n in LEVEL_RANK.items())
    kinds = ", ".join(f"'{k}'" for k in SENSITIVE_KINDS)
    status = StationStatus._meta.db_table
    states = f"'{StationState.WARNING}', '{StationState.DANGER}'"
    return [
        (
            "hazard",
            HazardPoint._meta.db_table,
            f"t.susceptibility * (1 + CASE t.warning_level {rank} ELSE 0 END)",
            "t.active",
        ),
        ("people", HazardPoint._meta.db_table, "t.people_threatened", "t.active"),
        ("people", PersonToMove._meta.db_table, "t.people", "t.active"),
        ("people", ProtectedTarget._meta.db_table, "t.occupants", "t.active"),
        ("sensitive", ProtectedTarget._meta.db_table, "1", f"t.active AND t.kind IN ({kinds})"),
        ("shelter_free", Shelter._meta.db_table, "t.capacity - t.occupancy", "TRUE"),
        ("teams", RescueTeam._meta.db_table, "1", "TRUE"),
        (
            "alarms",
            Station._meta.db_table,
            "1",
            f"t.active AND EXISTS (SELECT 1 FROM {status} s WHERE s.station_id = t.id AND s.state IN ({states}))",  # noqa: S608
        ),
    ]


def _collect(sql_for_source) -> dict[tuple, Inputs]:
    """Run one grouped query per source (only table names and fixed expressions are spliced in)."""
    units: dict[tuple, Inputs] = {}
    with connection.cursor() as cursor:
        for name, table, value, condition in _sources():
            sql, params = sql_for_source(table, value, condition)
            cursor.execute(sql, params)
            for *key, total in cursor.fetchall():
                inputs = units.setdefault(tuple(key), Inputs())
                setattr(inputs, name, getattr(inputs, name) + (total or 0))
    return units


def risk_by_district() -> list[Assessment]:
    params = RiskParams.from_settings()
    areas = AdminArea._meta.db_table
    units = _collect(
        lambda table, value, condition: (
            f"SELECT a.id, SUM({value}) FROM {table} t JOIN {areas} a ON ST_Intersects(a.geom, t.geom) "  # noqa: S608
            f"WHERE a.level = %s AND t.geom IS NOT NULL AND {condition} GROUP BY a.id",
            [AreaLevel.DISTRICT],
        )
    )
    result = []
    for area in AdminArea.objects.filter(level=AreaLevel.DISTRICT).order_by("adcode"):
        inputs = units.get((area.pk,), Inputs())
        result.append(risk_score(Assessment(area.adcode, area.name, inputs, bbox=area.geom.extent), params))
    return result


def grid_steps(cell_km: float, latitude: float) -> tuple[float, float]:
    """Cell width and height in degrees for square cells of ``cell_km`` at ``latitude``."""
    dy = cell_km / KM_PER_DEGREE
    return dy / math.cos(math.radians(latitude)), dy


def risk_by_grid(*, cell_km: float | None = None, latitude: float = 22.25) -> list[Assessment]:
    """Square cells (about ``cell_km`` on a side at ``latitude``) that hold any input."""
    params = RiskParams.from_settings()
    dx, dy = grid_steps(cell_km or settings.SANFANG_RISK_GRID_KM, latitude)
    units = _collect(
        lambda table, value, condition: (
            f"SELECT FLOOR(ST_X(t.geom) / %s)::int, FLOOR(ST_Y(t.geom) / %s)::int, SUM({value}) "  # noqa: S608
            f"FROM {table} t WHERE t.geom IS NOT NULL AND {condition} GROUP BY 1, 2",
            [dx, dy],
        )
    )
    result = []
    for (ix, iy), inputs in sorted(units.items()):
        bbox = (ix * dx, iy * dy, (ix + 1) * dx, (iy + 1) * dy)
        result.append(risk_score(Assessment(f"{ix}:{iy}", f"{ix}:{iy}", inputs, bbox=bbox), params))
    return result


RISK_LEVELS = {
    "red": RiskLevel.MAJOR,
    "orange": RiskLevel.LARGE,
    "yellow": RiskLevel.GENERAL,
    "blue": RiskLevel.LOW,
}


def risk_refresh() -> list[Assessment]:
    """Assess every district and write the result as ``gis.RiskZone`` rows of ``MODEL_SOURCE`` (one
    per district, changed only when its level or hazard text changes), drawn by the one map."""
    result = risk_by_district()
    today = timezone.localdate()
    areas = {a.adcode: a for a in AdminArea.objects.filter(level=AreaLevel.DISTRICT)}
    for assessment in result:
        area = areas[assessment.key]
        level = RISK_LEVELS[assessment.colour]
        summary = f"R={assessment.risk} H={assessment.hazard} E={assessment.exposure} V={assessment.vulnerability} C={assessment.capacity}"
        zone = RiskZone.objects.filter(source=MODEL_SOURCE, district=area).first()
        if zone is None:
            RiskZone.objects.create(
                name=area.name,
                level=level,
                district=area,
                hazard=summary,
                assessed_on=today,
                source=MODEL_SOURCE,
                geom=area.geom,
            )
        elif (zone.level, zone.hazard) != (level, summary):
            zone.level, zone.hazard, zone.assessed_on = level, summary, today
            zone.save(update_fields=["level", "hazard", "assessed_on", "updated_at"])
    RiskZone.objects.filter(source=MODEL_SOURCE).exclude(district__in=areas.values()).delete()
    layer_changed_on_commit(RISK_LAYER)
    return result


def assessments_geojson(assessments: list[Assessment]) -> dict:
    """Grid cells as GeoJSON (the district layer is served by the map from ``gis``)."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": a.key,
                "geometry": {"type": "Polygon", "coordinates": Polygon.from_bbox(a.bbox).coords},
                "properties": {k: v for k, v in a.as_json().items() if k not in ("bbox",)},
            }
            for a in assessments
            if a.bbox
        ],
    }
