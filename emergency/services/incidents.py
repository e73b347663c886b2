"""Writing incidents: intake, the status workflow, level changes and the timeline.

Every step checks the actor's permission and scope, refuses what the workflow forbids, and is audited
(``Incident`` and its timeline are registered with the audit log in ``emergency.apps``; the actor is the
user passed in, whichever interface called).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit_context import audit_context
from accounts.models import User
from emergency.bigscreen import panels_refresh_on_commit
from emergency.choices import (
    INCIDENT_ALERT_LEVEL,
    INCIDENT_LEVEL_RANK,
    INCIDENT_TRANSITIONS,
    OPEN_INCIDENT_STATUSES,
    AlertKind,
    IncidentLevel,
    IncidentSource,
    IncidentStatus,
    IncidentUpdateKind,
)
from emergency.models import Incident, IncidentAttachment, IncidentType, IncidentUpdate
from emergency.selectors.incidents import incident_access, organisation_for_district
from emergency.services.alerts import alert_raise
from gis.choices import AreaLevel
from gis.models import AdminArea
from gis.selectors.admin_areas import admin_area_containing

INCIDENTS_TODAY = "incidents_today"

# Photos and documents; the first bytes must match the extension.
ATTACHMENT_SIGNATURES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    "webp": ("image/webp", (b"RIFF",)),
    "pdf": ("application/pdf", (b"%PDF-",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    "doc": ("application/msword", (b"\xd0\xcf\x11\xe0",)),
    "xls": ("application/vnd.ms-excel", (b"\xd0\xcf\x11\xe0",)),
    "txt": ("text/plain", ()),
}
DEFAULT_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 10


class IncidentTransitionError(ValidationError):
    """The workflow does not allow this status change."""


def attachment_max_bytes() -> int:
    return int(getattr(settings, "INCIDENT_ATTACHMENT_MAX_BYTES", DEFAULT_ATTACHMENT_MAX_BYTES))


def _require(user: User, perm: str, message: str) -> None:
    if not user.is_authenticated or not user.is_active or not user.has_perm(perm):
        raise PermissionDenied(message)


def _as_point(geom) -> Point:
    if not isinstance(geom, Point):
        raise ValidationError({"geom": _("The location must be a point.")})
    if geom.srid is None:
        geom = Point(geom.x, geom.y, srid=4326)
    elif geom.srid != 4326:
        geom = geom.transform(4326, clone=True)
    if not (-180 <= geom.x <= 180 and -90 <= geom.y <= 90):
        raise ValidationError({"geom": _("The location is outside the valid longitude and latitude range.")})
    return geom


def _as_area(area) -> MultiPolygon | None:
    if area is None:
        return None
    if isinstance(area, Polygon):
        area = MultiPolygon(area, srid=area.srid or 4326)
    if not isinstance(area, MultiPolygon):
        raise ValidationError({"area": _("The affected area must be a polygon or multipolygon.")})
    if area.srid is None:
        area.srid = 4326
    elif area.srid != 4326:
        area = area.transform(4326, clone=True)
    if not area.valid:
        raise ValidationError({"area": _("The affected area is not a valid polygon.")})
    return area


def _district_for(point: Point, district: AdminArea | None) -> AdminArea | None:
    if district is not None:
        if district.level != AreaLevel.DISTRICT:
            raise ValidationError({"district": _("Choose a district, not another kind of area.")})
        return district
    return admin_area_containing(point=point, level=AreaLevel.DISTRICT)


def _alert_for(incident: Incident) -> None:
    """Level Ⅲ and above raises an alert to the incident's district (city-wide roles see all)."""
    colour = INCIDENT_ALERT_LEVEL.get(incident.level)
    if colour is None:
        return
    targets = [f"district:{incident.district.adcode}"] if incident.district_id else None
    alert_raise(
        kind=AlertKind.INCIDENT,
        level=colour,
        title=_("%(level)s incident: %(title)s")
        % {"level": IncidentLevel(incident.level).label, "title": incident.title},
        body=incident.description[:500],
        source=incident,
        geom=incident.geom,
        targets=targets,
        dedup_key=f"incident:{incident.pk}:{incident.level}",
        drill=incident.drill,
    )


def _timeline(
    incident: Incident, *, user: User, kind: str, body: str = "", old: str = "", new: str = ""
) -> IncidentUpdate:
    return IncidentUpdate.objects.create(
        incident=incident, kind=kind, body=body, old_value=old, new_value=new, author=user
    )


def _changed(incident: Incident) -> None:
    panels_refresh_on_commit(INCIDENTS_TODAY)


@transaction.atomic
def incident_report(
    *,
    user: User,
    title: str,
    type: IncidentType,
    level: str,
    geom: Point,
    source: str,
    area: MultiPolygon | Polygon | None = None,
    district: AdminArea | None = None,
    description: str = "",
    address: str = "",
    occurred_at: dt.datetime | None = None,
    reporter_name: str = "",
    reporter_phone: str = "",
    deaths: int = 0,
    injuries: int = 0,
    missing: int = 0,
    evacuated: int = 0,
    economic_loss: Decimal | int = 0,
    drill: bool = False,
) -> Incident:
    """Record a new incident (信息接报). Its district is derived from the point when not given; the
    district's organisation handles it. Level Ⅲ and above raises an alert."""
    _require(user, "emergency.add_incident", _("You may not report incidents."))
    errors: dict[str, str] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = _("An incident needs a title.")
    if type.parent_id is None:
        errors["type"] = _("Choose a subtype (for example flood), not a whole category.")
    if level not in IncidentLevel.values:
        errors["level"] = _("Unknown level %(level)s.") % {"level": level}
    if source not in IncidentSource.values:
        errors["source"] = _("Unknown source %(source)s.") % {"source": source}
    occurred_at = occurred_at or timezone.now()
    if occurred_at > timezone.now() + dt.timedelta(minutes=5):
        errors["occurred_at"] = _("The time of occurrence cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    point = _as_point(geom)
    area = _as_area(area)
    district = _district_for(point, district)
    organisation = organisation_for_district(district=district) or user.organisation
    incident = Incident(
        title=title[:200],
        description=description,
        type=type,
        level=level,
        geom=point,
        area=area,
        address=address,
        district=district,
        organisation=organisation,
        reporter=user,
        reporter_organisation=user.organisation,
        reporter_name=reporter_name,
        reporter_phone=reporter_phone,
        source=source,
        occurred_at=occurred_at,
        deaths=deaths,
        injuries=injuries,
        missing=missing,
        evacuated=evacuated,
        economic_loss=economic_loss,
        drill=drill,
    )
    incident.full_clean(exclude=["reporter_phone"])
    with audit_context(actor=user):
        incident.save()
        _timeline(incident, user=user, kind=IncidentUpdateKind.STATUS, new=IncidentStatus.REPORTED)
    _alert_for(incident)
    _changed(incident)
    return incident


@transaction.atomic
def incident_transition(*, user: User, incident_id: int, status: str, note: str = "") -> Incident:
    """Move an incident along reported → verified → responding → closed, or reported → dismissed."""
    _require(user, "emergency.handle_incident", _("You may not change the status of incidents."))
    incident = incident_access(user=user, incident_id=incident_id, for_update=True)
    if status not in IncidentStatus.values:
        raise ValidationError({"status": _("Unknown status %(status)s.") % {"status": status}})
    allowed = INCIDENT_TRANSITIONS[incident.status]
    if status not in allowed:
        names = ", ".join(str(IncidentStatus(s).label) for s in sorted(allowed)) or _("none")
        message = _(
            "An incident that is %(current)s cannot become %(wanted)s; allowed next: %(allowed)s."
        ) % {
            "current": IncidentStatus(incident.status).label,
            "wanted": IncidentStatus(status).label,
            "allowed": names,
        }
        raise IncidentTransitionError({"status": ValidationError(message, code="forbidden_transition")})
    if status == IncidentStatus.DISMISSED and not note.strip():
        raise ValidationError({"note": _("Say why the incident is dismissed.")})
    old = incident.status
    incident.status = status
    now = timezone.now()
    fields = ["status", "updated_at"]
    if status == IncidentStatus.VERIFIED:
        incident.verified_at = now
        fields.append("verified_at")
    if status in (IncidentStatus.CLOSED, IncidentStatus.DISMISSED):
        incident.closed_at = now
        fields.append("closed_at")
    with audit_context(actor=user):
        incident.save(update_fields=fields)
        _timeline(incident, user=user, kind=IncidentUpdateKind.STATUS, body=note, old=old, new=status)
    _changed(incident)
    return incident


@transaction.atomic
def incident_change_level(*, user: User, incident_id: int, level: str, note: str = "") -> Incident:
    """Re-grade an open incident; raising it to Ⅲ or above raises an alert."""
    _require(user, "emergency.handle_incident", _("You may not change the level of incidents."))
    incident = incident_access(user=user, incident_id=incident_id, for_update=True)
    if level not in IncidentLevel.values:
        raise ValidationError({"level": _("Unknown level %(level)s.") % {"level": level}})
    if incident.status not in OPEN_INCIDENT_STATUSES:
        raise ValidationError({"level": _("A closed or dismissed incident cannot be re-graded.")})
    if level == incident.level:
        return incident
    old = incident.level
    incident.level = level
    with audit_context(actor=user):
        incident.save(update_fields=["level", "updated_at"])
        _timeline(incident, user=user, kind=IncidentUpdateKind.LEVEL, body=note, old=old, new=level)
    if INCIDENT_LEVEL_RANK[level] > INCIDENT_LEVEL_RANK[old]:
        _alert_for(incident)
    _changed(incident)
    return incident


def attachment_check(upload: UploadedFile) -> tuple[str, str]:
    """Check an uploaded file's size, extension and first bytes; returns (safe name, content type)."""
    name = (upload.name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:200]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if upload.size is None or upload.size > attachment_max_bytes():
        raise ValidationError(
            {
                "files": _("%(name)s is larger than %(limit)d MB.")
                % {"name": name, "limit": attachment_max_bytes() // (1024 * 1024)}
            }
        )
    if upload.size == 0:
        raise ValidationError({"files": _("%(name)s is empty.") % {"name": name}})
    spec = ATTACHMENT_SIGNATURES.get(extension)
    if spec is None:
        raise ValidationError(
            {
                "files": _(
                    "%(name)s: only photos (jpg, png, gif, webp) and documents (pdf, doc, docx, xls, xlsx, txt) are accepted."
                )
                % {"name": name}
            }
        )
    content_type, signatures = spec
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if signatures:
        ok = any(head.startswith(sig) for sig in signatures)
        if extension == "webp":
            ok = ok and head[8:12] == b"WEBP"
    else:
        try:
            upload.read(65536).decode("utf-8")
            ok = True
        except UnicodeDecodeError:
            ok = False
        upload.seek(0)
    if not ok:
        raise ValidationError(
            {"files": _("%(name)s is not really a %(ext)s file.") % {"name": name, "ext": extension}}
        )
    return name, content_type


@transaction.atomic
def incident_update_add(
    *, user: User, incident_id: int, body: str, files: Iterable[UploadedFile] = ()
) -> IncidentUpdate:
    """Add a progress note, with photos or documents, to the timeline of a visible incident."""
    _require(user, "emergency.add_incidentupdate", _("You may not add to incident timelines."))
    incident = incident_access(user=user, incident_id=incident_id)
    files = list(files)
    body = (body or "").strip()
    if not body and not files:
        raise ValidationError({"body": _("Write a note or attach a file.")})
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError({"files": _("At most %(n)d files per update.") % {"n": MAX_ATTACHMENTS}})
    checked = [(upload, *attachment_check(upload)) for upload in files]
    with audit_context(actor=user):
        update = _timeline(incident, user=user, kind=IncidentUpdateKind.NOTE, body=body)
        for upload, name, content_type in checked:
            attachment = IncidentAttachment(
                update=update, name=name, content_type=content_type, size=upload.size
            )
            attachment.file.save(name, upload, save=False)
            attachment.save()
    return update
