"""Excel exports (openpyxl), written in the user's language."""

from __future__ import annotations

import io

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from emergency.models import Incident
from emergency.selectors.incidents import type_display_name

MAX_EXPORT_ROWS = 50_000


def incidents_export_xlsx(*, incidents: QuerySet[Incident]) -> bytes:
    """One sheet with a row per incident (at most ``MAX_EXPORT_ROWS``), times in local time."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Incidents")[:31]
    headers = [
        _("ID"),
        _("Title"),
        _("Category"),
        _("Type"),
        _("Level"),
        _("Status"),
        _("District"),
        _("Address"),
        _("Longitude"),
        _("Latitude"),
        _("Occurred at"),
        _("Reported at"),
        _("Source"),
        _("Deaths"),
        _("Injuries"),
        _("Missing"),
        _("Evacuated"),
        _("Direct economic loss (10k yuan)"),
        _("Drill"),
    ]
    sheet.append(headers)

    def local(value):
        return timezone.localtime(value).replace(tzinfo=None) if value else None

    for incident in incidents.select_related("type", "type__parent", "district")[:MAX_EXPORT_ROWS]:
        category = incident.type.parent or incident.type
        sheet.append(
            [
                incident.pk,
                incident.title,
                type_display_name(category),
                type_display_name(incident.type),
                incident.get_level_display(),
                incident.get_status_display(),
                incident.district.name if incident.district_id else "",
                incident.address,
                round(incident.geom.x, 6),
                round(incident.geom.y, 6),
                local(incident.occurred_at),
                local(incident.reported_at),
                incident.get_source_display(),
                incident.deaths,
                incident.injuries,
                incident.missing,
                incident.evacuated,
                float(incident.economic_loss),
                _("Yes") if incident.drill else _("No"),
            ]
        )
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(10, len(header) * 2)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def losses_export_xlsx(*, by_district: list[dict], incidents: QuerySet[Incident], drill: bool) -> bytes:
    """Loss statistics (灾情统计): a sheet of totals per district and a sheet per incident. Drills and
    real events are never mixed: the caller passes one or the other, and the title says which."""
    workbook = Workbook()
    totals = workbook.active
    totals.title = (_("Drill losses by district") if drill else _("Losses by district"))[:31]
    numbers = [
        _("Incidents"),
        _("Deaths"),
        _("Injuries"),
        _("Missing"),
        _("Evacuated"),
        _("Direct economic loss (10k yuan)"),
    ]
    totals.append([_("District"), *numbers])
    for row in by_district:
        totals.append(
            [
                row["label"],
                row["count"],
                row["deaths"],
                row["injuries"],
                row["missing"],
                row["evacuated"],
                float(row["economic_loss"]),
            ]
        )
    if by_district:
        totals.append(
            [
                _("Total"),
                *(
                    sum(row[key] for row in by_district)
                    for key in ("count", "deaths", "injuries", "missing", "evacuated")
                ),
                float(sum(float(row["economic_loss"]) for row in by_district)),
            ]
        )
    sheet = workbook.create_sheet((_("Drill incidents") if drill else _("Incidents"))[:31])
    sheet.append([_("ID"), _("Title"), _("Type"), _("Level"), _("District"), _("Occurred at"), *numbers[1:]])
    for incident in incidents.select_related("type", "district")[:MAX_EXPORT_ROWS]:
        sheet.append(
            [
                incident.pk,
                incident.title,
                type_display_name(incident.type),
                incident.get_level_display(),
                incident.district.name if incident.district_id else "",
                timezone.localtime(incident.occurred_at).replace(tzinfo=None),
                incident.deaths,
                incident.injuries,
                incident.missing,
                incident.evacuated,
                float(incident.economic_loss),
            ]
        )
    for ws in (totals, sheet):
        for index in range(1, ws.max_column + 1):
            ws.column_dimensions[get_column_letter(index)].width = 16
        ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
