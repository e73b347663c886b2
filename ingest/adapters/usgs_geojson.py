"""USGS earthquake GeoJSON feeds (``summary/*.geojson``) into seismic events, with alert rules.

Each feature is an event with a stable id; the feed repeats events and revises them (``updated``
grows). Events are upserted in one multi-row statement: a new id is written, a newer ``updated``
revises the stored row (written), anything else is a duplicate.

Settings (the source's rules; the defaults suit Zhuhai)::

    {
      "action": "alert",               # alert | none  (opening incidents arrives with incidents)
      "min_magnitude": 5.0,
      "max_distance_km": 1500,         # from "centre"; null = anywhere
      "centre": [113.55, 22.27],       # lng, lat (Zhuhai)
      "max_age_hours": 24,             # older events are stored, not alerted; null = any age
      "levels": [[7.0, "red"], [6.0, "orange"], [5.0, "yellow"], [0, "blue"]],
      "tsunami_level": "red",          # a tsunami flag raises at least this level
      "event_types": ["earthquake"],
      "alert_kind": "other"
    }

When a revision changes an event's level (or takes it below the rules), its alert is cleared and,
if it still qualifies, raised again at the new level.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from psycopg2.extras import Json, execute_values

from emergency.choices import AlertKind, AlertLevel
from emergency.services.alerts import alert_clear, alert_raise
from ingest.adapters import Adapter, AdapterContext, Batch, PayloadError, Reject, Stored, register
from ingest.choices import EventAction
from ingest.models import SeismicEvent

EARTH_RADIUS_KM = 6371.0088
_LEVEL_RANK = {AlertLevel.BLUE: 1, AlertLevel.YELLOW: 2, AlertLevel.ORANGE: 3, AlertLevel.RED: 4}


@dataclass(frozen=True)
class QuakeRecord:
    event_id: str
    ids: str
    time: datetime
    updated: datetime
    magnitude: float | None
    magnitude_type: str
    place: str
    title: str
    event_type: str
    status: str
    pager_alert: str
    tsunami: bool
    significance: int | None
    felt: int | None
    lng: float
    lat: float
    depth_km: float | None
    url: str
    properties: dict


def _ms(value, name: str) -> datetime:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(_("“%(name)s” is not a time in milliseconds") % {"name": name})
    return datetime.fromtimestamp(value / 1000, tz=UTC)


def _int(value) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def quake_record(feature) -> QuakeRecord:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise ValueError(_("not a GeoJSON Feature"))
    event_id = feature.get("id")
    if not isinstance(event_id, str) or not event_id.strip() or len(event_id) > 40:
        raise ValueError(_("the feature has no usable id"))
    props = feature.get("properties")
    if not isinstance(props, dict):
        raise ValueError(_("the feature has no properties"))
    geometry = feature.get("geometry") or {}
    coords = geometry.get("coordinates") if isinstance(geometry, dict) else None
    if geometry.get("type") != "Point" or not isinstance(coords, list) or len(coords) < 2:
        raise ValueError(_("the geometry is not a Point"))
    lng, lat = coords[0], coords[1]
    if not all(isinstance(c, int | float) for c in (lng, lat)) or not (
        -180 <= lng <= 180 and -90 <= lat <= 90
    ):
        raise ValueError(_("the epicentre %(coords)s is not a longitude, latitude") % {"coords": coords[:2]})
    depth = coords[2] if len(coords) > 2 and isinstance(coords[2], int | float) else None
    time = _ms(props.get("time"), "time")
    updated = _ms(props["updated"], "updated") if props.get("updated") is not None else time
    magnitude = props.get("mag")
    if magnitude is not None and (isinstance(magnitude, bool) or not isinstance(magnitude, int | float)):
        raise ValueError(_("the magnitude “%(mag)s” is not a number") % {"mag": magnitude})
    return QuakeRecord(
        event_id=event_id.strip(),
        ids=str(props.get("ids") or "")[:500],
        time=time,
        updated=updated,
        magnitude=float(magnitude) if magnitude is not None else None,
        magnitude_type=str(props.get("magType") or "")[:10],
        place=str(props.get("place") or "")[:255],
        title=str(props.get("title") or "")[:255],
        event_type=str(props.get("type") or "")[:40],
        status=str(props.get("status") or "")[:20],
        pager_alert=str(props.get("alert") or "")[:10],
        tsunami=bool(props.get("tsunami")),
        significance=_int(props.get("sig")),
        felt=_int(props.get("felt")),
        lng=float(lng),
        lat=float(lat),
        depth_km=float(depth) if depth is not None else None,
        url=str(props.get("url") or "")[:500],
        properties=props,
    )


def distance_km(lng1: float, lat1: float, lng2: float, lat2: float) -> float:
    """Great-circle distance (haversine on the mean Earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def event_level(record: QuakeRecord, rules: dict, *, now: datetime) -> str | None:
    """The alert level the source's rules give an event, or None when it raises nothing."""
    if rules["action"] != EventAction.ALERT or record.status == "deleted":
        return None
    if rules["event_types"] and record.event_type not in rules["event_types"]:
        return None
    if record.magnitude is None or record.magnitude < rules["min_magnitude"]:
        return None
    if rules["max_age_hours"] is not None and now - record.time > timedelta(hours=rules["max_age_hours"]):
        return None
    if rules["max_distance_km"] is not None:
        lng, lat = rules["centre"]
        if distance_km(lng, lat, record.lng, record.lat) > rules["max_distance_km"]:
            return None
    level = next(
        (lvl for threshold, lvl in rules["levels"] if record.magnitude >= threshold), AlertLevel.BLUE
    )
    if record.tsunami and _LEVEL_RANK[rules["tsunami_level"]] > _LEVEL_RANK[level]:
        level = rules["tsunami_level"]
    return level


_COLUMNS = (
    "event_id, ids, source_id, time, updated, magnitude, magnitude_type, place, title, event_type, status, "
    "pager_alert, tsunami, significance, felt, depth_km, geom, url, properties, first_seen_at"
)
_REVISED = [c.strip() for c in _COLUMNS.split(",") if c.strip() not in ("event_id", "first_seen_at", "geom")]


@register
class UsgsGeoJsonAdapter(Adapter):
    name = "usgs_geojson"
    label = gettext_lazy("USGS earthquake GeoJSON → seismic events and alerts")
    default_settings = {
        "action": EventAction.ALERT,
        "min_magnitude": 5.0,
        "max_distance_km": 1500,
        "centre": [113.55, 22.27],
        "max_age_hours": 24,
        "levels": [
            [7.0, AlertLevel.RED],
            [6.0, AlertLevel.ORANGE],
            [5.0, AlertLevel.YELLOW],
            [0, AlertLevel.BLUE],
        ],
        "tsunami_level": AlertLevel.RED,
        "event_types": ["earthquake"],
        "alert_kind": AlertKind.OTHER,
    }

    def clean_settings(self, settings: dict) -> dict:
        merged = {**self.default_settings, **(settings or {})}
        errors = []
        if merged["action"] == "incident":
            errors.append(_("Opening incidents from events is not available yet; use “alert” or “none”."))
        elif merged["action"] not in EventAction.values:
            errors.append(
                _("“action” must be one of %(values)s.") % {"values": ", ".join(EventAction.values)}
            )
        for key in ("min_magnitude", "max_distance_km", "max_age_hours"):
            value = merged[key]
            if key != "min_magnitude" and value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                errors.append(_("“%(key)s” must be a number ≥ 0.") % {"key": key})
        centre = merged["centre"]
        if not (
            isinstance(centre, list | tuple)
            and len(centre) == 2
            and all(isinstance(c, int | float) for c in centre)
        ):
            errors.append(_("“centre” must be [longitude, latitude]."))
        levels = merged["levels"]
        if not isinstance(levels, list) or not all(
            isinstance(item, list | tuple) and len(item) == 2 and item[1] in _LEVEL_RANK for item in levels
        ):
            errors.append(
                _("“levels” must be a list of [magnitude, colour] with colours blue, yellow, orange, red.")
            )
        else:
            merged["levels"] = sorted(([float(m), c] for m, c in levels), reverse=True)
        if merged["tsunami_level"] not in _LEVEL_RANK:
            errors.append(_("“tsunami_level” must be blue, yellow, orange or red."))
        if merged["alert_kind"] not in AlertKind.values:
            errors.append(_("“alert_kind” must be an alert kind."))
        if errors:
            raise ValidationError(errors)
        return merged

    def batches(self, payload: bytes, ctx: AdapterContext) -> Iterator[Batch]:
        try:
            data = json.loads(payload.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise PayloadError(_("not JSON: %(error)s") % {"error": exc}) from exc
        if (
            not isinstance(data, dict)
            or data.get("type") != "FeatureCollection"
            or not isinstance(data.get("features"), list)
        ):
            raise PayloadError(_("not a GeoJSON FeatureCollection"))
        records, rejects = [], []
        for n, feature in enumerate(data["features"], 1):
            ident = feature.get("id") if isinstance(feature, dict) else None
            locator = _("feature %(n)s (%(id)s)") % {"n": n, "id": ident or "?"}
            try:
                records.append(quake_record(feature))
            except (ValueError, TypeError, OverflowError, OSError) as exc:
                rejects.append(
                    Reject(locator=locator, raw=json.dumps(feature, ensure_ascii=False), reason=str(exc))
                )
        yield Batch(records=records, seen=len(data["features"]), rejects=rejects)

    def store(self, records: list[QuakeRecord], ctx: AdapterContext) -> Stored:
        if not records:
            return Stored(written=0, duplicate=0)
        # One row per id (the newest revision) so the upsert never touches a row twice.
        newest: dict[str, QuakeRecord] = {}
        for record in records:
            if record.event_id not in newest or record.updated > newest[record.event_id].updated:
                newest[record.event_id] = record
        source_id = ctx.source.pk if ctx.source is not None else None
        rows = [
            (
                r.event_id, r.ids, source_id, r.time, r.updated, r.magnitude, r.magnitude_type, r.place, r.title,
                r.event_type, r.status, r.pager_alert, r.tsunami, r.significance, r.felt, r.depth_km,
                r.lng, r.lat, r.url, Json(r.properties), ctx.now,
            )
            for r in newest.values()
        ]  # fmt: skip
        table = SeismicEvent._meta.db_table
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in _REVISED) + ", geom = EXCLUDED.geom"
        # Constant identifiers only; every value is bound by execute_values.
        sql = (
            f"INSERT INTO {table} ({_COLUMNS}) VALUES %s "  # noqa: S608
            f"ON CONFLICT (event_id) DO UPDATE SET {updates} WHERE {table}.updated < EXCLUDED.updated "
            "RETURNING id, event_id"
        )
        template = "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, ST_SetSRID(ST_MakePoint(%s, %s), 4326), %s, %s, %s)"
        with connection.cursor() as cursor:
            written = execute_values(cursor, sql, rows, template=template, page_size=1000, fetch=True)
        self._apply_rules([(pk, newest[event_id]) for pk, event_id in written], ctx)
        return Stored(written=len(written), duplicate=len(records) - len(written))

    def _apply_rules(self, written: list[tuple[int, QuakeRecord]], ctx: AdapterContext) -> None:
        rules = ctx.settings
        current = dict(
            SeismicEvent.objects.filter(pk__in=[pk for pk, _r in written], alert__cleared_at__isnull=True)
            .exclude(alert=None)
            .values_list("pk", "alert__level")
        )
        for pk, record in written:
            level = event_level(record, rules, now=ctx.now)
            old_level = current.get(pk)
            if old_level == level:
                continue
            dedup_key = f"quake:{record.event_id}"
            if old_level is not None:
                alert_clear(dedup_key=dedup_key)
            alert = None
            if level is not None:
                alert = alert_raise(
                    kind=rules["alert_kind"],
                    level=level,
                    title=_("M%(mag).1f earthquake: %(place)s")
                    % {"mag": record.magnitude, "place": record.place},
                    body=_("Origin time %(time)s UTC, depth %(depth)s km. %(url)s")
                    % {
                        "time": record.time.strftime("%Y-%m-%d %H:%M:%S"),
                        "depth": f"{record.depth_km:g}" if record.depth_km is not None else "?",
                        "url": record.url,
                    },
                    source=SeismicEvent(pk=pk),
                    geom=Point(record.lng, record.lat, srid=4326),
                    dedup_key=dedup_key,
                )
            SeismicEvent.objects.filter(pk=pk).update(alert=alert)

    def reprocess_payload(self, raws: list[str]) -> bytes:
        features = []
        for raw in raws:
            try:
                features.append(json.loads(raw))
            except json.JSONDecodeError:
                features.append(raw)
        return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode()
