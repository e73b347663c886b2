"""The impact analysis as the API, the page and the map panel use it: resolve a zone, list what lies
inside it, export the lists to Excel and send them as tasks through an active response.

Every answer that includes the named list of people to move (the summary, a page of it, an export, a
task text naming households) writes an audit entry (action "view", model ``persontomove``) with the
zone kind, its parameters (a polygon is summarised) and the counts.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from accounts.audit import json_safe
from accounts.audit_context import audit_context
from accounts.choices import AuditAction
from accounts.models import User
from accounts.services.audit import audit_record
from emergency.selectors.incidents import organisation_for_district
from emergency.services.responses import response_tasks_add
from gis.models import AdminArea
from sanfang.impact_zones import zone_kinds, zone_resolve
from sanfang.models import PersonToMove
from sanfang.selectors.impact import (
    IMPACT_LISTS,
    impact_groups,
    impact_list_groups,
    impact_queryset,
    impact_row,
    impact_rows,
    lists_allowed,
    phones_in_full,
)
from sanfang.selectors.impact_zones import approx_area_km2, zone_check


@dataclass(frozen=True)
class Zone:
    kind: str
    params: dict[str, Any]
    geom: GEOSGeometry

    @property
    def area_km2(self) -> float:
        return round(approx_area_km2(self.geom), 2)

    def describe(self) -> dict[str, Any]:
        """The zone as the audit log keeps it: a drawn polygon is summarised, never stored in full."""
        params = dict(self.params)
        if "geometry" in params:
            params["geometry"] = {
                "vertices": self.geom.num_points,
                "bbox": [round(c, 4) for c in self.geom.extent],
            }
        return {"kind": self.kind, "params": json_safe(params), "area_km2": self.area_km2}


def impact_zone(*, kind: Any, params: Any) -> Zone:
    """Resolve ``kind`` + ``params`` into a zone, or raise ``ValidationError`` naming the bad input."""
    if not isinstance(kind, str) or not kind:
        raise ValidationError(
            {"kind": _("Choose a zone kind: %(kinds)s.") % {"kinds": ", ".join(zone_kinds())}}
        )
    if params is None:
        params = {}
    if not isinstance(params, dict):
        raise ValidationError({"params": _("The parameters must be a JSON object.")})
    geom = zone_resolve(kind, params)
    if geom is None:
        raise ValidationError({"params": _("This zone kind gave no zone for these parameters.")})
    # The storm kind comes from another part: hold its answer to the same rules as a drawn polygon.
    return Zone(kind=kind, params=params, geom=zone_check(geom, param="zone"))


def _audit_people_view(*, user: User, zone: Zone, what: str, households: int, people: int) -> None:
    with audit_context(actor=user):
        audit_record(
            action=AuditAction.VIEW,
            instance=PersonToMove(name=""),
            changes={"zone": zone.describe(), "households": households, "people": people, "what": what},
            message=_("Viewed the evacuation list (%(what)s) of a %(kind)s zone: %(n)d households")
            % {"what": what, "kind": zone.kind, "n": households},
        )


def _list_meta(key: str) -> dict[str, Any]:
    item = IMPACT_LISTS[key]
    return {"label": str(item.label), "measure_label": str(item.measure_label) if item.measure_label else ""}


def impact_analyse(*, user: User, zone: Zone, preview_rows: int | None = None) -> dict[str, Any]:
    """Totals, district/town groups and the first rows of every list the user may see."""
    preview = settings.SANFANG_IMPACT_PREVIEW_ROWS if preview_rows is None else preview_rows
    allowed = lists_allowed(user=user)
    if not any(allowed.values()):
        raise PermissionDenied(_("Your role may not see the impact lists."))
    lists: dict[str, Any] = {}
    for key in IMPACT_LISTS:
        if not allowed[key]:
            continue
        grouped = impact_list_groups(user=user, key=key, zone=zone.geom)
        rows = (
            impact_rows(user=user, key=key, zone=zone.geom, limit=preview, grouped=grouped) if preview else []
        )
        lists[key] = {**_list_meta(key), **grouped, "rows": rows}
    if "people" in lists:
        total = lists["people"]["total"]
        _audit_people_view(
            user=user, zone=zone, what="summary", households=total["count"], people=total["measure"]
        )
    return {
        "kind": zone.kind,
        "area_km2": zone.area_km2,
        "zone": zone.geom.json if not zone.geom.empty else None,
        "lists": lists,
        "hidden": [key for key, ok in allowed.items() if not ok],
    }


def impact_list_page(
    *, user: User, zone: Zone, key: str, page: int = 1, page_size: int | None = None
) -> dict:
    """One page of one list, with its totals and groups."""
    if key not in IMPACT_LISTS:
        raise ValidationError({"list": _("Unknown list %(key)s.") % {"key": key}})
    if not lists_allowed(user=user)[key]:
        raise PermissionDenied(_("Your role may not see this list."))
    size = page_size or settings.SANFANG_IMPACT_PAGE_SIZE
    if page < 1:
        raise ValidationError({"page": _("Pages start at 1.")})
    grouped = impact_list_groups(user=user, key=key, zone=zone.geom)
    rows = impact_rows(
        user=user, key=key, zone=zone.geom, offset=(page - 1) * size, limit=size, grouped=grouped
    )
    if key == "people":
        _audit_people_view(
            user=user,
            zone=zone,
            what=f"page {page}",
            households=len(rows),
            people=sum(r["people"] for r in rows),
        )
    return {
        "list": key,
        **_list_meta(key),
        **grouped,
        "page": page,
        "page_size": size,
        "pages": max(1, -(-grouped["total"]["count"] // size)),
        "rows": rows,
    }


# --- Excel --------------------------------------------------------------------------------------

_COMMON_COLUMNS: list[tuple[str, str]] = [
    ("district", "District"),
    ("town", "Town"),
    ("name", "Name"),
    ("kind_label", "Kind"),
    ("address", "Address"),
    ("unit", "Responsible unit"),
    ("contact_name", "Contact"),
    ("contact_phone", "Phone"),
    ("lon", "Longitude"),
    ("lat", "Latitude"),
]
_EXTRA_COLUMNS: dict[str, list[tuple[str, str]]] = {
    "people": [("people", "People")],
    "hazards": [("people_threatened", "People threatened"), ("warning_level", "Warning level")],
    "targets": [("occupants", "Occupants")],
    "shelters": [("capacity", "Capacity"), ("occupancy", "Occupancy"), ("free", "Free places")],
    "teams": [("status", "Status"), ("speciality", "Speciality")],
}


def _column_label(label: str) -> str:
    # The labels above are English msgids; translate at export time, in the user's language.
    return {
        "District": _("District"),
        "Town": _("Town"),
        "Name": _("Name"),
        "Kind": _("Kind"),
        "Address": _("Address"),
        "Responsible unit": _("Responsible unit"),
        "Contact": _("Contact"),
        "Phone": _("Phone"),
        "Longitude": _("Longitude"),
        "Latitude": _("Latitude"),
        "People": _("People"),
        "People threatened": _("People threatened"),
        "Warning level": _("Warning level"),
        "Occupants": _("Occupants"),
        "Capacity": _("Capacity"),
        "Occupancy": _("Occupancy"),
        "Free places": _("Free places"),
        "Status": _("Status"),
        "Speciality": _("Speciality"),
    }.get(label, label)


def impact_export_xlsx(*, user: User, zone: Zone) -> bytes:
    """One sheet per list the user may see (rows in district, town, name order), and a summary sheet."""
    allowed = lists_allowed(user=user)
    full = phones_in_full(user=user)
    limit = settings.SANFANG_IMPACT_EXPORT_MAX_ROWS
    workbook = Workbook()
    summary = workbook.active
    summary.title = _("Summary")[:31]
    summary.append([_("Zone kind"), zone.kind])
    summary.append([_("Area (km²)"), zone.area_km2])
    summary.append([_("Exported at"), timezone.localtime().replace(tzinfo=None)])
    summary.append([])
    summary.append([_("List"), _("District"), _("Town"), _("Count"), _("Total")])
    for cell in summary[5]:
        cell.font = Font(bold=True)
    for key in IMPACT_LISTS:
        if not allowed[key]:
            continue
        meta = _list_meta(key)
        queryset = impact_queryset(user=user, key=key, zone=zone.geom).select_related("organisation")
        grouped = impact_groups(queryset)
        for district in grouped["groups"]:
            for town in district["towns"]:
                summary.append(
                    [meta["label"], district["district"], town["town"], town["count"], town["measure"]]
                )
        summary.append([meta["label"], _("All"), "", grouped["total"]["count"], grouped["total"]["measure"]])
        sheet = workbook.create_sheet(meta["label"][:31])
        columns = _COMMON_COLUMNS + _EXTRA_COLUMNS.get(key, [])
        sheet.append([_column_label(label) for _field, label in columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        rows = 0
        for obj in queryset[:limit].iterator(chunk_size=2000):
            row = impact_row(obj, key=key, full_phones=full)
            sheet.append([row.get(field) for field, _label in columns])
            rows += 1
        sheet.freeze_panes = "A2"
        if key == "people":
            _audit_people_view(
                user=user, zone=zone, what="export", households=rows, people=grouped["total"]["measure"]
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Tasks --------------------------------------------------------------------------------------


def _district_organisations(district_ids: set[int]) -> dict[int, Any]:
    found = {}
    for area in AdminArea.objects.filter(pk__in=district_ids):
        organisation = organisation_for_district(district=area)
        if organisation is not None:
            found[area.pk] = organisation
    return found


def impact_tasks_plan(*, user: User, zone: Zone, keys: list[str]) -> tuple[list[dict[str, Any]], int]:
    """The tasks the lists make, one per responsible unit and list: the unit the rows name, else the
    district's own organisation. Returns the tasks (without deadline) and the rows no unit takes."""
    allowed = lists_allowed(user=user)
    tasks: list[dict[str, Any]] = []
    unassigned = 0
    for key in keys:
        if key not in IMPACT_LISTS:
            raise ValidationError({"lists": _("Unknown list %(key)s.") % {"key": key}})
        if not allowed[key]:
            raise PermissionDenied(
                _("Your role may not see the list %(list)s.") % {"list": IMPACT_LISTS[key].label}
            )
        queryset = impact_queryset(user=user, key=key, zone=zone.geom)
        per_unit: dict[int, dict[str, Any]] = defaultdict(lambda: {"count": 0, "measure": 0, "towns": set()})
        rows = list(queryset.order_by().values("organisation_id", "g_district_id", "g_town", "g_measure"))
        districts = _district_organisations({r["g_district_id"] for r in rows if r["g_district_id"]})
        for row in rows:
            org_id = row["organisation_id"]
            if org_id is None and row["g_district_id"] in districts:
                org_id = districts[row["g_district_id"]].pk
            if org_id is None:
                unassigned += 1
                continue
            entry = per_unit[org_id]
            entry["count"] += 1
            entry["measure"] += row["g_measure"] or 0
            if row["g_town"]:
                entry["towns"].add(row["g_town"])
        meta = _list_meta(key)
        for org_id, entry in sorted(per_unit.items()):
            towns = "、".join(sorted(entry["towns"])[:10])
            text = _("Impact zone (%(kind)s): %(list)s — %(count)d entries") % {
                "kind": zone.kind,
                "list": meta["label"],
                "count": entry["count"],
            }
            if meta["measure_label"]:
                text += _(", %(measure)d %(label)s") % {
                    "measure": entry["measure"],
                    "label": meta["measure_label"],
                }
            if towns:
                text += _(" in %(towns)s") % {"towns": towns}
            text += ". " + _("Check the list on the impact page and report back.")
            tasks.append(
                {"organisation_id": org_id, "text": text, "group_name": meta["label"][:100], "list": key}
            )
    return tasks, unassigned


def impact_tasks_send(
    *, user: User, zone: Zone, response_id: int, keys: list[str], deadline_minutes: int | None = None
) -> dict[str, Any]:
    """Send the lists as tasks through an active response (the response service checks the
    commander's right and the response's state)."""
    if not keys:
        raise ValidationError({"lists": _("Choose at least one list to send.")})
    tasks, unassigned = impact_tasks_plan(user=user, zone=zone, keys=keys)
    if not tasks:
        raise ValidationError({"lists": _("Nothing in the zone has a responsible unit to send tasks to.")})
    minutes = deadline_minutes or settings.SANFANG_IMPACT_TASK_DEADLINE_MINUTES
    deadline = timezone.now() + dt.timedelta(minutes=minutes)
    created = response_tasks_add(
        user=user,
        response_id=response_id,
        tasks=[{**task, "deadline": deadline} for task in tasks],
        key_prefix="impact",
    )
    if "people" in keys:
        people = [t for t in tasks if t["list"] == "people"]
        _audit_people_view(user=user, zone=zone, what="tasks", households=len(people), people=0)
    return {
        "response": response_id,
        "tasks": [
            {"id": t.pk, "organisation": t.organisation_id, "unit": t.unit_name, "text": t.text}
            for t in created
        ],
        "unassigned": unassigned,
    }
