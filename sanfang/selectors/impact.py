"""Reads of the impact analysis: who may see which registry, and what lies inside an impact zone.

The seven lists (``IMPACT_LISTS``) are people to move, hazard points, protected targets, info
officers and agencies (the 三防 registries), and shelters with free capacity, rescue teams and depots
(the command core's resources). Every list is grouped by district and town with totals.

Spatial rule: each list is filtered with ``ST_Intersects(<table>.geom, <zone>)`` on the bare column,
so the planner can use the column's GiST index (a point on the zone's edge counts as inside). The
zone is bound as a parameter in SRID 4326, like the column; nothing is transformed on the column side.
Resources have no district or town column, so theirs is looked up from the administrative areas that
cover the point (``ST_Covers(area.geom, point)``, the areas' GiST index), only for rows already inside.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.contrib.gis.geos import GEOSGeometry
from django.db import connection
from django.db.models import (
    BooleanField,
    CharField,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Collate
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.selectors.organisations import organisation_subtree, user_sees_whole_city
from emergency.choices import ResourceKind
from emergency.selectors.resources import resources_visible
from gis.choices import AreaLevel
from gis.models import AdminArea
from sanfang.models import HazardPoint, InfoOfficer, PersonToMove, ProtectedTarget

EVACUATION_PERMISSION = "sanfang.view_evacuation_list"

REGISTRY_MODELS: dict[str, type] = {
    "people": PersonToMove,
    "hazards": HazardPoint,
    "targets": ProtectedTarget,
    "officers": InfoOfficer,
}


@dataclass(frozen=True)
class ImpactList:
    """One list of the impact analysis: where its rows come from and what its totals add up."""

    key: str
    label: Promise
    # The summed measure besides the row count ("people" for households, "free" places in shelters).
    measure: str | None
    measure_label: Promise | None
    registry: bool


IMPACT_LISTS: dict[str, ImpactList] = {
    item.key: item
    for item in (
        ImpactList("people", _("People to move"), "people", _("people"), True),
        ImpactList("hazards", _("Hazard points"), "people_threatened", _("people threatened"), True),
        ImpactList("targets", _("Protected targets"), "occupants", _("occupants"), True),
        ImpactList("officers", _("Info officers and agencies"), None, None, True),
        ImpactList("shelters", _("Shelters with free capacity"), "free", _("free places"), False),
        ImpactList("teams", _("Rescue teams"), None, None, False),
        ImpactList("depots", _("Material depots"), None, None, False),
    )
}

_RESOURCE_KINDS = {"shelters": ResourceKind.SHELTER, "teams": ResourceKind.TEAM, "depots": ResourceKind.DEPOT}


# --- Who sees which registry ---------------------------------------------------------------------


def evacuation_list_allowed(*, user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.has_perm(EVACUATION_PERMISSION))


def phones_in_full(*, user: User) -> bool:
    """Full phone numbers go to the roles that move people (they call them); everyone else sees them
    masked. Views of the named people list are audited by ``sanfang.services.impact``."""
    return evacuation_list_allowed(user=user)


def registry_scope(queryset: QuerySet, *, user: User, key: str) -> QuerySet:
    """Narrow a registry queryset to what the user may see: the model's view permission (and, for
    people to move, the evacuation-list permission), then the scope: city-wide roles see everything,
    others the rows of their organisation subtree and of the districts those organisations govern."""
    model = REGISTRY_MODELS[key]
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if not user.has_perm(f"sanfang.view_{model._meta.model_name}"):
        return queryset.none()
    if key == "people" and not user.has_perm(EVACUATION_PERMISSION):
        return queryset.none()
    if user_sees_whole_city(user=user):
        return queryset
    if user.organisation_id is None:
        return queryset.none()
    subtree = organisation_subtree(organisation=user.organisation)
    areas = subtree.exclude(admin_area__isnull=True).values("admin_area")
    return queryset.filter(Q(organisation__in=subtree.values("pk")) | Q(district__in=areas))


def registry_visible(*, user: User, key: str) -> QuerySet:
    model = REGISTRY_MODELS[key]
    return registry_scope(model.objects.select_related("district", "organisation"), user=user, key=key)


def registry_access(*, user: User, key: str, pk: int, for_update: bool = False):
    """One visible row (``DoesNotExist`` otherwise, so hidden and missing look the same)."""
    queryset = registry_visible(user=user, key=key)
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    return queryset.get(pk=pk)


def list_visible(*, user: User, key: str) -> QuerySet:
    """The rows of one impact list the user may see, before the zone filter."""
    if IMPACT_LISTS[key].registry:
        return registry_visible(user=user, key=key).filter(active=True)
    return resources_visible(user=user, kind=_RESOURCE_KINDS[key])


def lists_allowed(*, user: User) -> dict[str, bool]:
    """Which lists the user may open at all (a hidden list is shown as "needs a role", not as empty)."""
    allowed = {}
    for key, item in IMPACT_LISTS.items():
        if item.registry:
            model = REGISTRY_MODELS[key]
            ok = user.is_authenticated and user.has_perm(f"sanfang.view_{model._meta.model_name}")
            if key == "people":
                ok = ok and evacuation_list_allowed(user=user)
        else:
            model = resources_visible(user=user, kind=_RESOURCE_KINDS[key]).model
            ok = user.is_authenticated and user.has_perm(f"emergency.view_{model._meta.model_name}")
        allowed[key] = bool(ok)
    return allowed


# --- What lies inside a zone ---------------------------------------------------------------------


def _area_name(level: str, field: str = "name") -> Subquery:
    # Correlated on the outer row's point; ST_Covers(area.geom, point) uses the areas' GiST index.
    return Subquery(
        AdminArea.objects.filter(level=level, geom__covers=OuterRef("geom"))
        .order_by("adcode")
        .values(field)[:1]
    )


def _annotate_groups(queryset: QuerySet, key: str) -> QuerySet:
    """Uniform group columns ``g_district_id``, ``g_district`` and ``g_town`` (and ``g_measure``)."""
    if IMPACT_LISTS[key].registry:
        queryset = queryset.annotate(
            g_district_id=F("district_id"),
            g_district=Coalesce(F("district__name"), Value(""), output_field=CharField()),
            g_town=F("town"),
        )
    else:
        queryset = queryset.annotate(
            g_district_id=_area_name(AreaLevel.DISTRICT, "pk"),
            g_district=Coalesce(_area_name(AreaLevel.DISTRICT), Value(""), output_field=CharField()),
            g_town=Coalesce(_area_name(AreaLevel.TOWN), Value(""), output_field=CharField()),
        )
    measure = IMPACT_LISTS[key].measure
    if measure == "free":
        queryset = queryset.annotate(g_measure=F("capacity") - F("occupancy"))
    elif measure:
        queryset = queryset.annotate(g_measure=F(measure))
    else:
        queryset = queryset.annotate(g_measure=Value(0, output_field=IntegerField()))
    return queryset


# A big zone (a forecast swath) is cut into pieces of at most this many vertices: each piece's
# bounding box is a tighter index probe than the whole zone's, and testing a point against a small
# piece is cheaper. Small zones stay whole.
ZONE_PIECE_VERTICES = 32


@lru_cache(maxsize=32)
def _zone_pieces(ewkb: bytes) -> tuple[GEOSGeometry, ...]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT ST_AsEWKB(ST_Subdivide(ST_GeomFromEWKB(%s), %s))", [ewkb, ZONE_PIECE_VERTICES])
        return tuple(GEOSGeometry(memoryview(bytes(row[0]))) for row in cursor.fetchall())


def zone_filter(zone: GEOSGeometry) -> Q:
    """``ST_Intersects(geom, piece)`` OR-ed over the zone's pieces: the planner answers it with one
    GiST index probe per piece (a BitmapOr); a point on a boundary between pieces counts once."""
    if zone.empty:
        return Q(pk__in=[])
    if zone.num_points <= ZONE_PIECE_VERTICES:
        return Q(geom__intersects=zone)
    query = Q()
    for piece in _zone_pieces(bytes(zone.ewkb)):
        query |= Q(geom__intersects=piece)
    return query


def impact_queryset(*, user: User, key: str, zone: GEOSGeometry) -> QuerySet:
    """The visible rows of list ``key`` inside ``zone``, with group columns, in list order
    (district, town, name)."""
    if key not in IMPACT_LISTS:
        raise KeyError(key)
    queryset = list_visible(user=user, key=key).filter(zone_filter(zone))
    if key == "shelters":
        queryset = queryset.filter(capacity__gt=F("occupancy"))
    queryset = _annotate_groups(queryset, key)
    return queryset.order_by(*LIST_ORDER)


# List order: district id (none last), town, name, id. Towns compare by code point (collation "C"),
# the order ``impact_groups`` sorts its groups in, whatever the database's collation: a page of rows
# is then read from the groups it spans (``impact_rows``) and lines up with them.
LIST_ORDER = (F("g_district_id").asc(nulls_last=True), Collate(F("g_town"), "C"), "name", "pk")


def _group_query(queryset: QuerySet, measure: Any = "g_measure") -> QuerySet:
    # One aggregate over (district id, town) without ORDER BY, so PostgreSQL may hash-aggregate;
    # COUNT(*) reads no column, so a covering index can answer it alone.
    return (
        queryset.order_by()
        .values("g_district_id", "g_town")
        .annotate(count=Count("*"), measure=Coalesce(Sum(measure), 0))
    )


def _group_rows(queryset: QuerySet, measure: Any = "g_measure") -> list[dict[str, Any]]:
    return list(_group_query(queryset, measure))


def _nest_groups(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Totals and district → town groups from (district id, town, count, measure) rows; the district
    names are read by id (a few rows)."""
    names = dict(
        AdminArea.objects.filter(pk__in={r["g_district_id"] for r in rows if r["g_district_id"]}).values_list(
            "pk", "name"
        )
    )
    # District id order (None last), then town by code point: the order of the rows in the lists.
    rows.sort(key=lambda r: (r["g_district_id"] is None, r["g_district_id"] or 0, r["g_town"] or ""))
    districts: dict[Any, dict[str, Any]] = {}
    total = {"count": 0, "measure": 0}
    for row in rows:
        district = districts.setdefault(
            row["g_district_id"],
            {
                "district_id": row["g_district_id"],
                "district": names.get(row["g_district_id"], ""),
                "count": 0,
                "measure": 0,
                "towns": [],
            },
        )
        district["towns"].append(
            {"town": row["g_town"] or "", "count": row["count"], "measure": row["measure"]}
        )
        district["count"] += row["count"]
        district["measure"] += row["measure"]
        total["count"] += row["count"]
        total["measure"] += row["measure"]
    return {"total": total, "groups": list(districts.values())}


def impact_groups(queryset: QuerySet) -> dict[str, Any]:
    """Counts and measure totals grouped by district, then town, of an ``impact_queryset``."""
    return _nest_groups(_group_rows(queryset))


# --- Big zones: whole grid cells from an index, exact tests only along the edge -------------------

# The registries' ``impact_cell`` column (migration 0006): floor(lon·K)·100000 + floor(lat·K).
IMPACT_CELLS_PER_DEGREE = 50
# Cells the zone covers are taken whole only if the zone still covers them grown by this margin
# (degrees), so that a point whose computed cell is off by a rounding error is still inside.
_CELL_MARGIN = 1e-9
# Smaller zones (in cells across their bounding box) are filtered with the GiST index alone.
IMPACT_CELLS_MIN_SPAN = 8
# So are smaller tables (PostgreSQL's row estimate): below this, planning a query over thousands of
# cells costs more than testing every point (measured: 30,000 rows take ~15 ms the plain way).
IMPACT_CELLS_MIN_ROWS = 200_000


def _estimated_rows(model: type) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [model._meta.db_table])
        row = cursor.fetchone()
    return float(row[0]) if row else 0.0


# A quadtree over the zone's bounding box, in cell units: a box the zone covers (with the margin) is
# kept whole, a box it misses is dropped, a box it cuts is split in two until it is a single cell
# (an edge cell). One statement; PostGIS prepares the zone once for all the tests.
_CELLS_SQL = """
WITH RECURSIVE z AS (SELECT ST_GeomFromEWKB(%(zone)s) AS g, %(k)s::float8 AS k, %(eps)s::float8 AS eps),
q(a, b, c, d) AS (
    SELECT floor(ST_XMin(g) * k)::int, floor(ST_YMin(g) * k)::int,
           floor(ST_XMax(g) * k)::int + 1, floor(ST_YMax(g) * k)::int + 1
    FROM z
  UNION ALL
    SELECT s.a, s.b, s.c, s.d
    FROM q, z,
         LATERAL (SELECT ST_MakeEnvelope(q.a / z.k - z.eps, q.b / z.k - z.eps,
                                         q.c / z.k + z.eps, q.d / z.k + z.eps, 4326) AS box) e,
         LATERAL (SELECT q.c - q.a >= q.d - q.b AS wide) w,
         LATERAL (VALUES
             (q.a, q.b, CASE WHEN w.wide THEN (q.a + q.c) / 2 ELSE q.c END,
                        CASE WHEN w.wide THEN q.d ELSE (q.b + q.d) / 2 END),
             (CASE WHEN w.wide THEN (q.a + q.c) / 2 ELSE q.a END,
              CASE WHEN w.wide THEN q.b ELSE (q.b + q.d) / 2 END, q.c, q.d)
         ) AS s(a, b, c, d)
    WHERE (q.c - q.a > 1 OR q.d - q.b > 1) AND ST_Intersects(z.g, e.box) AND NOT ST_Covers(z.g, e.box)
)
SELECT q.a, q.b, q.c, q.d, ST_Covers(z.g, e.box)
FROM q, z,
     LATERAL (SELECT ST_MakeEnvelope(q.a / z.k - z.eps, q.b / z.k - z.eps,
                                     q.c / z.k + z.eps, q.d / z.k + z.eps, 4326) AS box) e
WHERE ST_Intersects(z.g, e.box) AND (ST_Covers(z.g, e.box) OR (q.c - q.a = 1 AND q.d - q.b = 1))
"""


@lru_cache(maxsize=32)
def _zone_cells(ewkb: bytes) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(cells the zone covers whole, cells its edge crosses) as ``impact_cell`` keys."""
    with connection.cursor() as cursor:
        cursor.execute(_CELLS_SQL, {"zone": ewkb, "k": IMPACT_CELLS_PER_DEGREE, "eps": _CELL_MARGIN})
        boxes = cursor.fetchall()
    inside: list[int] = []
    edge: list[int] = []
    for a, b, c, d, covered in boxes:
        keys = [ix * 100000 + iy for ix in range(a, c) for iy in range(b, d)]
        (inside if covered else edge).extend(keys)
    return tuple(sorted(inside)), tuple(sorted(edge))


def _cell_filter(queryset: QuerySet, cells: tuple[int, ...]) -> QuerySet:
    column = f'"{queryset.model._meta.db_table}"."impact_cell"'
    # The column is not a model field (PostgreSQL generates it); the cells are bound as one parameter.
    return queryset.filter(RawSQL(f"{column} = ANY(%s)", [list(cells)], output_field=BooleanField()))  # noqa: S611


def impact_cell_parts(*, user: User, key: str, zone: GEOSGeometry) -> list[QuerySet] | None:
    """The aggregates ``impact_list_groups`` runs for a big zone (the whole cells, then the edge
    cells' points), or None when the list is counted the plain way."""
    item = IMPACT_LISTS[key]
    if not item.registry or zone.empty:
        return None
    x0, y0, x1, y1 = zone.extent
    span = max(x1 - x0, y1 - y0) * IMPACT_CELLS_PER_DEGREE
    if span < IMPACT_CELLS_MIN_SPAN or _estimated_rows(REGISTRY_MODELS[key]) < IMPACT_CELLS_MIN_ROWS:
        return None
    inside, edge = _zone_cells(bytes(zone.ewkb))
    if not inside:
        return None
    base = list_visible(user=user, key=key).annotate(g_district_id=F("district_id"), g_town=F("town"))
    measure = item.measure or Value(0, output_field=IntegerField())
    parts = [_cell_filter(base, inside)]
    if edge:
        parts.append(_cell_filter(base.filter(zone_filter(zone)), edge))
    return [_group_query(part, measure) for part in parts]


def impact_list_groups(*, user: User, key: str, zone: GEOSGeometry) -> dict[str, Any]:
    """``impact_groups`` of list ``key`` in ``zone``, the same numbers, faster for big zones.

    A registry's rows in grid cells the zone covers entirely are counted from the cell index alone
    (no point-in-polygon test, no heap: an index-only scan); only the rows of the cells the zone's
    edge crosses are tested against the zone (``zone_filter``). Each row has one cell, so the two
    parts never count a row twice. Used for big tables only (``IMPACT_CELLS_MIN_ROWS``).
    """
    parts = impact_cell_parts(user=user, key=key, zone=zone)
    if parts is None:
        return impact_groups(impact_queryset(user=user, key=key, zone=zone))
    merged: dict[tuple[Any, str], dict[str, Any]] = {}
    for part in parts:
        for row in part:
            found = merged.setdefault(
                (row["g_district_id"], row["g_town"]), {**row, "count": 0, "measure": 0}
            )
            found["count"] += row["count"]
            found["measure"] += row["measure"]
    return _nest_groups(list(merged.values()))


def impact_summary(*, user: User, zone: GEOSGeometry, keys: list[str] | None = None) -> dict[str, Any]:
    """For each list the user may see: totals and groups. Lists the user may not open are left out
    (``lists_allowed`` says which)."""
    allowed = lists_allowed(user=user)
    summary: dict[str, Any] = {}
    for key in keys or list(IMPACT_LISTS):
        if not allowed[key]:
            continue
        summary[key] = impact_list_groups(user=user, key=key, zone=zone)
    return summary


# --- Rows as the API, the page and the export show them -----------------------------------------


def _mask_phone(phone: str) -> str:
    if not phone:
        return ""
    if len(phone) <= 4:
        return "*" * len(phone)
    return phone[:3] + "*" * max(len(phone) - 7, 1) + phone[-4:]


def _kind_display(obj: Any) -> str:
    for name in ("get_category_display", "get_kind_display"):
        method: Callable[[], str] | None = getattr(obj, name, None)
        if method is not None:
            return str(method())
    return ""


def impact_row(obj: Any, *, key: str, full_phones: bool) -> dict[str, Any]:
    """One row of a list, with the phone masked unless ``full_phones``."""
    phone = obj.contact_phone or ""
    row: dict[str, Any] = {
        "id": obj.pk,
        "name": obj.name,
        "kind": getattr(obj, "category", None) or getattr(obj, "kind", "") or "",
        "kind_label": _kind_display(obj),
        "district": getattr(obj, "g_district", "") or "",
        "town": getattr(obj, "g_town", "") or "",
        "address": obj.address,
        "unit": obj.organisation.name if obj.organisation_id else "",
        "organisation_id": obj.organisation_id,
        "contact_name": obj.contact_name,
        "contact_phone": phone if full_phones else _mask_phone(phone),
        "lon": round(obj.geom.x, 6),
        "lat": round(obj.geom.y, 6),
        "measure": getattr(obj, "g_measure", None),
    }
    if key == "people":
        row["people"] = obj.people
    elif key == "hazards":
        row["people_threatened"] = obj.people_threatened
        row["warning_level"] = obj.warning_level
    elif key == "targets":
        row["occupants"] = obj.occupants
    elif key == "shelters":
        row.update(capacity=obj.capacity, occupancy=obj.occupancy, free=obj.capacity - obj.occupancy)
        row["is_open"] = obj.is_open
    elif key == "teams":
        row["status"] = obj.status
        row["speciality"] = obj.speciality
    return row


def _groups_spanned(grouped: dict[str, Any], offset: int, limit: int) -> tuple[list[tuple[Any, str]], int]:
    """The (district id, town) groups holding rows ``offset`` .. ``offset + limit - 1`` in list order,
    and the offset of the first row wanted inside the first of them."""
    spanned: list[tuple[Any, str]] = []
    start = 0
    skip = 0
    for district in grouped["groups"]:
        for town in district["towns"]:
            end = start + town["count"]
            if end > offset and start < offset + limit:
                if not spanned:
                    skip = offset - start
                spanned.append((district["district_id"], town["town"]))
            start = end
    return spanned, skip


def impact_rows(
    *,
    user: User,
    key: str,
    zone: GEOSGeometry,
    offset: int = 0,
    limit: int = 50,
    grouped: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Rows ``offset`` .. ``offset + limit - 1`` of a list in list order.

    With the list's ``grouped`` totals (``impact_groups`` of the same user and zone), a registry list
    reads only the (district, town) groups the page spans, through the (district, town) index, instead
    of sorting every row inside the zone to find the first ones. Resources carry no district column,
    so theirs are sorted whole (they are few).
    """
    queryset = impact_queryset(user=user, key=key, zone=zone).select_related("organisation")
    full = phones_in_full(user=user)
    if grouped is not None and IMPACT_LISTS[key].registry:
        spanned, skip = _groups_spanned(grouped, offset, limit)
        if not spanned:
            return []
        where = Q()
        for district_id, town in spanned:
            if district_id is None:
                where |= Q(district__isnull=True, town=town)
            else:
                where |= Q(district_id=district_id, town=town)
        queryset = queryset.filter(where)
        offset = skip
    return [impact_row(obj, key=key, full_phones=full) for obj in queryset[offset : offset + limit]]
