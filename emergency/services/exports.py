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
