"""CAP 1.2 warnings (OASIS Common Alerting Protocol) into ``emergency``'s received warnings.

A payload is one ``<alert>`` document, or any XML document holding ``<alert>`` elements of the CAP 1.2
namespace (an Atom feed of warnings, a batch). Prefixed (``cap:alert``) and default-namespace
documents are the same to the parser. Every alert is validated against the official schema
(``INGEST_CAP_XSD``); an alert that fails, or whose polygons, circles or references are malformed,
is quarantined with the schema's message, and the other alerts of the payload are stored.

Settings::

    {"alerts_outside_city": false}   # raise alerts also for warnings whose areas miss every district
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from lxml import etree

from emergency.services.warnings import CapArea, CapInfo, CapMessage, CapReference, warning_receive
from ingest import conf
from ingest.adapters import (
    Adapter,
    AdapterConfigError,
    AdapterContext,
    Batch,
    PayloadError,
    Reject,
    Stored,
    register,
)

NS = "urn:oasis:names:tc:emergency:cap:1.2"
ALERT_TAG = f"{{{NS}}}alert"
# No entities, no network, no DTDs: a payload is data from outside (XXE, billion laughs).
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


_local = threading.local()


def _schema(path: str) -> etree.XMLSchema:
    # One schema object per thread: push requests are served by threads, and a validator keeps its
    # error log on the object.
    cache = _local.__dict__.setdefault("schemas", {})
    if path not in cache:
        cache[path] = etree.XMLSchema(etree.parse(path, _PARSER))
    return cache[path]


def cap_schema() -> etree.XMLSchema:
    path: Path = conf.cap_schema_path()
    if not path.is_file():
        raise AdapterConfigError(
            _("The CAP 1.2 schema is not at %(path)s; set INGEST_CAP_XSD to the file CAP-v1.2.xsd.")
            % {"path": path}
        )
    return _schema(str(path))


class CapFormatError(ValueError):
    """An alert that passed the schema but carries a malformed value (polygon, circle, reference)."""


def _text(element, name: str) -> str:
    found = element.find(f"{{{NS}}}{name}")
    return (found.text or "").strip() if found is not None else ""


def _texts(element, name: str) -> tuple[str, ...]:
    return tuple((e.text or "").strip() for e in element.findall(f"{{{NS}}}{name}"))


def _pairs(element, name: str) -> tuple[tuple[str, str], ...]:
    return tuple((_text(e, "valueName"), _text(e, "value")) for e in element.findall(f"{{{NS}}}{name}"))


def _time(text: str) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _number(text: str) -> float | None:
    return float(text) if text else None


def _lat_lon(text: str, where: str) -> tuple[float, float]:
    parts = text.split(",")
    if len(parts) != 2:
        raise CapFormatError(
            _("%(where)s: “%(text)s” is not a lat,lon pair") % {"where": where, "text": text}
        )
    try:
        lat, lon = float(parts[0]), float(parts[1])
    except ValueError:
        raise CapFormatError(
            _("%(where)s: “%(text)s” is not a lat,lon pair") % {"where": where, "text": text}
        ) from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise CapFormatError(
            _("%(where)s: %(lat)s,%(lon)s is outside latitude −90–90 / longitude −180–180")
            % {"where": where, "lat": lat, "lon": lon}
        )
    return lat, lon


def parse_polygon(text: str, where: str) -> tuple[tuple[float, float], ...]:
    """CAP polygon: whitespace-separated lat,lon pairs, at least 4, the first equal to the last."""
    points = tuple(_lat_lon(pair, where) for pair in text.split())
    if len(points) < 4:
        raise CapFormatError(
            _("%(where)s: a polygon needs at least 4 points, it has %(n)s")
            % {"where": where, "n": len(points)}
        )
    if points[0] != points[-1]:
        raise CapFormatError(_("%(where)s: the polygon's first and last points differ") % {"where": where})
    return points


def parse_circle(text: str, where: str) -> tuple[float, float, float]:
    """CAP circle: ``lat,lon radius`` with the radius in kilometres."""
    parts = text.split()
    if len(parts) != 2:
        raise CapFormatError(
            _("%(where)s: “%(text)s” is not “lat,lon radius”") % {"where": where, "text": text}
        )
    lat, lon = _lat_lon(parts[0], where)
    try:
        radius = float(parts[1])
    except ValueError:
        raise CapFormatError(
            _("%(where)s: the radius “%(r)s” is not a number") % {"where": where, "r": parts[1]}
        ) from None
    if radius < 0:
        raise CapFormatError(_("%(where)s: the radius is negative") % {"where": where})
    return lat, lon, radius


def parse_references(text: str) -> tuple[CapReference, ...]:
    refs = []
    for triple in text.split():
        parts = triple.split(",")
        if len(parts) != 3:
            raise CapFormatError(_("reference “%(ref)s” is not sender,identifier,sent") % {"ref": triple})
        try:
            sent = datetime.fromisoformat(parts[2])
        except ValueError:
            raise CapFormatError(_("reference “%(ref)s” has no valid sent time") % {"ref": triple}) from None
        if sent.tzinfo is None:
            raise CapFormatError(_("reference “%(ref)s” has no time zone") % {"ref": triple})
        refs.append(CapReference(parts[0], parts[1], sent))
    return tuple(refs)


def _area(element, where: str) -> CapArea:
    polygon_texts = _texts(element, "polygon")
    circle_texts = _texts(element, "circle")
    return CapArea(
        description=_text(element, "areaDesc"),
        polygons=tuple(
            parse_polygon(t, _("%(where)s polygon %(n)s") % {"where": where, "n": k})
            for k, t in enumerate(polygon_texts, 1)
        ),
        circles=tuple(
            parse_circle(t, _("%(where)s circle %(n)s") % {"where": where, "n": k})
            for k, t in enumerate(circle_texts, 1)
        ),
        geocodes=_pairs(element, "geocode"),
        altitude=_number(_text(element, "altitude")),
        ceiling=_number(_text(element, "ceiling")),
        polygon_texts=polygon_texts,
        circle_texts=circle_texts,
    )


def _info(element, n: int) -> CapInfo:
    resources = tuple(
        {
            key: _text(r, key)
            for key in ("resourceDesc", "mimeType", "size", "uri", "digest")
            if r.find(f"{{{NS}}}{key}") is not None
        }
        for r in element.findall(f"{{{NS}}}resource")
    )
    return CapInfo(
        language=_text(element, "language") or "en-US",
        categories=_texts(element, "category"),
        event=_text(element, "event"),
        response_types=_texts(element, "responseType"),
        urgency=_text(element, "urgency"),
        severity=_text(element, "severity"),
        certainty=_text(element, "certainty"),
        audience=_text(element, "audience"),
        event_codes=_pairs(element, "eventCode"),
        effective=_time(_text(element, "effective")),
        onset=_time(_text(element, "onset")),
        expires=_time(_text(element, "expires")),
        sender_name=_text(element, "senderName"),
        headline=_text(element, "headline"),
        description=_text(element, "description"),
        instruction=_text(element, "instruction"),
        web=_text(element, "web"),
        contact=_text(element, "contact"),
        parameters=_pairs(element, "parameter"),
        resources=resources,
        areas=tuple(
            _area(a, _("info %(i)s area %(a)s") % {"i": n, "a": k})
            for k, a in enumerate(element.findall(f"{{{NS}}}area"), 1)
        ),
    )


def cap_message(element, xml: str) -> CapMessage:
    """A schema-valid ``<alert>`` element as a CapMessage; CapFormatError for malformed values."""
    return CapMessage(
        identifier=_text(element, "identifier"),
        sender=_text(element, "sender"),
        sent=datetime.fromisoformat(_text(element, "sent")),
        status=_text(element, "status"),
        msg_type=_text(element, "msgType"),
        scope=_text(element, "scope"),
        source=_text(element, "source"),
        restriction=_text(element, "restriction"),
        addresses=_text(element, "addresses"),
        codes=_texts(element, "code"),
        note=_text(element, "note"),
        references=parse_references(_text(element, "references")),
        incidents=_text(element, "incidents"),
        infos=tuple(_info(info, n) for n, info in enumerate(element.findall(f"{{{NS}}}info"), 1)),
        xml=xml,
    )


@register
class CapAdapter(Adapter):
    name = "cap"
    label = gettext_lazy("CAP 1.2 warnings → received warnings")
    default_settings = {"alerts_outside_city": False}

    def clean_settings(self, settings: dict) -> dict:
        merged = {**self.default_settings, **(settings or {})}
        if not isinstance(merged["alerts_outside_city"], bool):
            raise ValidationError(_("“alerts_outside_city” must be true or false."))
        return merged

    def batches(self, payload: bytes, ctx: AdapterContext) -> Iterator[Batch]:
        schema = cap_schema()
        try:
            root = etree.fromstring(payload, _PARSER)
        except etree.XMLSyntaxError as exc:
            raise PayloadError(_("not well-formed XML: %(error)s") % {"error": exc}) from exc
        if root.getroottree().docinfo.doctype:
            # CAP needs no DTD; one in a feed is at best noise and at worst an entity attack.
            raise PayloadError(_("the document declares a DTD (<!DOCTYPE …>), which CAP feeds never need"))
        alerts = [root] if root.tag == ALERT_TAG else list(root.iter(ALERT_TAG))
        if not alerts:
            raise PayloadError(
                _("no CAP 1.2 <alert> element (namespace %(ns)s) in a document whose root is <%(root)s>")
                % {"ns": NS, "root": etree.QName(root).localname}
            )
        messages: list[CapMessage] = []
        rejects: list[Reject] = []
        for n, element in enumerate(alerts, 1):
            raw = etree.tostring(element, encoding="unicode")
            identifier = _text(element, "identifier")
            locator = _("alert %(n)s (%(id)s)") % {"n": n, "id": identifier[:80] or "?"}
            try:
                valid = schema.validate(element)
            except etree.XMLSchemaValidateError as exc:
                rejects.append(
                    Reject(
                        locator=locator, raw=raw, reason=_("not valid CAP 1.2: %(errors)s") % {"errors": exc}
                    )
                )
                continue
            if not valid:
                reasons = [f"line {e.line}: {e.message}" for e in schema.error_log]
                rejects.append(
                    Reject(
                        locator=locator,
                        raw=raw,
                        reason=_("not valid CAP 1.2: %(errors)s") % {"errors": "; ".join(reasons[:5])},
                    )
                )
                continue
            try:
                messages.append(cap_message(element, raw))
            except (CapFormatError, ValueError) as exc:
                rejects.append(Reject(locator=locator, raw=raw, reason=str(exc)))
        yield Batch(records=messages, seen=len(alerts), rejects=rejects)

    def store(self, records: list[CapMessage], ctx: AdapterContext) -> Stored:
        written = duplicate = 0
        feed = ctx.source.name if ctx.source is not None else self.name
        for message in records:
            receipt = warning_receive(
                message=message,
                feed=feed,
                now=ctx.now,
                alert_outside_city=ctx.settings["alerts_outside_city"],
            )
            if receipt.created:
                written += 1
            else:
                duplicate += 1
        return Stored(written=written, duplicate=duplicate)

    def reprocess_payload(self, raws: list[str]) -> bytes:
        if len(raws) == 1:
            return raws[0].encode()
        return ("<alerts>" + "".join(raws) + "</alerts>").encode()
