"""Writes of administrative areas: the GeoJSON importer and the demo districts.

The importer takes DataV.GeoAtlas files (GCJ-02, the Chinese offset datum) or plain WGS 84 GeoJSON,
and always stores WGS 84. A file is checked completely before the first write, and all writes happen
in one transaction, so a bad file changes nothing.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.gis.geos import (
    GeometryCollection,
    GEOSException,
    GEOSGeometry,
    LinearRing,
    MultiPolygon,
    Polygon,
)
from django.db import transaction
from django.utils.translation import gettext as _

from gis.choices import AreaLevel
from gis.coords import gcj02_to_wgs84_geometry
from gis.models import AdminArea

CRS_GCJ02 = "gcj02"
CRS_WGS84 = "wgs84"
SUPPORTED_CRS = (CRS_GCJ02, CRS_WGS84)

DATAV_SOURCE = "Aliyun DataV.GeoAtlas areas_v3 (GCJ-02, converted to WGS 84 on import)"
APPROXIMATE_SOURCE = "approximate outline drawn by the project (not an official boundary)"
DEMO_DATAV_FILE = Path("boundaries") / "zhuhai_440400_districts_datav.geojson"

# DataV calls towns and subdistricts "street" (街道); "county" appears in some other sources.
_LEVEL_ALIASES = {
    "province": AreaLevel.PROVINCE,
    "city": AreaLevel.CITY,
    "district": AreaLevel.DISTRICT,
    "county": AreaLevel.DISTRICT,
    "street": AreaLevel.TOWN,
    "town": AreaLevel.TOWN,
    "village": AreaLevel.VILLAGE,
}

_MAX_ADCODE = AdminArea._meta.get_field("adcode").max_length
_MAX_NAME = AdminArea._meta.get_field("name").max_length
_MAX_SOURCE = AdminArea._meta.get_field("source").max_length


class AdminAreaImportError(Exception):
    """The file cannot be imported. The message is one line, ready to show to the user."""


@dataclass(frozen=True)
class AdminAreaRepair:
    adcode: str
    name: str
    reason: str


@dataclass
class AdminAreaImportResult:
    """Adcodes created and updated, in file order, and the boundaries that had to be repaired."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    repaired: list[AdminAreaRepair] = field(default_factory=list)


@dataclass
class _AreaRecord:
    adcode: str
    name: str
    level: str
    parent_adcode: str | None
    geom: MultiPolygon


class _FeatureProblem(Exception):
    """A problem in one feature; the caller adds which feature it was."""


def admin_areas_import(*, data: bytes | str, crs: str, source: str) -> AdminAreaImportResult:
    """Create or update (by adcode) one area per feature of a GeoJSON FeatureCollection."""
    if crs not in SUPPORTED_CRS:
        raise AdminAreaImportError(
            _("Unknown coordinate system “%(crs)s”; use gcj02 or wgs84.") % {"crs": crs}
        )
    if len(source) > _MAX_SOURCE:
        raise AdminAreaImportError(_("The source is longer than %(max)d characters.") % {"max": _MAX_SOURCE})
    records, repaired = _parse_collection(data, crs=crs)
    result = _areas_write(records, source=source, approximate=False)
    result.repaired = repaired
    return result


@transaction.atomic
def admin_areas_load_demo(*, shared_data_dir: Path) -> str:
    """Zhuhai's districts: the real DataV boundaries when the shared data is there, else rough outlines."""
    path = shared_data_dir / DEMO_DATAV_FILE
    if path.is_file():
        result = admin_areas_import(data=path.read_bytes(), crs=CRS_GCJ02, source=DATAV_SOURCE)
        return _("Imported %(count)d administrative areas from %(file)s (GCJ-02 converted to WGS 84).") % {
            "count": len(result.created) + len(result.updated),
            "file": path.name,
        }

    # Never overwrite an official boundary with a drawing.
    official = set(
        AdminArea.objects.filter(
            adcode__in=[r.adcode for r in _APPROXIMATE_DISTRICTS], approximate=False
        ).values_list("adcode", flat=True)
    )
    records = [r for r in _APPROXIMATE_DISTRICTS if r.adcode not in official]
    _areas_write(records, source=APPROXIMATE_SOURCE, approximate=True)
    message = _(
        "%(file)s is absent: loaded %(count)d approximate district outlines of Zhuhai (not official boundaries)."
    ) % {"file": DEMO_DATAV_FILE.name, "count": len(records)}
    if official:
        message += " " + _("Kept the official boundaries of %(adcodes)s.") % {
            "adcodes": ", ".join(sorted(official))
        }
    return message


# --- validation ------------------------------------------------------------------------------------


def _parse_collection(data: bytes | str, *, crs: str) -> tuple[list[_AreaRecord], list[AdminAreaRepair]]:
    if isinstance(data, bytes):
        try:
            # utf-8-sig drops the BOM that DataV files start with.
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise AdminAreaImportError(_("The file is not UTF-8 text.")) from exc
    else:
        text = data.removeprefix("\ufeff")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise AdminAreaImportError(
            _("The file is not valid JSON: %(error)s (line %(line)d, column %(column)d).")
            % {"error": exc.msg, "line": exc.lineno, "column": exc.colno}
        ) from exc
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise AdminAreaImportError(_("The file is not a GeoJSON FeatureCollection."))
    features = doc.get("features")
    if not isinstance(features, list):
        raise AdminAreaImportError(_("The FeatureCollection has no “features” list."))
    if not features:
        raise AdminAreaImportError(_("The FeatureCollection has no features."))

    records: list[_AreaRecord] = []
    repaired: list[AdminAreaRepair] = []
    seen: dict[str, int] = {}
    for number, feature in enumerate(features, start=1):
        label = _feature_label(feature)
        try:
            with _geos_notices_quiet():
                record, repair_reason = _parse_feature(feature, crs=crs)
            if record.adcode in seen:
                raise _FeatureProblem(
                    _("the adcode %(adcode)s already appears in feature %(other)d.")
                    % {"adcode": record.adcode, "other": seen[record.adcode]}
                )
        except _FeatureProblem as exc:
            if label:
                message = _("Feature %(number)d (%(label)s): %(problem)s") % {
                    "number": number,
                    "label": label,
                    "problem": exc,
                }
            else:
                message = _("Feature %(number)d: %(problem)s") % {"number": number, "problem": exc}
            raise AdminAreaImportError(_one_line(message)) from exc
        seen[record.adcode] = number
        records.append(record)
        if repair_reason is not None:
            repaired.append(AdminAreaRepair(adcode=record.adcode, name=record.name, reason=repair_reason))
    return records, repaired


def _parse_feature(feature: Any, *, crs: str) -> tuple[_AreaRecord, str | None]:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise _FeatureProblem(_("it is not a GeoJSON Feature."))
    props = feature.get("properties")
    if not isinstance(props, dict):
        props = {}

    adcode = _text(props.get("adcode"))
    if not adcode:
        raise _FeatureProblem(_("the adcode property is missing or empty."))
    if not adcode.isdigit() or not 6 <= len(adcode) <= _MAX_ADCODE:
        raise _FeatureProblem(
            _("the adcode “%(adcode)s” is not a code of 6 to %(max)d digits.")
            % {"adcode": adcode, "max": _MAX_ADCODE}
        )
    name = _text(props.get("name"))
    if not name:
        raise _FeatureProblem(_("the name property is missing or empty."))
    if len(name) > _MAX_NAME:
        raise _FeatureProblem(_("the name is longer than %(max)d characters.") % {"max": _MAX_NAME})

    level = _level(props.get("level"), adcode)
    parent = props.get("parent")
    parent_adcode = _text(parent.get("adcode") if isinstance(parent, dict) else parent) or None

    geom = _geometry(feature.get("geometry"))
    if crs == CRS_GCJ02:
        geom = gcj02_to_wgs84_geometry(geom)
    # Validity is judged after the conversion, because that is the shape that is stored.
    repair_reason = None
    if not geom.valid:
        repair_reason = geom.valid_reason
        fixed = _polygonal_part(geom.make_valid())
        if fixed is None or not fixed.valid:
            raise _FeatureProblem(
                _("the polygon is invalid (%(reason)s) and cannot be repaired into a polygon.")
                % {"reason": repair_reason}
            )
        geom = fixed
    geom.srid = 4326
    record = _AreaRecord(adcode=adcode, name=name, level=level, parent_adcode=parent_adcode, geom=geom)
    return record, repair_reason


def _geometry(geometry: Any) -> MultiPolygon:
    if not geometry:
        raise _FeatureProblem(_("it has no geometry."))
    if not isinstance(geometry, dict) or not isinstance(geometry.get("type"), str):
        raise _FeatureProblem(_("the geometry is not a GeoJSON geometry object."))
    geom_type = geometry["type"]
    if geom_type not in ("Polygon", "MultiPolygon"):
        raise _FeatureProblem(
            _("the geometry is a %(type)s; only Polygon and MultiPolygon are accepted.") % {"type": geom_type}
        )
    coordinates = geometry.get("coordinates")
    polygons_coords = [coordinates] if geom_type == "Polygon" else coordinates
    try:
        polygons = [
            Polygon(*[LinearRing([_position(p) for p in ring]) for ring in polygon])
            for polygon in polygons_coords
        ]
        geom = MultiPolygon(*polygons)
    except _FeatureProblem:
        raise
    except (GEOSException, TypeError, ValueError, IndexError) as exc:
        raise _FeatureProblem(
            _("the coordinates are malformed (%(error)s).") % {"error": _one_line(str(exc))}
        ) from exc
    if geom.empty or any(p.empty for p in geom):
        raise _FeatureProblem(_("the geometry has an empty polygon."))
    return geom


def _position(position: Any) -> tuple[float, float]:
    lng, lat = float(position[0]), float(position[1])
    if not (math.isfinite(lng) and math.isfinite(lat) and -180 <= lng <= 180 and -90 <= lat <= 90):
        raise _FeatureProblem(_("a coordinate is outside longitude −180…180 or latitude −90…90."))
    return lng, lat


def _polygonal_part(geom: GEOSGeometry) -> MultiPolygon | None:
    """The polygons in what make_valid returned (it may add stray lines or points), or None."""
    polygons: list[Polygon] = []
    stack = [geom]
    while stack:
        part = stack.pop()
        if isinstance(part, Polygon):
            if not part.empty:
                polygons.append(part)
        elif isinstance(part, MultiPolygon | GeometryCollection):
            stack.extend(part)
    if not polygons:
        return None
    return MultiPolygon(*polygons, srid=geom.srid)


def _level(value: Any, adcode: str) -> str:
    text = _text(value).lower()
    if text:
        if text not in _LEVEL_ALIASES:
            raise _FeatureProblem(_("the level “%(level)s” is not supported.") % {"level": text})
        return _LEVEL_ALIASES[text]
    # GB/T 2260 layout: 6-digit codes end in 0000 for a province and 00 for a city; 9 digits is a
    # town, 12 a village.
    if len(adcode) == 6:
        if adcode.endswith("0000"):
            return AreaLevel.PROVINCE
        return AreaLevel.CITY if adcode.endswith("00") else AreaLevel.DISTRICT
    if len(adcode) == 9:
        return AreaLevel.TOWN
    if len(adcode) == 12:
        return AreaLevel.VILLAGE
    raise _FeatureProblem(_("the level is missing and cannot be told from the adcode."))


def _text(value: Any) -> str:
    # DataV writes adcodes as JSON numbers; bool is an int in Python but never a code.
    if value is None or isinstance(value, bool | dict | list):
        return ""
    return str(value).strip()


def _feature_label(feature: Any) -> str:
    props = feature.get("properties") if isinstance(feature, dict) else None
    if not isinstance(props, dict):
        return ""
    return " ".join(t for t in (_text(props.get("adcode")), _text(props.get("name"))) if t)


class _DropGeosNotices(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("GEOS_NOTICE")


@contextmanager
def _geos_notices_quiet() -> Iterator[None]:
    # GEOS logs a warning on every validity check of a bad polygon; the reason is already reported
    # to the user as a repair or an error, so the log lines would only repeat it.
    logger = logging.getLogger("django.contrib.gis")
    notice_filter = _DropGeosNotices()
    logger.addFilter(notice_filter)
    try:
        yield
    finally:
        logger.removeFilter(notice_filter)


def _one_line(text: str) -> str:
    return " ".join(text.split())


# --- writing --------------------------------------------------------------------------------------


@transaction.atomic
def _areas_write(records: list[_AreaRecord], *, source: str, approximate: bool) -> AdminAreaImportResult:
    result = AdminAreaImportResult()
    codes = [r.adcode for r in records]
    by_code = {a.adcode: a for a in AdminArea.objects.select_for_update().filter(adcode__in=codes)}
    for record in records:
        area = by_code.get(record.adcode)
        if area is None:
            area = AdminArea(adcode=record.adcode)
            by_code[record.adcode] = area
            result.created.append(record.adcode)
        else:
            result.updated.append(record.adcode)
        area.name = record.name
        area.level = record.level
        area.geom = record.geom
        area.approximate = approximate
        area.source = source
        area.save()

    # Parents second, so that a parent later in the same file is found too.
    outside = {r.parent_adcode for r in records if r.parent_adcode} - by_code.keys()
    by_code.update({a.adcode: a for a in AdminArea.objects.filter(adcode__in=outside)})
    for record in records:
        area = by_code[record.adcode]
        parent = by_code.get(record.parent_adcode) if record.parent_adcode != record.adcode else None
        parent_id = parent.pk if parent else None
        if area.parent_id != parent_id:
            area.parent = parent
            area.save(update_fields=["parent", "updated_at"])
    return result


# --- the approximate demo outlines ---------------------------------------------------------------


def _outline(*rings: list[tuple[float, float]]) -> MultiPolygon:
    return MultiPolygon(*[Polygon([*ring, ring[0]]) for ring in rings], srid=4326)


# Drawn by hand for demos without the shared data: a dozen WGS 84 vertices per district from general
# geography (Doumen north-west, Jinwan south-west with the airport on Sanzao, Xiangzhou east with
# Hengqin and the Wanshan islands, Macao left out). Neighbours share the vertices of their common
# edges, so the outlines do not overlap. Off by kilometres, hence flagged approximate.
_APPROXIMATE_DISTRICTS = [
    _AreaRecord(
        adcode="440402",
        name="香洲区",
        level=AreaLevel.DISTRICT,
        parent_adcode="440400",
        geom=_outline(
            [
                (113.45, 22.24),
                (113.49, 22.33),
                (113.53, 22.42),
                (113.62, 22.42),
                (113.64, 22.30),
                (113.60, 22.23),
                (113.545, 22.215),
                (113.53, 22.17),
                (113.545, 22.14),
                (113.55, 22.09),
                (113.50, 22.08),
                (113.45, 22.12),
                (113.40, 22.16),
            ],
            # The Wanshan islands: Guishan/Dong'ao/Wanshan, Wailingding, and Dangan.
            [
                (113.68, 21.90),
                (113.68, 22.03),
                (113.80, 22.16),
                (113.87, 22.14),
                (113.80, 22.00),
                (113.76, 21.90),
            ],
            [(114.00, 22.08), (114.00, 22.12), (114.06, 22.12), (114.06, 22.08)],
            [(114.12, 21.80), (114.22, 22.06), (114.32, 22.06), (114.24, 21.80)],
        ),
    ),
    _AreaRecord(
        adcode="440403",
        name="斗门区",
        level=AreaLevel.DISTRICT,
        parent_adcode="440400",
        geom=_outline(
            [
                (113.08, 22.21),
                (113.13, 22.33),
                (113.22, 22.40),
                (113.33, 22.40),
                (113.42, 22.33),
                (113.45, 22.24),
                (113.40, 22.16),
                (113.27, 22.15),
                (113.14, 22.16),
            ]
        ),
    ),
    _AreaRecord(
        adcode="440404",
        name="金湾区",
        level=AreaLevel.DISTRICT,
        parent_adcode="440400",
        geom=_outline(
            [
                (113.14, 22.16),
                (113.27, 22.15),
                (113.40, 22.16),
                (113.45, 22.12),
                (113.46, 22.02),
                (113.40, 21.93),
                (113.30, 21.94),
                (113.20, 21.99),
                (113.11, 22.06),
            ]
        ),
    ),
]
