"""Station statuses: rolling rainfall, trend, state and rainstorm signal, and the alerts they raise.

``station_statuses_refresh`` is the one writer of ``StationStatus``. It runs after each stored batch
of readings (``sanfang.ready_monitoring``) and periodically for every station, so that a silent
station turns "no data" with time. docs/sanfang-monitoring.md gives the formulas and settings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from emergency.choices import AlertKind
from emergency.models import Alert
from emergency.services.alerts import alert_clear, alert_raise
from sanfang.choices import SIGNAL_RANK, StationKind, StationState, Trend, Variable
from sanfang.models import Station, StationStatus
from sanfang.selectors.monitoring import (
    WINDOWS,
    Latest,
    RainSums,
    latest_values,
    rain_sums,
    rain_thresholds,
    signal_rules,
    station_variable,
    statuses_by_station,
)
from sanfang.signals import station_statuses_changed

NORMAL, WARNING, DANGER, NO_DATA = (
    StationState.NORMAL.value,
    StationState.WARNING.value,
    StationState.DANGER.value,
    StationState.NO_DATA.value,
)
_SEVERITY = {NO_DATA: -1, NORMAL: 0, WARNING: 1, DANGER: 2}
# Serialises refreshes (the periodic one and those after batches), so two workers never judge the
# same change twice; a refresh takes milliseconds.
_LOCK_KEY = 0x5AF0_0001
PERIODIC_TASK_NAME = "sanfang: refresh station statuses"
PERIODIC_TASK = "sanfang.tasks.sanfang_refresh_station_statuses"


# --- Pure rules (tested on their edges) ---------------------------------------------------------


def level_state(*, value: float | None, warning: float | None, danger: float | None) -> str:
    """A value at or above the danger level is danger, at or above the warning level warning."""
    if value is None:
        return NO_DATA
    if danger is not None and value >= danger:
        return DANGER
    if warning is not None and value >= warning:
        return WARNING
    return NORMAL


def rain_state(
    *, windows: dict[int, float], thresholds: dict[int, tuple[float | None, float | None]]
) -> tuple[str, int | None]:
    """The worst state over the windows (rain at or above a window's threshold), and the window
    that decided it (the shortest among equals)."""
    state, decided_by = NORMAL, None
    for window in sorted(thresholds):
        if window not in windows:
            continue
        warning, danger = thresholds[window]
        found = level_state(value=windows[window], warning=warning, danger=danger)
        if _SEVERITY[found] > _SEVERITY[state]:
            state, decided_by = found, window
    return state, decided_by


def rain_signal(*, windows: dict[int, float], rules: list[tuple[str, int, float]]) -> str:
    """The highest signal colour whose rule holds (rainfall over its window at or above its amount)."""
    best = ""
    for colour, window, threshold in rules:
        if windows.get(window, 0.0) >= threshold and (not best or SIGNAL_RANK[colour] > SIGNAL_RANK[best]):
            best = colour
    return best


def trend_of(*, change: float | None, tolerance: float) -> str:
    """Rising or falling when the change is beyond the tolerance, steady within it (inclusive)."""
    if change is None:
        return Trend.UNKNOWN.value
    if change > tolerance:
        return Trend.RISING.value
    if change < -tolerance:
        return Trend.FALLING.value
    return Trend.STEADY.value


# --- The refresh --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RefreshResult:
    station_ids: list[int]
    # Stations whose state or rainstorm signal changed (or that got their first status).
    changed_ids: list[int]


def _judge(
    station: Station,
    *,
    at: dt.datetime,
    latest: Latest | None,
    rain: RainSums | None,
    thresholds: dict[int | None, dict[int, tuple[float | None, float | None]]],
    rules: list[tuple[str, int, float]],
) -> StationStatus:
    variable = station_variable(kind=station.kind, threshold_variable=station.threshold_variable)
    max_age = dt.timedelta(minutes=settings.SANFANG_MAX_DATA_AGE_MINUTES)
    status = StationStatus(station_id=station.pk, variable=variable)
    if latest is not None:
        status.value, status.value_time = latest.value, latest.time
    if rain is not None:
        for window in WINDOWS:
            setattr(status, f"rain_{window}h", rain.windows[window])
    # "Older than" the maximum age: a reading exactly that old is still fresh.
    if latest is None or latest.time is None or at - latest.time > max_age:
        status.state, status.trend, status.rain_signal = NO_DATA, Trend.UNKNOWN.value, ""
        status.reason = (
            _("No reading since %(time)s.")
            % {"time": timezone.localtime(latest.time).strftime("%Y-%m-%d %H:%M")}
            if latest is not None and latest.time is not None
            else _("No reading yet.")
        )
        return status

    state, reason = NORMAL, ""
    if station.threshold_variable:
        state = level_state(value=latest.value, warning=station.warning_value, danger=station.danger_value)
        if state in (WARNING, DANGER):
            limit = station.danger_value if state == DANGER else station.warning_value
            reason = _("%(variable)s %(value)g ≥ %(level)s %(limit)g") % {
                "variable": Variable(variable).label,
                "value": latest.value,
                "level": _("danger level") if state == DANGER else _("warning level"),
                "limit": limit,
            }
    if rain is not None:
        own = thresholds.get(station.pk, {})
        windows_thresholds = {**thresholds.get(None, {}), **own} if station.kind == StationKind.RAIN else own
        found, window = rain_state(windows=rain.windows, thresholds=windows_thresholds)
        if _SEVERITY[found] > _SEVERITY[state] and window is not None:
            warning_mm, danger_mm = windows_thresholds[window]
            state = found
            reason = _("rain %(window)d h %(mm)g mm ≥ %(level)s %(limit)g mm") % {
                "window": window,
                "mm": rain.windows[window],
                "level": _("danger") if found == DANGER else _("warning"),
                "limit": danger_mm if found == DANGER else warning_mm,
            }
        status.rain_signal = rain_signal(windows=rain.windows, rules=rules)
    status.state, status.reason = state, reason[:200]

    if variable == Variable.RAIN:
        change = rain.recent - rain.previous if rain is not None else None
        status.trend = trend_of(change=change, tolerance=settings.SANFANG_TREND_RAIN_TOLERANCE_MM)
    else:
        change = latest.value - latest.earlier if latest.earlier is not None else None
        status.trend = trend_of(change=change, tolerance=settings.SANFANG_TREND_LEVEL_TOLERANCE)
    return status


@transaction.atomic
def station_statuses_refresh(
    *, station_ids: list[int] | None = None, at: dt.datetime | None = None
) -> RefreshResult:
    """Recompute the status of the given active stations (all by default) as of ``at`` (now), store
    them, raise or clear their threshold alerts on a change of state, and announce the result with
    ``station_statuses_changed`` after commit."""
    at = at or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
    stations = Station.objects.filter(active=True).select_related("district")
    if station_ids is not None:
        stations = stations.filter(pk__in=list(station_ids))
        _retire(sorted(set(station_ids) - {s.pk for s in stations}))
    stations = list(stations)
    if not stations:
        return RefreshResult([], [])
    ids = [s.pk for s in stations]
    trend = dt.timedelta(minutes=settings.SANFANG_TREND_MINUTES)
    latest = latest_values(
        pairs=[
            (s.pk, station_variable(kind=s.kind, threshold_variable=s.threshold_variable)) for s in stations
        ],
        at=at,
        trend=trend,
    )
    rain = rain_sums(station_ids=ids, at=at, trend=trend)
    thresholds = rain_thresholds(station_ids=ids)
    rules = signal_rules()
    old = statuses_by_station(station_ids=ids)

    statuses, changed = [], []
    for station in stations:
        status = _judge(
            station,
            at=at,
            latest=latest.get(station.pk),
            rain=rain.get(station.pk),
            thresholds=thresholds,
            rules=rules,
        )
        statuses.append(status)
        before = old.get(station.pk)
        if before is None or (before.state, before.rain_signal) != (status.state, status.rain_signal):
            changed.append(station.pk)
        old_state = before.state if before is not None else NO_DATA
        if old_state != status.state:
            _alert_sync(station, state=status.state, reason=status.reason)

    fields = [f.name for f in StationStatus._meta.concrete_fields if f.name != "station"]
    StationStatus.objects.bulk_create(
        statuses, update_conflicts=True, unique_fields=["station"], update_fields=fields
    )
    result = RefreshResult(station_ids=ids, changed_ids=changed)
    transaction.on_commit(
        lambda: station_statuses_changed.send(
            sender=StationStatus, station_ids=result.station_ids, changed_ids=result.changed_ids
        )
    )
    return result


def _retire(station_ids: list[int]) -> None:
    """Stations asked for that are inactive (or gone) lose their status and their open alert."""
    if not station_ids:
        return
    StationStatus.objects.filter(station_id__in=station_ids).delete()
    for station_id in station_ids:
        alert_clear(dedup_key=station_alert_key(station_id))


# --- Alerts -------------------------------------------------------------------------------------


def station_alert_key(station_id: int) -> str:
    return f"sanfang:station:{station_id}"


def _alert_sync(station: Station, *, state: str, reason: str) -> None:
    """One open alert per station while it is over a level: raised on crossing up, replaced when the
    level changes, cleared when it falls back to normal. "No data" leaves an open alert as it is (a
    gauge lost in a storm does not mean the water went down)."""
    key = station_alert_key(station.pk)
    if state == NO_DATA:
        return
    if state == NORMAL:
        alert_clear(dedup_key=key)
        return
    level = settings.SANFANG_ALERT_LEVEL_DANGER if state == DANGER else settings.SANFANG_ALERT_LEVEL_WARNING
    open_alert = Alert.objects.filter(dedup_key=key, cleared_at__isnull=True).only("level").first()
    if open_alert is not None:
        if open_alert.level == level:
            return
        alert_clear(dedup_key=key)
    district = station.district
    alert_raise(
        kind=AlertKind.THRESHOLD,
        level=level,
        title=(
            _("%(station)s: over danger level") if state == DANGER else _("%(station)s: over warning level")
        )
        % {"station": station.name},
        body=reason,
        source=station,
        geom=station.geom,
        targets=[f"district:{district.adcode}"] if district is not None and district.adcode else None,
        dedup_key=key,
    )


# --- Schedule -----------------------------------------------------------------------------------


def monitoring_periodic_tasks_ensure() -> bool:
    """Create the periodic status refresh in django-celery-beat if it is missing (an edited schedule
    is kept); returns whether it was created."""
    if PeriodicTask.objects.filter(name=PERIODIC_TASK_NAME).exists():
        return False
    seconds = settings.SANFANG_STATUS_REFRESH_SECONDS
    if seconds % 60 == 0:
        every, period = seconds // 60, IntervalSchedule.MINUTES
    else:
        every, period = seconds, IntervalSchedule.SECONDS
    interval, _created = IntervalSchedule.objects.get_or_create(every=every, period=period)
    PeriodicTask.objects.create(name=PERIODIC_TASK_NAME, task=PERIODIC_TASK, interval=interval, enabled=True)
    return True
