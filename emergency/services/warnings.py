"""Receiving CAP 1.2 warnings: store them once, let updates and cancellations supersede what they
reference, and keep the alerts of the warnings in force open (and only those).

The ingest CAP adapter parses and validates documents into ``CapMessage`` records and calls
``warning_receive``; nothing here reads XML. See ``emergency.models.warnings`` for the states.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Polygon
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from emergency.choices import AlertKind, AlertLevel
from emergency.models.warnings import (
    NO_COLOUR,
    SEVERITY_COLOURS,
    WARNING_COLOURS,
    CapMsgType,
    CapStatus,
    ReceivedWarning,
    WarningArea,
    WarningInfo,
    WarningState,
)
from emergency.selectors.alerts import EVERYONE, target_district
from emergency.selectors.warnings import WARNINGS_LAYER
from emergency.services.alerts import alert_clear, alert_raise
from gis.catalogue import layer_changed_on_commit
from gis.choices import AreaLevel
from gis.models import AdminArea

# A CAP circle of radius 0 is a point; it is drawn as a small disc so it shows on the map.
POINT_RADIUS_KM = 0.05
# Parameter names (compared case-insensitively) whose value names a warning colour, as Chinese feeds
# send it beside the CAP severity.
COLOUR_PARAMETERS = frozenset(
    {"colour", "color", "severitycolor", "severitycolour", "预警颜色", "颜色", "级别颜色"}
)
_COLOUR_WORDS = {
    "red": AlertLevel.RED,
    "红": AlertLevel.RED,
    "红色": AlertLevel.RED,
    "orange": AlertLevel.ORANGE,
    "橙": AlertLevel.ORANGE,
    "橙色": AlertLevel.ORANGE,
    "yellow": AlertLevel.YELLOW,
    "黄": AlertLevel.YELLOW,
    "黄色": AlertLevel.YELLOW,
    "blue": AlertLevel.BLUE,
    "蓝": AlertLevel.BLUE,
    "蓝色": AlertLevel.BLUE,
}
IN_FORCE_STATUSES = frozenset({CapStatus.ACTUAL, CapStatus.EXERCISE})
WARNING_MSG_TYPES = frozenset({CapMsgType.ALERT, CapMsgType.UPDATE})


def default_lifetime() -> timedelta:
    """How long a warning that gives no ``expires`` stays in force after it was sent."""
    return timedelta(hours=getattr(settings, "WARNINGS_DEFAULT_LIFETIME_HOURS", 24))


@dataclass(frozen=True)
class CapReference:
    sender: str
    identifier: str
    sent: datetime

    def as_json(self) -> dict:
        return {"sender": self.sender, "identifier": self.identifier, "sent": _iso_utc(self.sent)}


@dataclass(frozen=True)
class CapArea:
    description: str
    # Each polygon is its (lat, lon) pairs as CAP writes them, closed (first pair == last pair).
    polygons: tuple[tuple[tuple[float, float], ...], ...] = ()
    # (lat, lon, radius in km)
    circles: tuple[tuple[float, float, float], ...] = ()
    geocodes: tuple[tuple[str, str], ...] = ()
    altitude: float | None = None
    ceiling: float | None = None
    # The polygon and circle texts as received, kept for display and re-export.
    polygon_texts: tuple[str, ...] = ()
    circle_texts: tuple[str, ...] = ()


@dataclass(frozen=True)
class CapInfo:
    event: str
    urgency: str
    severity: str
    certainty: str
    categories: tuple[str, ...]
    language: str = "en-US"
    response_types: tuple[str, ...] = ()
    audience: str = ""
    event_codes: tuple[tuple[str, str], ...] = ()
    effective: datetime | None = None
    onset: datetime | None = None
    expires: datetime | None = None
    sender_name: str = ""
    headline: str = ""
    description: str = ""
    instruction: str = ""
    web: str = ""
    contact: str = ""
    parameters: tuple[tuple[str, str], ...] = ()
    resources: tuple[dict, ...] = ()
    areas: tuple[CapArea, ...] = ()


@dataclass(frozen=True)
class CapMessage:
    """One CAP ``<alert>``, validated against the CAP 1.2 schema by whoever built it."""

    identifier: str
    sender: str
    sent: datetime
    status: str
    msg_type: str
    scope: str
    xml: str
    source: str = ""
    restriction: str = ""
    addresses: str = ""
    codes: tuple[str, ...] = ()
    note: str = ""
    references: tuple[CapReference, ...] = ()
    incidents: str = ""
    infos: tuple[CapInfo, ...] = field(default_factory=tuple)

    @property
    def key(self) -> CapReference:
        return CapReference(self.sender, self.identifier, self.sent)


class WarningReceipt(NamedTuple):
    warning: ReceivedWarning
    created: bool


def _iso_utc(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


def info_colour(info: CapInfo) -> str:
    """The warning colour of an info: a colour parameter if the sender gives one, else from severity."""
    for name, value in info.parameters:
        if name.strip().casefold() in COLOUR_PARAMETERS:
            colour = _COLOUR_WORDS.get(value.strip().casefold().removesuffix("预警"))
            if colour:
                return colour
    return SEVERITY_COLOURS.get(info.severity, NO_COLOUR)


def _colour_rank(colour: str) -> int:
    return WARNING_COLOURS.index(colour) + 1 if colour in WARNING_COLOURS else 0


def _highest_colour(colours: list[str]) -> str:
    return max(colours, key=_colour_rank, default=NO_COLOUR)


def _polygons_of(geom: GEOSGeometry) -> list[Polygon]:
    if geom.empty:
        return []
    if geom.geom_type == "Polygon":
        return [geom]
    if geom.geom_type in ("MultiPolygon", "GeometryCollection"):
        return [p for part in geom for p in _polygons_of(part)]
    return []


def _multipolygon(parts: list[GEOSGeometry]) -> MultiPolygon | None:
    polygons: list[Polygon] = []
    for part in parts:
        if not part.valid:
            part = part.make_valid()
        polygons.extend(_polygons_of(part))
    if not polygons:
        return None
    union = MultiPolygon(polygons, srid=4326).unary_union
    result = MultiPolygon(_polygons_of(union), srid=4326)
    return result if len(result) else None


def _circle(lat: float, lon: float, radius_km: float) -> GEOSGeometry:
    """A circle on the ground as a WGS 84 polygon (buffered on the spheroid by PostGIS)."""
    radius_m = max(radius_km, POINT_RADIUS_KM) * 1000.0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_AsBinary(ST_Buffer(ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography, %s, "
            "'quad_segs=16')::geometry)",
            [lon, lat, radius_m],
        )
        (wkb,) = cursor.fetchone()
    return GEOSGeometry(memoryview(bytes(wkb)), srid=4326)


def area_geometry(area: CapArea) -> MultiPolygon | None:
    parts: list[GEOSGeometry] = [
        Polygon([(lon, lat) for lat, lon in ring], srid=4326) for ring in area.polygons
    ]
    parts.extend(_circle(lat, lon, radius) for lat, lon, radius in area.circles)
    return _multipolygon(parts)


def _initial_state(message: CapMessage, ends_at: datetime, now: datetime) -> str:
    if message.status not in IN_FORCE_STATUSES or message.msg_type not in WARNING_MSG_TYPES:
        return WarningState.INACTIVE
    if not message.infos:
        return WarningState.INACTIVE
    # An update whose every info says AllClear ends the hazard (the CAP practice for a downgrade).
    if all("AllClear" in info.response_types for info in message.infos):
        return WarningState.INACTIVE
    if ends_at <= now:
        return WarningState.EXPIRED
    return WarningState.ACTIVE


def _alert_dedup_key(warning: ReceivedWarning) -> str:
    return f"cap-warning:{warning.pk}"


def _alert_targets(area: MultiPolygon | None, *, outside_city: bool) -> list[str] | None:
    """The districts a warning covers; ``["all"]`` without an area or districts; None to raise nothing."""
    if area is None:
        return [EVERYONE]
    districts = AdminArea.objects.filter(level=AreaLevel.DISTRICT)
    if not districts.exists():
        return [EVERYONE]
    covered = list(
        districts.filter(geom__intersects=area).order_by("adcode").values_list("adcode", flat=True)
    )
    if covered:
        return [target_district(adcode) for adcode in covered]
    return [EVERYONE] if outside_city else None


def _raise_alert(warning: ReceivedWarning, *, outside_city: bool) -> None:
    targets = _alert_targets(warning.area, outside_city=outside_city)
    if targets is None:
        return
    body = "\n\n".join(
        text for info in warning.infos.all() for text in (info.description, info.instruction) if text
    )
    alert = alert_raise(
        kind=AlertKind.WARNING,
        level=warning.colour,
        title=warning.headline or warning.event or warning.identifier,
        body=body[:5000],
        source=warning,
        geom=warning.area,
        targets=targets,
        dedup_key=_alert_dedup_key(warning),
        drill=warning.status == CapStatus.EXERCISE,
    )
    ReceivedWarning.objects.filter(pk=warning.pk).update(alert=alert)
    warning.alert = alert


def _end(warning: ReceivedWarning, *, state: str, by: ReceivedWarning | None, now: datetime) -> None:
    warning.state = state
    fields = ["state", "updated_at"]
    if by is not None:
        warning.superseded_by, warning.superseded_at = by, now
        fields += ["superseded_by", "superseded_at"]
    warning.save(update_fields=fields)
    alert_clear(dedup_key=_alert_dedup_key(warning))


def _reference_filter(references: tuple[CapReference, ...]) -> Q:
    condition = Q(pk__in=[])
    for ref in references:
        condition |= Q(sender=ref.sender, identifier=ref.identifier, sent=ref.sent)
    return condition


@transaction.atomic
def warning_receive(
    *, message: CapMessage, feed: str = "", now: datetime | None = None, alert_outside_city: bool = False
) -> WarningReceipt:
    """Store a CAP message once and apply it.

    - The same (sender, identifier, sent) again changes nothing (``created`` is False).
    - An Update or Cancel supersedes the messages it references and clears their alerts.
    - A message that an already stored Update or Cancel references (it arrived late) is stored as
      superseded at once.
    - A warning in force raises a "warning" alert in its colour, aimed at the districts its area
      covers. With ``alert_outside_city`` False, a warning whose area misses every district is stored
      and drawn on the map but raises no alert.
    """
    now = now or timezone.now()
    existing = ReceivedWarning.objects.filter(
        sender=message.sender, identifier=message.identifier, sent=message.sent
    ).first()
    if existing is not None:
        return WarningReceipt(existing, False)

    colours = [info_colour(info) for info in message.infos]
    expiries = [info.expires for info in message.infos if info.expires is not None]
    effectives = [info.effective or message.sent for info in message.infos]
    severities = [info.severity for info in message.infos]
    expires = max(expiries) if expiries and len(expiries) == len(message.infos) else None
    ends_at = expires or message.sent + default_lifetime()
    first = message.infos[0] if message.infos else None
    warning = ReceivedWarning.objects.create(
        sender=message.sender,
        identifier=message.identifier,
        sent=message.sent,
        status=message.status,
        msg_type=message.msg_type,
        scope=message.scope,
        source_text=message.source[:255],
        restriction=message.restriction,
        addresses=message.addresses,
        codes=list(message.codes),
        note=message.note,
        references=[ref.as_json() for ref in message.references],
        incidents=message.incidents,
        event=(first.event if first else "")[:255],
        headline=(first.headline if first else "")[:255],
        severity=max(severities, key=lambda s: _colour_rank(SEVERITY_COLOURS.get(s, NO_COLOUR)), default=""),
        colour=_highest_colour(colours),
        effective=min(effectives) if effectives else None,
        expires=expires,
        ends_at=ends_at,
        state=_initial_state(message, ends_at, now),
        feed=feed[:200],
        xml=message.xml,
    )

    infos = WarningInfo.objects.bulk_create(
        [
            WarningInfo(
                warning=warning,
                position=i,
                language=info.language,
                categories=list(info.categories),
                event=info.event[:255],
                response_types=list(info.response_types),
                urgency=info.urgency,
                severity=info.severity,
                certainty=info.certainty,
                colour=colours[i],
                audience=info.audience,
                event_codes=[list(pair) for pair in info.event_codes],
                effective=info.effective,
                onset=info.onset,
                expires=info.expires,
                sender_name=info.sender_name[:255],
                headline=info.headline[:255],
                description=info.description,
                instruction=info.instruction,
                web=info.web[:500],
                contact=info.contact,
                parameters=[list(pair) for pair in info.parameters],
                resources=list(info.resources),
            )
            for i, info in enumerate(message.infos)
        ]
    )
    areas: list[WarningArea] = []
    for info_row, info in zip(infos, message.infos, strict=True):
        for j, area in enumerate(info.areas):
            areas.append(
                WarningArea(
                    info=info_row,
                    warning=warning,
                    position=j,
                    area_desc=area.description,
                    polygons=list(area.polygon_texts),
                    circles=list(area.circle_texts),
                    geocodes=[list(pair) for pair in area.geocodes],
                    altitude=area.altitude,
                    ceiling=area.ceiling,
                    geom=area_geometry(area),
                    colour=info_row.colour,
                    event=info_row.event,
                    headline=info_row.headline,
                )
            )
    WarningArea.objects.bulk_create(areas)
    warning.area = _multipolygon([a.geom for a in areas if a.geom is not None])
    if warning.area is not None:
        warning.save(update_fields=["area", "updated_at"])

    # This message ends what it references.
    if message.msg_type in (CapMsgType.UPDATE, CapMsgType.CANCEL) and message.references:
        ended = WarningState.CANCELLED if message.msg_type == CapMsgType.CANCEL else WarningState.SUPERSEDED
        for old in ReceivedWarning.objects.select_for_update().filter(
            _reference_filter(message.references), superseded_by__isnull=True
        ):
            _end(old, state=ended, by=warning, now=now)

    # A later message that arrived first already ends this one.
    later = (
        ReceivedWarning.objects.filter(
            references__contains=[message.key.as_json()],
            msg_type__in=(CapMsgType.UPDATE, CapMsgType.CANCEL),
        )
        .order_by("-sent", "-id")
        .first()
    )
    if later is not None:
        ended = WarningState.CANCELLED if later.msg_type == CapMsgType.CANCEL else WarningState.SUPERSEDED
        warning.state = ended
        warning.superseded_by, warning.superseded_at = later, now
        warning.save(update_fields=["state", "superseded_by", "superseded_at", "updated_at"])

    if warning.state == WarningState.ACTIVE:
        _raise_alert(warning, outside_city=alert_outside_city)
    layer_changed_on_commit(WARNINGS_LAYER)
    return WarningReceipt(warning, True)


@transaction.atomic
def warnings_expire_due(*, now: datetime | None = None) -> int:
    """End the active warnings whose time is up and clear their alerts; returns how many."""
    now = now or timezone.now()
    due = list(
        ReceivedWarning.objects.select_for_update().filter(state=WarningState.ACTIVE, ends_at__lte=now)
    )
    for warning in due:
        _end(warning, state=WarningState.EXPIRED, by=None, now=now)
    if due:
        layer_changed_on_commit(WARNINGS_LAYER)
    return len(due)
