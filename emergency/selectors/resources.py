"""Reads of emergency resources: who sees which, and the nearest of a kind to a point."""

from __future__ import annotations

from django.contrib.gis.geos import Point
from django.db.models import BooleanField, FloatField, QuerySet
from django.db.models.expressions import RawSQL

from accounts.models import User
from accounts.selectors.organisations import scope_for_user
from emergency.choices import ResourceKind, TeamStatus
from emergency.models import Depot, Expert, MedicalFacility, RescueTeam, Shelter, StockItem

RESOURCE_MODELS: dict[str, type] = {
    ResourceKind.TEAM: RescueTeam,
    ResourceKind.DEPOT: Depot,
    ResourceKind.EXPERT: Expert,
    ResourceKind.SHELTER: Shelter,
    ResourceKind.MEDICAL: MedicalFacility,
}


def resources_visible(*, user: User, kind: str) -> QuerySet:
    """Resources of one kind the user may see: the view permission, then the organisation scope."""
    model = RESOURCE_MODELS[kind]
    if not user.is_authenticated or not user.has_perm(f"emergency.view_{model._meta.model_name}"):
        return model.objects.none()
    return scope_for_user(model.objects.select_related("organisation"), user=user)


def stock_items_visible(*, user: User) -> QuerySet[StockItem]:
    if not user.is_authenticated or not user.has_perm("emergency.view_stockitem"):
        return StockItem.objects.none()
    return scope_for_user(StockItem.objects.select_related("depot"), user=user, field="depot__organisation")


def resources_nearest(
    *, user: User, kind: str, point: Point, radius_m: float, limit: int = 10, available_only: bool = False
) -> list:
    return list(
        resources_nearest_queryset(
            user=user, kind=kind, point=point, radius_m=radius_m, available_only=available_only
        )[:limit]
    )


def resources_nearest_queryset(
    *, user: User, kind: str, point: Point, radius_m: float, available_only: bool = False
) -> QuerySet:
    """The ``limit`` nearest resources of ``kind`` within ``radius_m`` metres (straight line), nearest
    first, each with ``distance_m``.

    ST_DWithin on ``geom::geography`` matches the expression index of migration 0003, so the radius
    filter uses the index; distances are geodesic metres.
    """
    queryset = resources_visible(user=user, kind=kind)
    table = queryset.model._meta.db_table
    if point.srid not in (None, 4326):
        point = point.transform(4326, clone=True)
    geog = "ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography"
    column = f'"{table}"."geom"::geography'
    # Only the model's own table name is interpolated; values are bound.
    within = RawSQL(  # noqa: S611
        f"ST_DWithin({column}, {geog}, %s)", (point.x, point.y, radius_m), output_field=BooleanField()
    )
    queryset = queryset.filter(within).annotate(
        distance_m=RawSQL(f"ST_Distance({column}, {geog})", (point.x, point.y), output_field=FloatField())  # noqa: S611
    )
    if available_only:
        if kind == ResourceKind.TEAM:
            queryset = queryset.filter(status=TeamStatus.READY)
        elif kind == ResourceKind.EXPERT:
            queryset = queryset.filter(available=True)
        elif kind == ResourceKind.SHELTER:
            queryset = queryset.filter(is_open=True)
    return queryset.order_by("distance_m", "pk")
