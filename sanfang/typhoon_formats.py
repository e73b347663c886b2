"""Typhoon track formats read into plain records: the CMA best track text (``CHyyyyBST.txt``) and the
Wenzhou typhoon network's per-storm JSON (with wind radii).

The ingest adapters (``ingest.adapters.typhoon_cma`` / ``typhoon_wztf``) and the Hato replay both
read files through here; storing is ``sanfang.services.typhoons``. A bad line or point becomes a
``TrackProblem`` (where, the raw text, why) and the rest is read.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from sanfang.choices import TcClass

BEIJING = ZoneInfo("Asia/Shanghai")
# CMA best track intensity codes (GB/T 19201-2006); 0 is weaker than TD or unknown, 9 extratropical.
CMA_CLASS_CODES = {
    "1": TcClass.TD,
    "2": TcClass.TS,
    "3": TcClass.STS,
    "4": TcClass.TY,
    "5": TcClass.STY,
    "6": TcClass.SUPER_TY,
    "9": TcClass.EXTRATROPICAL,
}
_CLASS_IN_BRACKETS = re.compile(r"\(([A-Za-z ]+)\)")
_WZTF_CLASSES = {c.value.casefold().replace(" ", ""): c.value for c in TcClass if c.value}


class TrackFormatError(ValueError):
    """The payload is not the format at all (not a CMA best track, not a WZTF storm JSON)."""


@dataclass(frozen=True)
class FixRecord:
    time: datetime  # aware, UTC
    lng: float
    lat: float
    pressure_hpa: float | None = None
    wind_ms: float | None = None
    # The class the source gives (used when it gives no wind, and for extratropical).
    source_class: str = ""
    move_dir: str = ""
    move_speed_kmh: float | None = None
    radii: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ForecastRecord:
    agency: str
    issued_at: datetime
    valid_time: datetime
    lng: float
    lat: float
    pressure_hpa: float | None = None
    wind_ms: float | None = None
    source_class: str = ""


@dataclass(frozen=True)
class Landfall:
    time: datetime
    lng: float
    lat: float
    place: str = ""


@dataclass(frozen=True)
class TrackProblem:
    locator: str
    raw: str
    reason: str


@dataclass
class StormTrack:
    code: str
    year: int
    name: str = ""
    name_en: str = ""
    active: bool | None = None
    fixes: list[FixRecord] = field(default_factory=list)
    forecasts: list[ForecastRecord] = field(default_factory=list)
    landfall: Landfall | None = None
    problems: list[TrackProblem] = field(default_factory=list)
    # How many fix and forecast records the payload held (read or not).
    seen: int = 0


def _lng_lat(lng, lat) -> tuple[float, float]:
    if isinstance(lng, bool) or isinstance(lat, bool):
        raise ValueError(_("the position is not a longitude, latitude"))
    lng, lat = float(lng), float(lat)
    if not (-180 <= lng <= 180 and -90 <= lat <= 90):
        raise ValueError(_("the position %(lng)s, %(lat)s is outside the globe") % {"lng": lng, "lat": lat})
    return lng, lat


# --- CMA best track -------------------------------------------------------------------------------


def _cma_code(year: int, intl: str, serial: str) -> str:
    # Numbered storms are year + number (201713); unnumbered ones year + S + CMA serial (2017S01).
    if intl.strip("0"):
        return f"{year}{intl[-2:]}"
    return f"{year}S{serial[-2:]}"


def read_cma_bst(text: str) -> list[StormTrack]:
    """Read a CMA best-track file: header lines ``66666 YYNN CCC DDDD EEEE F G NAME DATE`` each
    followed by CCC track lines ``YYYYMMDDHH I LAT LONG PRES WND [OWD]`` (UTC, 0.1°, hPa, m/s)."""
    tracks: list[StormTrack] = []
    current: StormTrack | None = None
    header = ""
    ids: dict[int, tuple[str, str]] = {}
    if not any(line.startswith("66666") for line in text.splitlines()[:5]):
        raise TrackFormatError(_("not a CMA best-track file: no 66666 header line at the top"))
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split()
        if parts[0] == "66666":
            if len(parts) < 8:
                raise TrackFormatError(_("line %(n)s: a header line needs 8 fields or more") % {"n": n})
            intl, count, serial = parts[1], parts[2], parts[3]
            name = parts[7]
            del count  # the number of lines that follow: the next header says where they end
            current = StormTrack(code="", year=0, name_en="" if name.startswith("(") else name.title())
            ids[id(current)] = (intl, serial)
            header = line
            tracks.append(current)
            continue
        locator = _("line %(n)s") % {"n": n}
        if current is None:
            raise TrackFormatError(_("line %(n)s: a track line before any header line") % {"n": n})
        current.seen += 1
        try:
            if len(parts) < 6:
                raise ValueError(_("a track line needs time, class, lat, long, pressure and wind"))
            try:
                time = datetime.strptime(parts[0], "%Y%m%d%H").replace(tzinfo=UTC)
            except ValueError:
                raise ValueError(_("“%(value)s” is not a time YYYYMMDDHH") % {"value": parts[0]}) from None
            if not current.year:
                current.year = time.year
                current.code = _cma_code(time.year, *ids[id(current)])
            lat, lng = int(parts[2]) / 10, int(parts[3]) / 10
            lng, lat = _lng_lat(lng, lat)
            pressure = float(parts[4]) or None
            wind_code = int(parts[5])
            # 9 means "below 10 m/s" and 0 "missing": neither is a wind speed.
            wind = float(wind_code) if wind_code not in (0, 9) else None
            current.fixes.append(
                FixRecord(
                    time=time,
                    lng=lng,
                    lat=lat,
                    pressure_hpa=pressure,
                    wind_ms=wind,
                    source_class=CMA_CLASS_CODES.get(parts[1], ""),
                )
            )
        except ValueError as exc:
            # With its header line, so that re-processing knows the storm.
            current.problems.append(TrackProblem(locator=locator, raw=f"{header}\n{line}", reason=str(exc)))
    # A storm without a single readable line has no year, so no code: its problems are kept.
    return tracks


# --- Wenzhou typhoon network JSON -------------------------------------------------------------------


def _wztf_class(text) -> str:
    match = _CLASS_IN_BRACKETS.search(str(text or ""))
    return _WZTF_CLASSES.get(match.group(1).casefold().replace(" ", ""), "") if match else ""


def _wztf_time(value, zone: tzinfo) -> datetime:
    if not isinstance(value, str):
        raise ValueError(_("“%(value)s” is not a time") % {"value": value})
    try:
        time = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(_("“%(value)s” is not an ISO time") % {"value": value}) from None
    if time.tzinfo is None:
        time = time.replace(tzinfo=zone)
    return time.astimezone(UTC)


def _number(value) -> float | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    return float(value)


def _wztf_radii(point: dict) -> dict:
    radii: dict = {}
    for force in ("7", "10", "12"):
        quad = point.get(f"radius{force}_quad")
        values: dict = {}
        if isinstance(quad, dict):
            for q in ("ne", "se", "sw", "nw"):
                v = _number(quad.get(q))
                if v is not None and v > 0:
                    values[q] = v
        if not values:  # no quadrants: the single radius, if any, all round
            r = _number(point.get(f"radius{force}"))
            if r:
                values = dict.fromkeys(("ne", "se", "sw", "nw"), r)
        if values:
            radii[force] = {q: values.get(q, 0.0) for q in ("ne", "se", "sw", "nw")}
    return radii


def read_wztf(payload: bytes | str, *, zone: tzinfo = BEIJING) -> list[StormTrack]:
    """Read a Wenzhou typhoon network storm JSON: a list (or one object) of storms with ``tfbh``,
    ``name``, ``ename``, ``land[]`` and ``points[]``; times without an offset are in ``zone``."""
    try:
        text = payload.decode("utf-8-sig") if isinstance(payload, bytes) else payload.lstrip("\ufeff")
        data = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise TrackFormatError(_("not JSON: %(error)s") % {"error": exc}) from exc
    storms = data if isinstance(data, list) else [data]
    if not storms or not all(isinstance(s, dict) and "tfbh" in s and "points" in s for s in storms):
        raise TrackFormatError(_("not a typhoon JSON: each storm needs “tfbh” and “points”"))
    tracks = []
    for storm in storms:
        code = str(storm["tfbh"]).strip()
        if not re.fullmatch(r"\d{6}", code):
            raise TrackFormatError(_("“tfbh” %(code)s is not a storm number YYYYNN") % {"code": code})
        track = StormTrack(
            code=code,
            year=int(code[:4]),
            name=str(storm.get("name") or "")[:40],
            name_en=str(storm.get("ename") or "")[:40],
            active=bool(storm.get("is_current")) if "is_current" in storm else None,
        )
        for land in storm.get("land") or []:
            try:
                lng, lat = _lng_lat(land.get("lng"), land.get("lat"))
                track.landfall = Landfall(
                    _wztf_time(land.get("land_time"), zone), lng, lat, str(land.get("position") or "")[:100]
                )
                break
            except (ValueError, TypeError, AttributeError):
                continue
        for n, point in enumerate(storm.get("points") or [], 1):
            track.seen += 1
            # With the storm's number and names, so that re-processing knows the storm.
            raw = json.dumps(
                {"tfbh": code, "name": track.name, "ename": track.name_en, "points": [point]},
                ensure_ascii=False,
            )
            locator = _("point %(n)s (%(time)s)") % {
                "n": n,
                "time": point.get("time") if isinstance(point, dict) else "?",
            }
            try:
                if not isinstance(point, dict):
                    raise ValueError(_("a point must be an object"))
                time = _wztf_time(point.get("time"), zone)
                lng, lat = _lng_lat(point.get("lng"), point.get("lat"))
                track.fixes.append(
                    FixRecord(
                        time=time,
                        lng=lng,
                        lat=lat,
                        pressure_hpa=_number(point.get("pressure")),
                        wind_ms=_number(point.get("speed")),
                        source_class=_wztf_class(point.get("strong")),
                        move_dir=str(point.get("move_dir") or "")[:10],
                        move_speed_kmh=_number(point.get("move_speed")),
                        radii=_wztf_radii(point),
                    )
                )
            except (ValueError, TypeError) as exc:
                track.problems.append(TrackProblem(locator=locator, raw=raw, reason=str(exc)))
                continue
            for issued in point.get("forecast") or []:
                if not isinstance(issued, dict):
                    continue
                agency = str(issued.get("tm") or "?")[:40]
                for m, fp in enumerate(issued.get("forecastpoints") or [], 1):
                    track.seen += 1
                    where = _("forecast %(agency)s %(m)s of point %(n)s") % {"agency": agency, "m": m, "n": n}
                    try:
                        flng, flat = _lng_lat(fp.get("lng"), fp.get("lat"))
                        track.forecasts.append(
                            ForecastRecord(
                                agency=agency,
                                issued_at=time,
                                valid_time=_wztf_time(fp.get("time"), zone),
                                lng=flng,
                                lat=flat,
                                pressure_hpa=_number(fp.get("pressure")),
                                wind_ms=_number(fp.get("speed")),
                                source_class=_wztf_class(fp.get("strong")),
                            )
                        )
                    except (ValueError, TypeError, AttributeError) as exc:
                        track.problems.append(TrackProblem(locator=where, raw=raw, reason=str(exc)))
        tracks.append(track)
    return tracks
