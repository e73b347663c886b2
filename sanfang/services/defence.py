"""Writes of defence preparation (防御准备) and disaster reports (灾情), checked, audited and pushed to
the big screen on commit; and the loss-statistics Excel export.

Units report cumulative figures for one event, district, town and category; the latest report per unit
and place counts (see ``sanfang.selectors.defence``).
"""

from __future__ import annotations

import io
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from accounts.audit_context import audit_context
from accounts.models import User
from emergency.bigscreen import panels_refresh_on_commit
from emergency.models import Incident
from gis.models import AdminArea
from sanfang.choices import DefenceCategory
from sanfang.models import DefenceReport, DefenceTarget, DisasterReport
from sanfang.selectors.defence import (
    DECIMAL_FIGURES,
    DISASTER_FIGURES,
    NOT_MORE_THAN,
    OPEN_STATUSES,
    defence_districts,
    defence_event_access,
    defence_unit_value,
)

DEFENCE_PANEL = "sanfang_defence_progress"
TOWN_MAX = 60


def _max_figure() -> int:
    return settings.SANFANG_DEFENCE_MAX_FIGURE


def _event(*, user: User, incident_id: int, for_reporting: bool = True) -> Incident:
    try:
        event = defence_event_access(user=user, incident_id=incident_id)
    except Incident.DoesNotExist:
        raise ValidationError({"incident": _("Unknown event, or one you may not report on.")}) from None
    if for_reporting and event.status not in OPEN_STATUSES:
        raise ValidationError({"incident": _("This event is closed: no more reports.")})
    return event


def _district(*, user: User, district_id: int | None, errors: dict) -> AdminArea | None:
    if district_id is None:
        errors["district"] = _("Choose a district.")
        return None
    district = defence_districts(user=user).filter(pk=district_id).first()
    if district is None:
        errors["district"] = _("You may not report for this district.")
    return district


def _whole(value, *, name: str, errors: dict) -> int | None:
    """A whole number from 0 to the sanity limit (a typo of a few extra zeros is caught here)."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        errors[name] = _("Enter a whole number.")
        return None
    if number < 0:
        errors[name] = _("This cannot be negative.")
    elif number > _max_figure():
        errors[name] = _("%(n)s is more than %(max)s: check the figure.") % {
            "n": number,
            "max": _max_figure(),
        }
    return number


@transaction.atomic
def defence_report_submit(
    *,
    user: User,
    incident_id: int,
    district_id: int | None,
    category: str,
    value,
    town: str = "",
    note: str = "",
) -> DefenceReport:
    """A member unit reports how far it has got ("so far") for one place and category.

    Checks: the reporter's unit and district scope, a whole number not below zero, people resettled not
    above people moved for the same place, and a lower figure than the unit's last one only with a note
    saying why (a correction).
    """
    if not user.has_perm("sanfang.add_defencereport"):
        raise PermissionDenied(_("You may not report defence progress."))
    if not user.organisation_id:
        raise PermissionDenied(_("Only staff of a unit may report defence progress."))
    errors: dict[str, str] = {}
    event = _event(user=user, incident_id=incident_id)
    district = _district(user=user, district_id=district_id, errors=errors)
    if category not in DefenceCategory.values:
        errors["category"] = _("Choose one of the listed categories.")
    town = (town or "").strip()
    if len(town) > TOWN_MAX:
        errors["town"] = _("At most %(n)d characters.") % {"n": TOWN_MAX}
    number = _whole(value, name="value", errors=errors)
    note = (note or "").strip()[:500]
    if errors:
        raise ValidationError(errors)
    assert district is not None and number is not None
    # One unit's reports for one place are serialised, so the checks below see the latest figures.
    DefenceReport.objects.select_for_update().filter(
        incident=event, organisation_id=user.organisation_id, district=district, town=town
    ).exists()
    place = {
        "incident_id": event.pk,
        "organisation_id": user.organisation_id,
        "district_id": district.pk,
        "town": town,
    }
    bound = NOT_MORE_THAN.get(category)
    if bound is not None:
        moved = defence_unit_value(**place, category=bound)
        if number > (moved or 0):
            errors["value"] = _(
                "%(category)s (%(n)s) cannot exceed %(bound)s reported by your unit here (%(m)s)."
            ) % {
                "category": DefenceCategory(category).label,
                "n": number,
                "bound": DefenceCategory(bound).label,
                "m": moved or 0,
            }
    previous = defence_unit_value(**place, category=category)
    if previous is not None and number < previous and not note:
        errors["note"] = _(
            "Your unit reported %(previous)s before; a lower figure needs a note saying why."
        ) % {"previous": previous}
    if errors:
        raise ValidationError(errors)
    with audit_context(actor=user):
        report = DefenceReport.objects.create(
            incident=event,
            organisation_id=user.organisation_id,
            district=district,
            town=town,
            category=category,
            value=number,
            note=note,
            reporter=user,
        )
    panels_refresh_on_commit(DEFENCE_PANEL)
    return report


@transaction.atomic
def defence_target_set(
    *, user: User, incident_id: int, district_id: int | None, category: str, target, town: str = ""
) -> DefenceTarget:
    """The command centre sets (or changes) the target for one place and category of an event."""
    if not user.has_perm("sanfang.add_defencetarget") or not user.has_perm("sanfang.change_defencetarget"):
        raise PermissionDenied(_("You may not set defence targets."))
    errors: dict[str, str] = {}
    event = _event(user=user, incident_id=incident_id)
    district = _district(user=user, district_id=district_id, errors=errors)
    if category not in DefenceCategory.values:
        errors["category"] = _("Choose one of the listed categories.")
    town = (town or "").strip()
    if len(town) > TOWN_MAX:
        errors["town"] = _("At most %(n)d characters.") % {"n": TOWN_MAX}
    number = _whole(target, name="target", errors=errors)
    if errors:
        raise ValidationError(errors)
    with audit_context(actor=user):
        row, _created = DefenceTarget.objects.update_or_create(
            incident=event, district=district, town=town, category=category, defaults={"target": number}
        )
    panels_refresh_on_commit(DEFENCE_PANEL)
    return row


def _amount(value, *, name: str, errors: dict) -> Decimal | None:
    try:
        number = Decimal(str(value).strip() or "0")
    except (InvalidOperation, ValueError):
        errors[name] = _("Enter a number.")
        return None
    if not number.is_finite():
        errors[name] = _("Enter a number.")
    elif number < 0:
        errors[name] = _("This cannot be negative.")
    elif number >= Decimal(10) ** 12:
        errors[name] = _("This number is too large.")
    return number


@transaction.atomic
def disaster_report_submit(
    *,
    user: User,
    incident_id: int,
    district_id: int | None,
    relief_supplies: str = "",
    note: str = "",
    **figures,
) -> DisasterReport:
    """Losses and relief for one event and district so far (the latest report counts). Counts are whole
    numbers not below zero; deaths, missing and injuries are part of the people affected."""
    if not user.has_perm("sanfang.add_disasterreport"):
        raise PermissionDenied(_("You may not report losses."))
    unknown = set(figures) - set(DISASTER_FIGURES)
    if unknown:
        raise ValidationError({name: _("Unknown figure.") for name in sorted(unknown)})
    errors: dict[str, str] = {}
    event = _event(user=user, incident_id=incident_id)
    district = _district(user=user, district_id=district_id, errors=errors)
    values: dict = {}
    for name in DISASTER_FIGURES:
        raw = figures.get(name, 0)
        if raw is None or raw == "":
            raw = 0
        values[name] = (
            _amount(raw, name=name, errors=errors)
            if name in DECIMAL_FIGURES
            else _whole(raw, name=name, errors=errors)
        )
    if not errors:
        people = values["deaths"] + values["missing"] + values["injuries"]
        if values["affected_people"] and people > values["affected_people"]:
            errors["affected_people"] = _(
                "Deaths, missing and injured (%(n)s) are part of the people affected: it cannot be fewer."
            ) % {"n": people}
    if errors:
        raise ValidationError(errors)
    with audit_context(actor=user):
        report = DisasterReport.objects.create(
            incident=event,
            district=district,
            reporter=user,
            relief_supplies=(relief_supplies or "").strip(),
            note=(note or "").strip(),
            **values,
        )
    return report


def disaster_statistics_export_xlsx(*, statistics: dict, drill: bool = False) -> bytes:
    """Loss and relief statistics (灾情统计) per event and district, with a total row."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = (_("Drill losses and relief") if drill else _("Losses and relief"))[:31]
    headers = [
        _("Event"),
        _("District"),
        _("Reported at"),
        _("People affected"),
        _("Deaths"),
        _("Missing"),
        _("Injuries"),
        _("Houses collapsed"),
        _("Houses damaged"),
        _("Crops affected (ha)"),
        _("Direct economic loss (10k yuan)"),
        _("People relocated"),
        _("Relief funds (10k yuan)"),
        _("Relief supplies"),
    ]
    sheet.append(headers)

    def cell(value):
        return float(value) if isinstance(value, Decimal) else value

    for row in statistics["rows"]:
        sheet.append(
            [
                row["incident"],
                row["district"],
                timezone.localtime(row["reported_at"]).replace(tzinfo=None),
                *(cell(row[name]) for name in DISASTER_FIGURES),
                row["relief_supplies"],
            ]
        )
    if statistics["rows"]:
        sheet.append(
            [_("Total"), "", None, *(cell(statistics["totals"][name]) for name in DISASTER_FIGURES), ""]
        )
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(header) * 2)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
