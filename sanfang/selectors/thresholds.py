"""Stations against their warning and danger levels, on their latest reading."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
from django.utils import timezone

from sanfang.models import Station

NORMAL, WARNING, DANGER, NO_DATA = "normal", "warning", "danger", "no_data"


@dataclass(frozen=True)
class StationState:
    station_id: int
    state: str
    value: float | None
    time: datetime | None


def station_state(*, value: float | None, warning: float | None, danger: float | None) -> str:
    if value is None:
        return NO_DATA
    if danger is not None and value >= danger:
        return DANGER
    if warning is not None and value >= warning:
        return WARNING
    return NORMAL


def station_states(*, max_age: timedelta = timedelta(hours=6)) -> list[StationState]:
    """Every active station with a threshold, judged on its latest reading of that variable
    (readings older than ``max_age`` count as no data)."""
    stations = list(
        Station.objects.filter(active=True)
        .exclude(threshold_variable="")
        .values_list("id", "threshold_variable", "warning_value", "danger_value")
    )
    if not stations:
        return []
    since = timezone.now() - max_age
    # One index lookup per station: the latest reading of its variable, via the (station, variable,
    # time) primary key, walked backwards.
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT s.id, r.value, r.time
            FROM unnest(%s::int[], %s::text[]) AS s(id, variable)
            LEFT JOIN LATERAL (
                SELECT value, time FROM sanfang_reading
                WHERE station_id = s.id AND variable = s.variable AND time >= %s
                ORDER BY time DESC LIMIT 1
            ) r ON true
            """,
            [[row[0] for row in stations], [row[1] for row in stations], since],
        )
        latest = {station_id: (value, time) for station_id, value, time in cursor.fetchall()}
    states = []
    for station_id, _variable, warning, danger in stations:
        value, time = latest.get(station_id, (None, None))
        states.append(
            StationState(station_id, station_state(value=value, warning=warning, danger=danger), value, time)
        )
    return states
