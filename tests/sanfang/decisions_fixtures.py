"""Helpers for the 三防 models tests: rain gauges with readings, hazard points, warnings, a wind plan."""

from __future__ import annotations

import datetime as dt
import itertools

from django.contrib.gis.geos import MultiPolygon, Point, Polygon

from emergency.models.warnings import CapMsgType, CapScope, CapStatus, ReceivedWarning, WarningState
from sanfang.choices import HazardKind, StationKind, Variable
from sanfang.models import HazardPoint, Reading, Station

T = dt.datetime(2017, 8, 23, 4, 0, tzinfo=dt.UTC)  # Hato's landfall morning (UTC)
_codes = itertools.count(1)


def gauge(lon: float, lat: float, **kw) -> Station:
    return Station.objects.create(
        code=f"R{next(_codes):04d}",
        name=kw.pop("name", "雨量站"),
        kind=StationKind.RAIN,
        geom=Point(lon, lat, srid=4326),
        **kw,
    )


def rain(station: Station, *amounts: tuple[dt.datetime, float]) -> None:
    Reading.objects.bulk_create(
        [Reading(station=station, variable=Variable.RAIN, time=time, value=mm) for time, mm in amounts]
    )


def hazard(lon: float, lat: float, susceptibility: float = 0.8, **kw) -> HazardPoint:
    kw.setdefault("kind", HazardKind.LANDSLIDE)
    return HazardPoint.objects.create(
        name=kw.pop("name", "滑坡隐患点"),
        geom=Point(lon, lat, srid=4326),
        susceptibility=susceptibility,
        **kw,
    )


def warning(
    event: str, colour: str, *, status: str = CapStatus.ACTUAL, at: dt.datetime | None = None, area=None
):
    sent = at or dt.datetime.now(dt.UTC)
    return ReceivedWarning.objects.create(
        sender="weather@zhuhai",
        identifier=f"W{next(_codes)}",
        sent=sent,
        status=status,
        msg_type=CapMsgType.ALERT,
        scope=CapScope.PUBLIC,
        event=event,
        headline=f"珠海市气象台发布{event}{colour}",
        colour=colour,
        ends_at=sent + dt.timedelta(hours=24),
        state=WarningState.ACTIVE,
        area=area,
        xml="<alert/>",
    )


def square(bbox) -> MultiPolygon:
    return MultiPolygon(Polygon.from_bbox(bbox), srid=4326)
