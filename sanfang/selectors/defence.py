"""Reads of defence preparation (防御准备) and disaster reports (灾情): who sees what, progress against
targets, and loss and relief statistics.

Scope: city-wide roles see every district. Everyone else is bound to the district their organisation
lies in (the nearest ancestor with a district area); a city-level member unit with no district (the
water bureau, say) sees and reports for every district. Reports are cumulative ("so far"), so only the
latest report per unit, district, town and category counts; a corrected report never double-counts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import Organisation, User
from accounts.selectors.organisations import user_sees_whole_city
from emergency.choices import IncidentStatus
from emergency.models import Incident
from emergency.selectors.incidents import incidents_visible
from gis.choices import AreaLevel
from gis.models import AdminArea
from sanfang.choices import DefenceCategory
from sanfang.models import DefenceReport, DefenceTarget, DisasterReport

ALL_DISTRICTS = None
# What each category is checked against when a unit reports (resettled people were moved first;
# people ashore came off ships, but a ship's crew count is unknown, so only the first pair is checked).
NOT_MORE_THAN = {DefenceCategory.PEOPLE_RESETTLED: DefenceCategory.PEOPLE_MOVED}
DISASTER_FIGURES = (
    "affected_people",
    "deaths",
    "missing",
    "injuries",
    "houses_collapsed",
    "houses_damaged",
    "crops_hectares",
    "economic_loss",
    "people_relocated",
    "relief_funds",
)
DECIMAL_FIGURES = frozenset({"crops_hectares", "economic_loss", "relief_funds"})
OPEN_STATUSES = (IncidentStatus.REPORTED, IncidentStatus.VERIFIED, IncidentStatus.RESPONDING)


def defence_can_view(*, user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.has_perm("sanfang.view_defencereport"))


def defence_district_scope(*, user: User) -> int | None:
    """The one district the user is bound to, or ``None`` for every district (see the module note).

    Users with no organisation and no city-wide role get ``-1``: no district at all.
    """
    if user_sees_whole_city(user=user):
        return ALL_DISTRICTS
    cached = getattr(user, "_defence_district", False)
    if cached is not False:
        return cached
    district: int | None = -1
    org: Organisation | None = user.organisation if user.organisation_id else None
    if org is not None:
        district = ALL_DISTRICTS
        seen: set[int] = set()
        while org is not None and org.pk not in seen:
            seen.add(org.pk)
            if org.admin_area_id:
                area = AdminArea.objects.filter(pk=org.admin_area_id).only("pk", "level", "parent").first()
                # A town's area belongs to its district.
                while area is not None and area.level not in (AreaLevel.DISTRICT, AreaLevel.CITY):
                    area = area.parent
                if area is not None and area.level == AreaLevel.DISTRICT:
                    district = area.pk
                    break
                if area is not None:
                    break  # the city: every district
            org = org.parent
    user._defence_district = district
    return district


def defence_districts(*, user: User) -> QuerySet[AdminArea]:
    areas = AdminArea.objects.filter(level=AreaLevel.DISTRICT).order_by("adcode")
    scope = defence_district_scope(user=user)
    return areas if scope is ALL_DISTRICTS else areas.filter(pk=scope)


def _in_scope(queryset: QuerySet, *, user: User) -> QuerySet:
    scope = defence_district_scope(user=user)
    return queryset if scope is ALL_DISTRICTS else queryset.filter(district_id=scope)


def defence_events(*, user: User, open_only: bool = False) -> QuerySet[Incident]:
    """Events the user may report defence progress on or follow: those they see as incidents, and
    every event the command centre has set defence targets for (the targets make it a defence event
    for all member units). Latest first; drills stay flagged."""
    if not defence_can_view(user=user):
        return Incident.objects.none()
    targeted = DefenceTarget.objects.filter(incident=OuterRef("pk"))
    events = Incident.objects.select_related("type", "district").filter(
        Q(pk__in=incidents_visible(user=user).values("pk")) | Exists(targeted)
    )
    if open_only:
        events = events.filter(status__in=OPEN_STATUSES)
    return events.order_by("-reported_at", "-pk")


def defence_event_access(*, user: User, incident_id: int) -> Incident:
    """The event if the user may see its defence progress (``Incident.DoesNotExist`` otherwise)."""
    return defence_events(user=user).get(pk=incident_id)


def defence_current_event(*, user: User) -> Incident | None:
    """The event the screens show by default: the latest open one with targets, else with reports."""
    events = defence_events(user=user, open_only=True)
    with_targets = events.filter(Exists(DefenceTarget.objects.filter(incident=OuterRef("pk")))).first()
    if with_targets is not None:
        return with_targets
    return events.filter(Exists(DefenceReport.objects.filter(incident=OuterRef("pk")))).first()


def defence_reports_visible(*, user: User) -> QuerySet[DefenceReport]:
    if not defence_can_view(user=user):
        return DefenceReport.objects.none()
    reports = DefenceReport.objects.select_related("organisation", "district", "reporter", "incident")
    return _in_scope(reports, user=user).filter(incident__in=defence_events(user=user).values("pk"))


def defence_targets_visible(*, user: User) -> QuerySet[DefenceTarget]:
    if not user.is_authenticated or not user.has_perm("sanfang.view_defencetarget"):
        return DefenceTarget.objects.none()
    targets = DefenceTarget.objects.select_related("district", "incident")
    return _in_scope(targets, user=user).filter(incident__in=defence_events(user=user).values("pk"))


def defence_latest_reports(*, incident_id: int, user: User | None = None) -> QuerySet[DefenceReport]:
    """The latest report per unit, district, town and category (the ones that count)."""
    reports = (
        defence_reports_visible(user=user)
        if user is not None
        else DefenceReport.objects.select_related("organisation", "district")
    )
    return (
        reports.filter(incident_id=incident_id)
        .order_by("organisation_id", "district_id", "town", "category", "-reported_at", "-pk")
        .distinct("organisation_id", "district_id", "town", "category")
    )


def defence_unit_value(
    *, incident_id: int, organisation_id: int, district_id: int, town: str, category: str
) -> int | None:
    """What a unit last reported for one place and category (``None`` if nothing yet)."""
    latest = (
        DefenceReport.objects.filter(
            incident_id=incident_id,
            organisation_id=organisation_id,
            district_id=district_id,
            town=town,
            category=category,
        )
        .order_by("-reported_at", "-pk")
        .values_list("value", flat=True)
        .first()
    )
    return latest


@dataclass
class ProgressLine:
    """Done against target for one category (and place)."""

    category: str
    label: str
    done: int = 0
    target: int = 0

    @property
    def percent(self) -> int | None:
        if not self.target:
            return None
        return round(100 * self.done / self.target)

    @property
    def complete(self) -> bool:
        return bool(self.target) and self.done >= self.target

    def as_dict(self) -> dict:
        return {
            "category": self.category,
            "label": self.label,
            "done": self.done,
            "target": self.target,
            "percent": self.percent,
        }


@dataclass
class PlaceProgress:
    district_id: int
    district: str
    town: str
    lines: dict[str, ProgressLine] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "district_id": self.district_id,
            "district": self.district,
            "town": self.town,
            "categories": [line.as_dict() for line in self.lines.values()],
        }


def _blank_lines() -> dict[str, ProgressLine]:
    return {c.value: ProgressLine(c.value, str(c.label)) for c in DefenceCategory}


def defence_progress(*, user: User, incident_id: int) -> dict:
    """Totals against targets for one event, overall and by district and town, in the user's scope.

    ``{"totals": [ProgressLine…], "places": [PlaceProgress…], "units": n, "last_report": datetime}``
    """
    totals = _blank_lines()
    places: dict[tuple[int, str], PlaceProgress] = {}
    names: dict[int, str] = {}

    def place(district_id: int, district_name: str, town: str) -> PlaceProgress:
        key = (district_id, town)
        if key not in places:
            places[key] = PlaceProgress(district_id, district_name, town, _blank_lines())
        return places[key]

    for target in defence_targets_visible(user=user).filter(incident_id=incident_id):
        names[target.district_id] = target.district.name
        place(target.district_id, target.district.name, target.town).lines[
            target.category
        ].target += target.target
        totals[target.category].target += target.target
    units: set[int] = set()
    last = None
    for report in defence_latest_reports(incident_id=incident_id, user=user):
        units.add(report.organisation_id)
        last = report.reported_at if last is None or report.reported_at > last else last
        place(report.district_id, report.district.name, report.town).lines[
            report.category
        ].done += report.value
        totals[report.category].done += report.value
    ordered = sorted(places.values(), key=lambda p: (p.district, p.town))
    return {"totals": list(totals.values()), "places": ordered, "units": len(units), "last_report": last}


def disaster_reports_visible(*, user: User) -> QuerySet[DisasterReport]:
    if not user.is_authenticated or not user.has_perm("sanfang.view_disasterreport"):
        return DisasterReport.objects.none()
    reports = DisasterReport.objects.select_related("incident", "district", "reporter")
    return _in_scope(reports, user=user).filter(incident__in=defence_events(user=user).values("pk"))


def disaster_statistics(*, user: User, incident_id: int | None = None, drill: bool = False) -> dict:
    """Loss and relief per event and district (the latest report of each counts), with totals.

    ``{"rows": [{"incident", "district", "reported_at", <figures>…}], "totals": {<figures>…}}``;
    drills are never counted with real events.
    """
    reports = disaster_reports_visible(user=user).filter(incident__drill=drill)
    if incident_id is not None:
        reports = reports.filter(incident_id=incident_id)
    latest = reports.order_by("incident_id", "district_id", "-reported_at", "-pk").distinct(
        "incident_id", "district_id"
    )
    rows = []
    totals: dict[str, int | Decimal] = defaultdict(int)
    for report in sorted(latest, key=lambda r: (-r.incident.reported_at.timestamp(), r.district.adcode)):
        row = {
            "incident_id": report.incident_id,
            "incident": report.incident.title,
            "drill": report.incident.drill,
            "district_id": report.district_id,
            "district": report.district.name,
            "reported_at": report.reported_at,
            "relief_supplies": report.relief_supplies,
        }
        for name in DISASTER_FIGURES:
            value = getattr(report, name)
            row[name] = value
            totals[name] += value
        rows.append(row)
    return {"rows": rows, "totals": {name: totals[name] for name in DISASTER_FIGURES}}
