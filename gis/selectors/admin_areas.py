"""Reads of administrative areas."""

from __future__ import annotations

from django.contrib.gis.geos import Point
from django.db.models import Case, IntegerField, QuerySet, Value, When

from gis.choices import AreaLevel
from gis.models import AdminArea

# Most specific first: a point in a village is also in its town, district, city and province.
_SPECIFICITY = [
    AreaLevel.VILLAGE,
    AreaLevel.TOWN,
    AreaLevel.DISTRICT,
    AreaLevel.CITY,
    AreaLevel.PROVINCE,
]


def admin_area_containing(*, point: Point, level: str | None = None) -> AdminArea | None:
    """The most specific area whose boundary covers the point (optionally only of one level).

    A point on a shared border belongs to either neighbour; the lower adcode wins so the answer is
    stable. The point is taken as WGS 84 when it has no SRID.
    """
    if point.srid is None:
        point = Point(point.x, point.y, srid=4326)
    # ST_Intersects on the stored column (the point is transformed, never the column) uses the
    # spatial index.
    areas = AdminArea.objects.filter(geom__intersects=point)
    if level is not None:
        areas = areas.filter(level=level)
    rank = Case(
        *[When(level=value, then=Value(i)) for i, value in enumerate(_SPECIFICITY)],
        default=Value(len(_SPECIFICITY)),
        output_field=IntegerField(),
    )
    return areas.annotate(specificity=rank).order_by("specificity", "adcode").first()


def admin_areas_for_level(*, level: str, parent: AdminArea | None = None) -> QuerySet[AdminArea]:
    """Areas of one level, optionally only the children of parent, in adcode order."""
    areas = AdminArea.objects.filter(level=level)
    if parent is not None:
        areas = areas.filter(parent=parent)
    return areas.order_by("adcode")
