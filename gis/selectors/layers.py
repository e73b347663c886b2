"""Serving catalogue layers: vector tiles and GeoJSON, both built inside PostGIS.

The feature query is the layer's own queryset, scoped to the user, so tiles, GeoJSON, search and
popups can never disagree about who sees what. Its SQL is wrapped in ``ST_AsMVT`` or ``json_agg``;
Python never touches individual features.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from django.contrib.gis.db.models.functions import AsGeoJSON
from django.contrib.gis.geos import Polygon
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection, models
from django.db.models import F, Func, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from gis.catalogue import Layer, layers_for_user

MVT_EXTENT = 4096
MVT_BUFFER = 64
MAX_ZOOM = 22
# Web Mercator stops short of the poles.
MAX_LATITUDE = 85.0511287798066


class TileOutOfRange(ValueError):
    pass


class TooManyFeatures(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(limit)
        self.limit = limit


def layer_queryset(layer: Layer, *, user: User) -> QuerySet:
    queryset = layer.queryset()
    if layer.scope is not None:
        queryset = layer.scope(queryset, user)
    return queryset


def tile_bounds(z: int, x: int, y: int, *, margin: float = 0.0) -> tuple[float, float, float, float]:
    """(west, south, east, north) in WGS 84 of tile z/x/y, widened by ``margin`` tile widths."""
    if not 0 <= z <= MAX_ZOOM:
        raise TileOutOfRange(f"zoom {z} is outside 0–{MAX_ZOOM}")
    n = 2**z
    if not (0 <= x < n and 0 <= y < n):
        raise TileOutOfRange(f"tile {x}/{y} does not exist at zoom {z}")

    def lon(tx: float) -> float:
        return tx / n * 360.0 - 180.0

    def lat(ty: float) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * ty / n))))

    west, east = max(lon(x - margin), -180.0), min(lon(x + 1 + margin), 180.0)
    north, south = min(lat(y - margin), MAX_LATITUDE), max(lat(y + 1 + margin), -MAX_LATITUDE)
    return west, south, east, north


class _MvtGeom(Func):
    template = (
        "ST_AsMVTGeom(ST_Transform(%(expressions)s, 3857), ST_TileEnvelope(%(z)s, %(x)s, %(y)s), "
        f"{MVT_EXTENT}, {MVT_BUFFER}, true)"
    )
    output_field = models.BinaryField()

    def as_sql(self, compiler, conn, **extra_context):
        # z/x/y are validated integers, so inlining them is safe and keeps the SQL readable.
        return super().as_sql(
            compiler,
            conn,
            z=int(self.extra["z"]),
            x=int(self.extra["x"]),
            y=int(self.extra["y"]),
            **extra_context,
        )


@dataclass(frozen=True)
class _FeatureSql:
    sql: str
    params: tuple
    # (alias in the inner query, property name)
    columns: list[tuple[str, str]]


def _feature_sql(layer: Layer, queryset: QuerySet, geometry_expr, limit: int | None = None) -> _FeatureSql:
    props = [("id", "pk"), ("label", layer.label_field), *((name, name) for name in layer.attribute_fields())]
    values = {f"c{i}": F(path) for i, (_name, path) in enumerate(props)}
    values["g"] = geometry_expr
    queryset = queryset.order_by().values(**values)
    if limit is not None:
        queryset = queryset[:limit]
    sql, params = queryset.query.sql_with_params()
    columns = [(f"c{i}", name) for i, (name, _path) in enumerate(props)]
    return _FeatureSql(sql, tuple(params), columns)


def layer_tile(layer: Layer, *, user: User, z: int, x: int, y: int) -> bytes:
    """The Mapbox vector tile of one layer for one user; empty below the layer's minimum zoom."""
    west, south, east, north = tile_bounds(z, x, y, margin=MVT_BUFFER / MVT_EXTENT)
    if z < layer.min_zoom:
        return b""
    envelope = Polygon.from_bbox((west, south, east, north))
    envelope.srid = 4326
    queryset = layer_queryset(layer, user=user).filter(**{f"{layer.geom_field}__bboverlaps": envelope})
    feature = _feature_sql(layer, queryset, _MvtGeom(F(layer.geom_field), z=z, x=x, y=y))
    qn = connection.ops.quote_name
    select = ", ".join(f"q.{qn(alias)} AS {qn(name)}" for alias, name in feature.columns)
    # Only quoted identifiers and the queryset's own compiled SQL are spliced in; values are bound.
    sql = (
        f"SELECT ST_AsMVT(t.*, %s, {MVT_EXTENT}, 'geom', 'id') FROM "  # noqa: S608
        # OFFSET 0 keeps PostgreSQL from merging the subquery, which would compute each feature's
        # tile geometry twice (once for the filter, once for the output): −13 % per z14 tile.
        f"(SELECT {select}, q.g AS geom FROM ({feature.sql} OFFSET 0) q WHERE q.g IS NOT NULL) t"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (layer.key, *feature.params))
        row = cursor.fetchone()
    return bytes(row[0]) if row and row[0] is not None else b""


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """``west,south,east,north`` in WGS 84 degrees; ValueError with a readable reason otherwise."""
    parts = text.split(",")
    if len(parts) != 4:
        raise ValueError("bbox must be four numbers: west,south,east,north")
    try:
        west, south, east, north = (float(p) for p in parts)
    except ValueError:
        raise ValueError("bbox must be four numbers: west,south,east,north") from None
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        raise ValueError("bbox values must be finite numbers")
    if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= 90 and -90 <= north <= 90):
        raise ValueError("bbox is outside WGS 84 (longitude −180–180, latitude −90–90)")
    if west >= east or south >= north:
        raise ValueError("bbox must have west < east and south < north")
    return west, south, east, north


def layer_geojson(
    layer: Layer, *, user: User, bbox: tuple[float, float, float, float] | None, limit: int
) -> str:
    """A GeoJSON FeatureCollection (as text, built by PostGIS) of the layer's features in ``bbox``.

    Raises TooManyFeatures when more than ``limit`` features match: the caller should zoom in or
    use the vector tiles.
    """
    queryset = layer_queryset(layer, user=user)
    if bbox is not None:
        envelope = Polygon.from_bbox(bbox)
        envelope.srid = 4326
        queryset = queryset.filter(**{f"{layer.geom_field}__bboverlaps": envelope})
    queryset = queryset.filter(**{f"{layer.geom_field}__isnull": False})
    feature = _feature_sql(layer, queryset, AsGeoJSON(layer.geom_field, precision=6), limit=limit + 1)
    qn = connection.ops.quote_name
    properties = ", ".join(f"%s, q.{qn(alias)}" for alias, name in feature.columns if name != "id")
    names = tuple(name for _alias, name in feature.columns if name != "id")
    # Identifiers and the queryset's compiled SQL only; values are bound.
    sql = (
        "SELECT count(*), coalesce(json_agg(json_build_object("  # noqa: S608
        "'type', 'Feature', 'id', q.c0, 'geometry', q.g::json, "
        f"'properties', json_build_object({properties}))), '[]'::json)::text "
        f"FROM ({feature.sql}) q"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (*names, *feature.params))
        count, features = cursor.fetchone()
    if count > limit:
        raise TooManyFeatures(limit)
    return f'{{"type":"FeatureCollection","layer":"{layer.key}","features":{features}}}'


def layer_search(*, user: User, text: str, per_layer: int = 10) -> list[dict]:
    """Features whose searchable fields contain ``text``, from every layer the user may see."""
    text = text.strip()
    if not text:
        return []
    results: list[dict] = []
    for layer in layers_for_user(user=user):
        if not layer.search_fields:
            continue
        condition = Q()
        for name in layer.search_fields:
            condition |= Q(**{f"{name}__icontains": text})
        rows = (
            layer_queryset(layer, user=user)
            .filter(condition)
            .filter(**{f"{layer.geom_field}__isnull": False})
            .order_by(layer.label_field)
            .values_list("pk", layer.label_field, layer.geom_field)[:per_layer]
        )
        for pk, label, geom in rows:
            results.append(
                {
                    "layer": layer.key,
                    "layer_name": str(layer.name),
                    "id": pk,
                    "label": str(label),
                    "bbox": list(geom.extent),
                }
            )
    return results


def layer_feature(layer: Layer, *, user: User, pk: int) -> dict:
    """One feature's details for its popup: labelled fields, a link to its record and its geometry."""
    obj = layer_queryset(layer, user=user).get(pk=pk)
    fields = []
    for name in layer.detail_fields:
        value = obj
        parts = name.split("__")
        # A path through a relation ("district__name") is labelled by its first field ("district");
        # a reverse one-to-one ("status__state") has no verbose name, so by its last field.
        field = obj._meta.get_field(parts[0])
        if getattr(field, "verbose_name", None) is None and len(parts) > 1:
            field = field.related_model._meta.get_field(parts[-1])
        label = str(field.verbose_name)
        for part in parts:
            if value is None:
                break
            display = getattr(value, f"get_{part}_display", None)
            try:
                value = display() if display is not None else getattr(value, part)
            except ObjectDoesNotExist:  # a reverse one-to-one with no row yet
                value = None
        fields.append({"name": name, "label": label, "value": _display(value)})
    geom = getattr(obj, layer.geom_field)
    return {
        "layer": layer.key,
        "id": obj.pk,
        "label": str(getattr(obj, layer.label_field)),
        "fields": fields,
        "url": layer.url_for(obj),
        "geometry": json.loads(geom.geojson) if geom else None,
        "bbox": list(geom.extent) if geom else None,
    }


def _display(value) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if hasattr(value, "isoformat"):
        if hasattr(value, "tzinfo") and value.tzinfo is not None:
            value = timezone.localtime(value)
        return value.isoformat(sep=" ", timespec="minutes") if hasattr(value, "hour") else value.isoformat()
    return str(value)
