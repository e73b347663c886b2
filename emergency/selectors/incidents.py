"""Reads of incidents: who sees which, the filtered and searched list, statistics."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncDay, TruncMonth, TruncWeek
from django.utils import timezone

from accounts.models import Organisation, User
from accounts.selectors.organisations import organisation_subtree, user_sees_whole_city
from emergency.choices import IncidentLevel, IncidentStatus
from emergency.models import Incident, IncidentType


def incidents_visible(*, user: User) -> QuerySet[Incident]:
    """City-wide roles see every incident; others those their organisation subtree handles or
    reported (a district sees its district's incidents, an enterprise what it reported)."""
    incidents = Incident.objects.select_related("type", "type__parent", "district", "reporter")
    if not user.is_authenticated or not user.is_active or not user.has_perm("emergency.view_incident"):
        return incidents.none()
    if user_sees_whole_city(user=user):
        return incidents
    if user.organisation_id is None:
        return incidents.none()
    subtree = organisation_subtree(organisation=user.organisation).values("pk")
    return incidents.filter(Q(organisation__in=subtree) | Q(reporter_organisation__in=subtree))


def incident_access(*, user: User, incident_id: int, for_update: bool = False) -> Incident:
    """The incident if the user may see it (``Incident.DoesNotExist`` otherwise, so a hidden incident
    and a missing one look the same)."""
    incidents = incidents_visible(user=user)
    if for_update:
        incidents = incidents.select_for_update(of=("self",))
    return incidents.get(pk=incident_id)


def incident_search(queryset: QuerySet[Incident], *, q: str) -> QuerySet[Incident]:
    """Every whitespace-separated term must occur in the title, description or address.

    Substring matching (ILIKE, backed by trigram indexes) rather than word search: Chinese text has no
    spaces between words, so "水库" must be found inside "白石水库出现管涌".
    """
    for term in q.split()[:10]:
        queryset = queryset.filter(
            Q(title__icontains=term) | Q(description__icontains=term) | Q(address__icontains=term)
        )
    return queryset


def incident_types_for(*, code: str) -> QuerySet[IncidentType]:
    """A type and, when it is a category, all its subtypes."""
    return IncidentType.objects.filter(Q(code=code) | Q(parent__code=code))


STATISTICS_DIMENSIONS = ("category", "type", "district", "level", "status", "period")
PERIODS = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}


def incident_statistics(*, queryset: QuerySet[Incident], by: str, period: str = "day") -> list[dict]:
    """Counts, casualties and losses of the given incidents grouped by one dimension.

    ``period`` groups by the day, week or month the incident occurred, in the local time zone.
    """
    if by not in STATISTICS_DIMENSIONS:
        raise ValueError(by)
    key_expr, label_of = _dimension(by, period)
    rows = (
        queryset.order_by()
        .annotate(key=key_expr)
        .values("key")
        .annotate(
            count=Count("id"),
            deaths=Coalesce(Sum("deaths"), 0),
            injuries=Coalesce(Sum("injuries"), 0),
            missing=Coalesce(Sum("missing"), 0),
            evacuated=Coalesce(Sum("evacuated"), 0),
            economic_loss=Coalesce(
                Sum("economic_loss"), 0, output_field=Incident._meta.get_field("economic_loss")
            ),
        )
        .order_by("key")
    )
    rows = list(rows)
    labels = label_of([row["key"] for row in rows])
    return [
        {
            "key": row["key"].date().isoformat() if by == "period" and row["key"] else row["key"],
            "label": labels.get(row["key"], str(row["key"] or "—")),
            "count": row["count"],
            "deaths": row["deaths"],
            "injuries": row["injuries"],
            "missing": row["missing"],
            "evacuated": row["evacuated"],
            "economic_loss": str(row["economic_loss"]),
        }
        for row in rows
    ]


def _dimension(by: str, period: str):
    from django.db.models import F

    if by == "category":
        return F("type__category"), _category_labels
    if by == "type":
        return F("type__code"), _type_labels
    if by == "district":
        return F("district__adcode"), _district_labels
    if by == "level":
        return F("level"), lambda keys: {k: str(IncidentLevel(k).label) for k in keys if k}
    if by == "status":
        return F("status"), lambda keys: {k: str(IncidentStatus(k).label) for k in keys if k}
    trunc = PERIODS.get(period)
    if trunc is None:
        raise ValueError(period)
    return trunc("occurred_at", tzinfo=timezone.get_current_timezone()), lambda keys: {
        k: k.date().isoformat() for k in keys if k
    }


def _category_labels(keys):
    from emergency.choices import IncidentCategory

    return {k: str(IncidentCategory(k).label) for k in keys if k}


def _type_labels(keys):
    return {t.code: type_display_name(t) for t in IncidentType.objects.filter(code__in=keys)}


def _district_labels(keys):
    from gis.models import AdminArea

    return dict(AdminArea.objects.filter(adcode__in=keys).values_list("adcode", "name"))


def type_display_name(incident_type: IncidentType) -> str:
    from django.utils.translation import get_language

    if (get_language() or "").startswith("en") and incident_type.name_en:
        return incident_type.name_en
    return incident_type.name


def organisation_for_district(*, district) -> Organisation | None:
    """The district's own organisation (it handles the incidents located there)."""
    from accounts.choices import OrganisationKind

    if district is None:
        return None
    return (
        Organisation.objects.filter(kind=OrganisationKind.DISTRICT, admin_area=district, is_active=True)
        .order_by("pk")
        .first()
    )
