"""Reads of stations and readings."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from sanfang.models import Reading, Station


def station_ids_by_code(*, codes: Iterable[str]) -> dict[str, int]:
    """The ids of the active stations among ``codes`` (codes of unknown or inactive stations are absent)."""
    wanted = list(set(codes))
    if not wanted:
        return {}
    return dict(Station.objects.filter(code__in=wanted, active=True).values_list("code", "id"))


def station_latest_readings(*, station: Station) -> list[Reading]:
    """The newest reading of each variable the station reports (one index probe per variable)."""
    variables = (
        Reading.objects.filter(station=station).order_by().values_list("variable", flat=True).distinct()
    )
    latest = []
    for variable in variables:
        reading = Reading.objects.filter(station=station, variable=variable).order_by("-time").first()
        if reading is not None:
            latest.append(reading)
    return latest


def stations_on_map() -> QuerySet[Station]:
    return Station.objects.filter(active=True).select_related("owner", "district")
