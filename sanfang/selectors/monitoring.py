"""Reads for station monitoring: rolling rainfall, latest values, thresholds, statuses and series.

Rolling windows end at a time ``at`` and are half-open: a window of ``w`` hours holds the readings
with ``at - w < time <= at``. A reading exactly ``w`` hours old is therefore outside the ``w`` hour
window (it belongs to the previous one), and a reading at ``at`` itself is inside. A ``rain`` reading
is the amount fallen in the interval ending at its time, so summing them over the window gives the
window's rainfall. Readings of quality "suspect" are never counted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import CharField, Count, F, Max, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from sanfang.choices import RainWindow, ReadingQuality, StationKind, StationState, Variable
from sanfang.models import RainfallThreshold, RainstormSignalRule, Reading, Station, StationStatus

WINDOWS: tuple[int, ...] = tuple(int(w) for w in RainWindow.values)

# The variable a station is judged on when it has no threshold variable of its own.
KIND_VARIABLE: dict[str, str] = {
    StationKind.RAIN: Variable.RAIN,
    StationKind.RIVER: Variable.WATER_LEVEL,
    StationKind.TIDE: Variable.TIDE_LEVEL,
    StationKind.RESERVOIR: Variable.RESERVOIR_LEVEL,
    StationKind.WIND: Variable.WIND_SPEED,
    StationKind.WORKS: Variable.WATER_LEVEL,
}


def station_variable(*, kind: str, threshold_variable: str) -> str:
    return threshold_variable or KIND_VARIABLE.get(kind, Variable.RAIN)


@dataclass(frozen=True)
class RainSums:
    """Rainfall (mm) per window ending at ``at``, and over the last and the previous trend span."""

    windows: dict[int, float]
    recent: float
    previous: float


@dataclass(frozen=True)
class Latest:
    value: float | None
    time: dt.datetime | None
    # The value about one trend span before ``time`` (None when there is none in [time-2T, time-T]).
    earlier: float | None


def rain_sums(*, station_ids: list[int], at: dt.datetime, trend: dt.timedelta) -> dict[int, RainSums]:
    """Rolling rainfall of the stations that have rain readings in the 24 h (or two trend spans)
    before ``at``; stations without any are absent.

    One aggregate over the primary key (station, variable, time): each station's rows of the
    longest span are read once and summed per window with FILTER.
    """
    if not station_ids:
        return {}
    span = max(dt.timedelta(hours=max(WINDOWS)), 2 * trend)
    sums = ", ".join(
        f"coalesce(sum(value) FILTER (WHERE time > %(at)s - interval '{w} hours'), 0)" for w in WINDOWS
    )
    # Only the constant window lengths are spliced in; values are bound.
    sql = (
        f"SELECT station_id, {sums}, "  # noqa: S608
        "coalesce(sum(value) FILTER (WHERE time > %(at)s - %(trend)s), 0), "
        "coalesce(sum(value) FILTER (WHERE time > %(at)s - 2 * %(trend)s AND time <= %(at)s - %(trend)s), 0) "
        f"FROM {Reading._meta.db_table} "
        "WHERE station_id = ANY(%(ids)s) AND variable = %(rain)s "
        "AND time > %(at)s - %(span)s AND time <= %(at)s AND quality <> %(suspect)s "
        "GROUP BY station_id"
    )
    params = {
        "at": at,
        "trend": trend,
        "span": span,
        "ids": list(station_ids),
        "rain": Variable.RAIN.value,
        "suspect": int(ReadingQuality.SUSPECT),
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    result = {}
    for row in rows:
        values = row[1 : 1 + len(WINDOWS)]
        result[row[0]] = RainSums(
            windows={w: round(float(v), 2) for w, v in zip(WINDOWS, values, strict=True)},
            recent=float(row[-2]),
            previous=float(row[-1]),
        )
    return result


def latest_values(*, pairs: list[tuple[int, str]], at: dt.datetime, trend: dt.timedelta) -> dict[int, Latest]:
    """For each (station id, variable): its latest reading at or before ``at``, and the reading one
    trend span before that (two backward index probes per station)."""
    if not pairs:
        return {}
    table = Reading._meta.db_table
    # Only the table name is spliced in.
    sql = f"""
        SELECT s.id, r.value, r.time, p.value
        FROM unnest(%(ids)s::bigint[], %(vars)s::text[]) AS s(id, variable)
        LEFT JOIN LATERAL (
            SELECT value, time FROM {table}
            WHERE station_id = s.id AND variable = s.variable AND time <= %(at)s AND quality <> %(suspect)s
            ORDER BY time DESC LIMIT 1
        ) r ON true
        LEFT JOIN LATERAL (
            SELECT value FROM {table}
            WHERE station_id = s.id AND variable = s.variable AND quality <> %(suspect)s
              AND time <= r.time - %(trend)s AND time >= r.time - 2 * %(trend)s
            ORDER BY time DESC LIMIT 1
        ) p ON true
    """  # noqa: S608
    params = {
        "ids": [p[0] for p in pairs],
        "vars": [p[1] for p in pairs],
        "at": at,
        "trend": trend,
        "suspect": int(ReadingQuality.SUSPECT),
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {sid: Latest(value, time, earlier) for sid, value, time, earlier in cursor.fetchall()}


def rain_thresholds(
    *, station_ids: list[int]
) -> dict[int | None, dict[int, tuple[float | None, float | None]]]:
    """Warning and danger rainfall per window: key None holds the defaults of every rain gauge, a
    station's key its own rows (which override the default of their window)."""
    result: dict[int | None, dict[int, tuple[float | None, float | None]]] = {}
    rows = RainfallThreshold.objects.filter(station_id__isnull=True) | RainfallThreshold.objects.filter(
        station_id__in=station_ids
    )
    for station_id, window, warning, danger in rows.values_list(
        "station_id", "window_hours", "warning_mm", "danger_mm"
    ):
        result.setdefault(station_id, {})[window] = (warning, danger)
    return result


def signal_rules() -> list[tuple[str, int, float]]:
    """The active rainstorm signal rules as (colour, window hours, threshold mm)."""
    return list(
        RainstormSignalRule.objects.filter(active=True).values_list("colour", "window_hours", "threshold_mm")
    )


def statuses_by_station(*, station_ids: list[int]) -> dict[int, StationStatus]:
    return {s.station_id: s for s in StationStatus.objects.filter(station_id__in=station_ids)}


def stations_with_state() -> QuerySet[Station]:
    """Active stations with their status, ``state`` defaulting to "no data" while none is computed
    (for the map layer, which colours by ``state``)."""
    return (
        Station.objects.filter(active=True)
        .select_related("owner", "district", "status")
        .annotate(state=Coalesce(F("status__state"), Value(StationState.NO_DATA), output_field=CharField()))
    )


def station_readings_series(
    *, station: Station, since: dt.datetime, until: dt.datetime, variables: list[str] | None = None
) -> dict[str, list[tuple[dt.datetime, float]]]:
    """The station's readings in (since, until], per variable, in time order."""
    readings = Reading.objects.filter(station=station, time__gt=since, time__lte=until)
    if variables:
        readings = readings.filter(variable__in=variables)
    series: dict[str, list[tuple[dt.datetime, float]]] = {}
    for variable, time, value in readings.order_by("variable", "time").values_list(
        "variable", "time", "value"
    ):
        series.setdefault(variable, []).append((time, value))
    return series


def status_counts() -> dict[str, int]:
    """How many active stations are in each state (stations without a status count as no data)."""
    counts = {s.value: 0 for s in StationState}
    for row in stations_with_state().order_by().values("state").annotate(n=Count("pk")):
        counts[row["state"]] = row["n"]
    return counts


def monitoring_facts(*, at: dt.datetime) -> dict[str, float | int]:
    """Trigger facts from the stored statuses (``at`` is not used: statuses are kept current by the
    refresh). Rainfall facts are the highest over the stations with recent data; counts are of
    active stations. ``stations_over_warning`` counts stations at or over their warning level,
    those over danger included."""
    statuses = StationStatus.objects.filter(station__active=True).exclude(state=StationState.NO_DATA)
    facts: dict[str, float | int] = {}
    agg = statuses.aggregate(**{f"rain_{w}h": Max(f"rain_{w}h") for w in WINDOWS})
    for window in WINDOWS:
        value = agg[f"rain_{window}h"]
        if value is not None:
            facts[f"rain_{window}h_mm"] = value
    counts = statuses.aggregate(
        over_warning=Count("pk", filter=Q(state__in=[StationState.WARNING, StationState.DANGER])),
        over_danger=Count("pk", filter=Q(state=StationState.DANGER)),
        reservoirs=Count(
            "pk",
            filter=Q(
                station__kind=StationKind.RESERVOIR,
                state__in=[StationState.WARNING, StationState.DANGER],
                station__threshold_variable=Variable.RESERVOIR_LEVEL,
            ),
        ),
        total=Count("pk"),
    )
    if counts["total"]:
        facts["stations_over_warning"] = counts["over_warning"]
        facts["stations_over_danger"] = counts["over_danger"]
        facts["reservoirs_over_flood_limit"] = counts["reservoirs"]
    over = statuses.filter(
        station__threshold_variable__in=[Variable.WATER_LEVEL, Variable.TIDE_LEVEL],
        station__warning_value__isnull=False,
        value__isnull=False,
        variable=F("station__threshold_variable"),
    ).aggregate(m=Max(F("value") - F("station__warning_value")))["m"]
    if over is not None:
        facts["water_level_over_warning_m"] = round(over, 3)
    return facts
