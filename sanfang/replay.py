"""Replaying a real storm faster than real time (动态推演), for the demo and for drills.

The replay stores the storm as a *copy* (code ``R`` + its number, e.g. ``R201713``, flagged synthetic)
so the real track is never touched. Each step advances the storm's own clock by ``step_hours`` and
maps that moment to *now*:

- the storm's position at that moment becomes a fix at the real current time, with the last real
  fix's wind radii (source ``synthetic``), and the true track ahead becomes the forecast issued now
  (agency ``replay``, valid now + 6, 12 … h, flagged synthetic). So "hours to landfall" and "hours to
  nearest approach" are the storm's real hours, while past fixes are compressed in time;
- the Guangdong typhoon signal for the city is worked out from the wind force the track brings to the
  city within each signal's horizon (``TYPHOON_SIGNAL_HOURS`` / ``_FORCES``, DOMAIN.md §2.2) and each
  change is issued as a CAP 1.2 warning with status **Exercise** through
  ``emergency.services.warnings.warning_receive`` (Update referencing the previous one; Cancel at the end);
- readings are synthesised for the active rain, tide and wind stations (quality *estimated*) from the
  storm's distance and wind circles. They are made up by this module, not measured (see the docs).

Everything goes through the services, so signals, facts, alerts and impact lists update live.
"""

from __future__ import annotations

import math
import time as time_module
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone

from emergency.models.warnings import CapMsgType, CapSeverity, CapStatus, ReceivedWarning
from emergency.services.warnings import (
    CapArea,
    CapInfo,
    CapMessage,
    CapReference,
    warning_receive,
)
from sanfang.choices import ReadingQuality, StationKind, TrackSource, Variable
from sanfang.models import Station, Storm
from sanfang.services.readings import ReadingBatch, readings_upsert
from sanfang.services.typhoons import storm_replay_reset, storm_set_active, storm_track_store, storm_upsert
from sanfang.typhoon_formats import FixRecord, ForecastRecord, Landfall, StormTrack
from sanfang.typhoon_geometry import (
    TrackPoint,
    city_point,
    distance_km,
    interpolate,
    nearest_approach,
    wind_force_at,
)

REPLAY_AGENCY = "replay"
REPLAY_PREFIX = "R"
SYNTHETIC_SOURCE = "synthetic-replay"
SIGNAL_COLOURS = ("white", "blue", "yellow", "orange", "red")
_SIGNAL_WORDS = {"white": "白色", "blue": "蓝色", "yellow": "黄色", "orange": "橙色", "red": "红色"}
# The warnings model has no white: a white signal is stored with severity Unknown (no colour), and
# its own colour in the ``typhoon_signal`` parameter.
_SIGNAL_SEVERITY = {
    "white": CapSeverity.UNKNOWN,
    "blue": CapSeverity.MINOR,
    "yellow": CapSeverity.MODERATE,
    "orange": CapSeverity.SEVERE,
    "red": CapSeverity.EXTREME,
}
# Mid-range mean wind (m/s) of Beaufort forces 6–12, for synthetic wind readings.
_FORCE_MS = {6: 12.3, 7: 15.5, 8: 19.0, 9: 22.6, 10: 26.5, 11: 30.6, 12: 34.8}


def replay_code(code: str) -> str:
    return f"{REPLAY_PREFIX}{code}"


def track_points_of(track: StormTrack) -> list[TrackPoint]:
    return [
        TrackPoint(f.time, f.lng, f.lat, f.wind_ms, f.radii or None)
        for f in sorted(track.fixes, key=lambda f: f.time)
    ]


def signal_for(points: list[TrackPoint], at: datetime, target: tuple[float, float]) -> str | None:
    """The Guangdong typhoon signal for ``target`` at ``at``: the highest colour whose force is
    expected within its horizon (the track ahead, hourly). None below white."""
    hours = settings.TYPHOON_SIGNAL_HOURS
    forces = settings.TYPHOON_SIGNAL_FORCES
    horizon = max(hours)
    expected: list[tuple[float, float]] = []  # (hours ahead, force)
    h = 0.0
    while h <= horizon:
        p = interpolate(points, at + timedelta(hours=h))
        if p is not None:
            expected.append((h, wind_force_at((p.lng, p.lat), p.radii, target)))
        h += 1.0
    result = None
    for colour, within, force in zip(SIGNAL_COLOURS, hours, forces, strict=True):
        if any(ahead <= within and f >= force for ahead, f in expected):
            result = colour
    return result


def _cap_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _cap_xml(message: CapMessage) -> str:
    """The CAP 1.2 document of a message built here (it validates against the OASIS schema)."""
    info = message.infos[0]
    area = info.areas[0]
    refs = " ".join(f"{r.sender},{r.identifier},{_cap_time(r.sent)}" for r in message.references)
    params = "".join(
        f"<parameter><valueName>{escape(n)}</valueName><value>{escape(v)}</value></parameter>"
        for n, v in info.parameters
    )
    circles = "".join(f"<circle>{escape(c)}</circle>" for c in area.circle_texts)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">'
        f"<identifier>{escape(message.identifier)}</identifier><sender>{escape(message.sender)}</sender>"
        f"<sent>{_cap_time(message.sent)}</sent><status>{message.status}</status>"
        f"<msgType>{message.msg_type}</msgType><scope>{message.scope}</scope>"
        f"<note>{escape(message.note)}</note>"
        + (f"<references>{escape(refs)}</references>" if refs else "")
        + f"<info><language>{info.language}</language><category>Met</category><event>{escape(info.event)}</event>"
        f"<urgency>{info.urgency}</urgency><severity>{info.severity}</severity><certainty>{info.certainty}</certainty>"
        f"<senderName>{escape(info.sender_name)}</senderName><headline>{escape(info.headline)}</headline>"
        f"<description>{escape(info.description)}</description>{params}"
        f"<area><areaDesc>{escape(area.description)}</areaDesc>{circles}</area></info></alert>"
    )


def signal_message(
    *,
    storm_code: str,
    step: int,
    colour: str | None,
    sent: datetime,
    previous: ReceivedWarning | None,
    description: str,
) -> CapMessage:
    """A CAP Exercise message: the signal ``colour`` (an Update of ``previous`` if any), or a Cancel
    of ``previous`` when ``colour`` is None."""
    sent = sent.replace(microsecond=0)
    lng, lat = city_point()
    radius = settings.TYPHOON_REPLAY_AREA_KM
    word = _SIGNAL_WORDS.get(colour or "", "")
    references = (CapReference(previous.sender, previous.identifier, previous.sent),) if previous else ()
    msg_type = CapMsgType.CANCEL if colour is None else (CapMsgType.UPDATE if previous else CapMsgType.ALERT)
    headline = f"珠海市台风{word}预警信号（推演演练）" if colour else "珠海市台风预警信号解除（推演演练）"
    info = CapInfo(
        event="台风",
        urgency="Immediate" if colour in ("orange", "red") else "Expected",
        severity=_SIGNAL_SEVERITY.get(colour or "", CapSeverity.UNKNOWN),
        certainty="Likely",
        categories=("Met",),
        language="zh-CN",
        sender_name="珠海市三防指挥部 · 台风推演（演练，非真实预警）",
        headline=headline,
        description=description,
        parameters=(("预警颜色", f"{word}" if colour else "解除"), ("typhoon_signal", colour or "none")),
        areas=(
            CapArea(
                description="珠海市",
                circles=((lat, lng, radius),),
                circle_texts=(f"{lat:.4f},{lng:.4f} {radius:g}",),
            ),
        ),
    )
    message = CapMessage(
        identifier=f"{storm_code}-{step:03d}-{colour or 'cancel'}",
        sender=settings.TYPHOON_REPLAY_SENDER,
        sent=sent,
        status=CapStatus.EXERCISE,
        msg_type=msg_type,
        scope="Public",
        xml="",
        note="Synthetic replay of a past storm (exercise); not a real warning.",
        references=references,
        infos=(info,),
    )
    return CapMessage(**{**message.__dict__, "xml": _cap_xml(message)})


def _latest_signal(storm_code: str) -> ReceivedWarning | None:
    return (
        ReceivedWarning.objects.filter(
            sender=settings.TYPHOON_REPLAY_SENDER,
            identifier__startswith=f"{storm_code}-",
            superseded_by__isnull=True,
        )
        .exclude(msg_type=CapMsgType.CANCEL)
        .order_by("-sent", "-id")
        .first()
    )


def synthetic_readings(
    *, stations: list[Station], centre: TrackPoint, storm_time: datetime, at: datetime, step_hours: float
) -> ReadingBatch | None:
    """Made-up readings near the storm, for the stations of the replay: rain in the step (a
    Gaussian of the distance), tide level (a 12.42 h tide plus a surge with the wind force) and wind."""
    ids, variables, values = [], [], []
    peak = settings.TYPHOON_REPLAY_RAIN_PEAK_MM_H
    scale = settings.TYPHOON_REPLAY_RAIN_SCALE_KM
    for station in stations:
        here = (station.geom.x, station.geom.y)
        d = distance_km(centre.lng, centre.lat, *here)
        force = wind_force_at((centre.lng, centre.lat), centre.radii, here)
        if station.kind == StationKind.RAIN:
            ids.append(station.pk)
            variables.append(Variable.RAIN)
            values.append(round(peak * step_hours * math.exp(-((d / scale) ** 2)), 1))
        elif station.kind == StationKind.TIDE:
            hours = storm_time.timestamp() / 3600
            tide = settings.TYPHOON_REPLAY_TIDE_MEAN_M + settings.TYPHOON_REPLAY_TIDE_AMPLITUDE_M * math.cos(
                2 * math.pi * hours / 12.42
            )
            surge = settings.TYPHOON_REPLAY_SURGE_PEAK_M * max(0.0, force - 6.0) / 6.0
            ids.append(station.pk)
            variables.append(Variable.TIDE_LEVEL)
            values.append(round(tide + surge, 2))
        elif station.kind == StationKind.WIND:
            speed = _FORCE_MS.get(min(12, math.floor(force)), 5.0) if force >= 6 else round(5.0 + d / 200, 1)
            if force >= 12:
                speed = max(speed, (centre.wind_ms or speed) * 0.8)
            ids += [station.pk, station.pk]
            variables += [Variable.WIND_SPEED, Variable.WIND_GUST]
            values += [round(speed, 1), round(speed * 1.4, 1)]
    if not ids:
        return None
    stamp = at.astimezone(UTC).replace(tzinfo=None, microsecond=0)
    return ReadingBatch.of(
        station_id=ids,
        variable=variables,
        time=[stamp] * len(ids),
        value=values,
        quality=[ReadingQuality.ESTIMATED] * len(ids),
    )


@dataclass
class ReplayStep:
    index: int
    storm_time: datetime
    at: datetime
    lng: float
    lat: float
    tc_class: str
    distance_km: float
    force_here: float
    signal: str | None
    signal_changed: bool
    readings: int = 0


@dataclass
class Replay:
    """A replay of ``track`` starting ``hours_before_landfall`` before its landfall (or its nearest
    approach to the city when it has no landfall)."""

    track: StormTrack
    speed: float = 600.0
    hours_before_landfall: float = 48.0
    step_hours: float = 1.0
    steps: int | None = None
    dry_run: bool = False
    clock: Callable[[], datetime] = timezone.now
    sleep: Callable[[float], None] = time_module.sleep
    report: Callable[[ReplayStep], None] | None = None
    points: list[TrackPoint] = field(init=False)

    def __post_init__(self) -> None:
        self.points = track_points_of(self.track)
        if len(self.points) < 2:
            raise ValueError("a replay needs a track of two fixes or more")
        target = city_point()
        if self.track.landfall is not None:
            self.landfall = self.track.landfall.time
        else:
            self.landfall = nearest_approach(self.points, target).time
        self.start = max(self.points[0].time, self.landfall - timedelta(hours=self.hours_before_landfall))
        self.end = self.points[-1].time
        self.code = replay_code(self.track.code)

    def storm_times(self) -> list[datetime]:
        times = []
        t = self.start
        while t <= self.end and (self.steps is None or len(times) < self.steps):
            times.append(t)
            t += timedelta(hours=self.step_hours)
        return times

    def _fix_at(self, t: datetime, now: datetime) -> FixRecord:
        p = interpolate(self.points, t)
        before = max((f for f in self.track.fixes if f.time <= t), key=lambda f: f.time)
        return FixRecord(
            time=now,
            lng=round(p.lng, 4),
            lat=round(p.lat, 4),
            pressure_hpa=before.pressure_hpa,
            wind_ms=round(p.wind_ms, 1) if p.wind_ms is not None else None,
            source_class=before.source_class,
            move_dir=before.move_dir,
            move_speed_kmh=before.move_speed_kmh,
            radii=before.radii,
        )

    def _forecasts(self, t: datetime, now: datetime) -> list[ForecastRecord]:
        result = []
        for h in settings.TYPHOON_REPLAY_FORECAST_HOURS:
            p = interpolate(self.points, t + timedelta(hours=h))
            if p is None:
                break
            result.append(
                ForecastRecord(
                    agency=REPLAY_AGENCY,
                    issued_at=now,
                    valid_time=now + timedelta(hours=h),
                    lng=round(p.lng, 4),
                    lat=round(p.lat, 4),
                    wind_ms=round(p.wind_ms, 1) if p.wind_ms is not None else None,
                )
            )
        return result

    def begin(self) -> Storm | None:
        if self.dry_run:
            return None
        storm = storm_upsert(
            code=self.code,
            year=self.track.year,
            name=f"{self.track.name}（推演）" if self.track.name else "",
            name_en=f"{self.track.name_en} (replay)" if self.track.name_en else "",
            active=True,
            synthetic=True,
        )
        storm_replay_reset(storm=storm)
        return storm

    def run(self) -> list[ReplayStep]:
        storm = self.begin()
        stations = list(
            Station.objects.filter(
                active=True, kind__in=[StationKind.RAIN, StationKind.TIDE, StationKind.WIND]
            ).exclude(code__startswith="HKO")
        )
        target = city_point()
        previous_signal: str | None = None
        result: list[ReplayStep] = []
        times = self.storm_times()
        last_now: datetime | None = None
        for k, t in enumerate(times):
            now = self.clock().replace(microsecond=0)
            # Fixes are keyed on their time: two steps within one second would be one fix.
            if last_now is not None and now <= last_now:
                now = last_now + timedelta(seconds=1)
            last_now = now
            fix = self._fix_at(t, now)
            here = TrackPoint(t, fix.lng, fix.lat, fix.wind_ms, fix.radii or None)
            signal = signal_for(self.points, t, target)
            step = ReplayStep(
                index=k,
                storm_time=t,
                at=now,
                lng=fix.lng,
                lat=fix.lat,
                tc_class="",
                distance_km=round(distance_km(fix.lng, fix.lat, *target), 1),
                force_here=round(wind_force_at((fix.lng, fix.lat), fix.radii, target), 1),
                signal=signal,
                signal_changed=signal != previous_signal,
            )
            if storm is not None:
                landfall = None
                if self.track.landfall is not None:
                    lf = self.track.landfall
                    landfall = Landfall(now + (lf.time - t), lf.lng, lf.lat, lf.place)
                stored = storm_track_store(
                    track=StormTrack(
                        code=self.code,
                        year=self.track.year,
                        fixes=[fix],
                        forecasts=self._forecasts(t, now),
                        landfall=landfall if t <= self.landfall else None,
                    ),
                    source=TrackSource.SYNTHETIC,
                    synthetic=True,
                )
                step.tc_class = (
                    stored.storm.fixes.filter(time=now).values_list("tc_class", flat=True).first() or ""
                )
                if step.signal_changed:
                    self._issue_signal(k, signal, now, step)
                batch = synthetic_readings(
                    stations=stations, centre=here, storm_time=t, at=now, step_hours=self.step_hours
                )
                if batch is not None:
                    readings_upsert(batch=batch)
                    step.readings = len(batch)
            previous_signal = signal
            result.append(step)
            if self.report:
                self.report(step)
            if k < len(times) - 1 and self.speed > 0:
                self.sleep(self.step_hours * 3600 / self.speed)
        return result

    def _issue_signal(self, k: int, colour: str | None, now: datetime, step: ReplayStep) -> None:
        previous = _latest_signal(self.code)
        if colour is None and previous is None:
            return
        description = (
            f"演练：{self.track.name or self.track.name_en}（{self.track.code}）推演，"
            f"中心距珠海约 {step.distance_km:.0f} 公里，预计珠海风力 {step.force_here:.0f} 级。"
            "本信息由平台根据历史路径合成，仅供演练。"
        )
        warning_receive(
            message=signal_message(
                storm_code=self.code,
                step=k,
                colour=colour,
                sent=now,
                previous=previous,
                description=description,
            ),
            feed=SYNTHETIC_SOURCE,
            now=now,
        )


def replay_stop(code: str, *, now: datetime | None = None) -> Storm:
    """End a replay: its copy storm is no longer active and its signal is cancelled."""
    storm = Storm.objects.get(code=code)
    if not storm.synthetic:
        raise ValueError(f"storm {code} is not a replay copy")
    storm_set_active(storm=storm, active=False)
    previous = _latest_signal(code)
    if previous is not None:
        now = now or timezone.now()
        warning_receive(
            message=signal_message(
                storm_code=code, step=999, colour=None, sent=now, previous=previous, description="演练结束。"
            ),
            feed=SYNTHETIC_SOURCE,
            now=now,
        )
    return storm
