"""The emergency app's map layers."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from emergency.choices import ALERT_LEVEL_COLOURS, AlertLevel
from emergency.models import Alert
from emergency.selectors.alerts import alert_targets_for_user
from gis.catalogue import Layer, Style, layer_register

ALERTS_LAYER = "alerts"
# Older alerts stay in the list and the API; the map shows what is current.
ALERT_MAP_DAYS = 3


def _recent_open_alerts():
    return Alert.objects.filter(
        cleared_at__isnull=True, created__gte=timezone.now() - timedelta(days=ALERT_MAP_DAYS)
    )


def _alerts_for(queryset, user):
    return queryset.filter(targets__overlap=alert_targets_for_user(user=user) or ["-"])


layer_register(
    Layer(
        key=ALERTS_LAYER,
        name=_("Alerts"),
        group=_("Live"),
        queryset=_recent_open_alerts,
        geometry_type="mixed",
        label_field="title",
        style=Style(
            field="level",
            colours=ALERT_LEVEL_COLOURS,
            labels={level.value: level.label for level in AlertLevel},
            fill_opacity=0.3,
            radius=9,
        ),
        tile_fields=("kind",),
        detail_fields=(
            "title",
            "kind",
            "level",
            "body",
            "created",
            "acknowledged_by",
            "acknowledged_at",
            "drill",
        ),
        scope=_alerts_for,
        search_fields=("title",),
        live=True,
        order=5,
    )
)


# --- The command core: incidents and resources -----------------------------------------------------


def _incidents_layer_queryset():
    from emergency.choices import OPEN_INCIDENT_STATUSES
    from emergency.models import Incident

    return Incident.objects.filter(status__in=OPEN_INCIDENT_STATUSES)


def _incidents_for(queryset, user):
    from emergency.selectors.incidents import incidents_visible

    return queryset.filter(pk__in=incidents_visible(user=user).values("pk"))


def _resources_for(kind):
    def scope(queryset, user):
        from emergency.selectors.resources import resources_visible

        return queryset.filter(pk__in=resources_visible(user=user, kind=kind).values("pk"))

    return scope


def _register_command_layers() -> None:
    from emergency.choices import (
        INCIDENT_LEVEL_COLOURS,
        TEAM_STATUS_COLOURS,
        IncidentLevel,
        ResourceKind,
        TeamStatus,
    )
    from emergency.models import Depot, Expert, MedicalFacility, RescueTeam, Shelter

    layer_register(
        Layer(
            key="incidents",
            name=_("Incidents"),
            group=_("Live"),
            queryset=_incidents_layer_queryset,
            geometry_type="point",
            label_field="title",
            style=Style(
                field="level",
                colours=INCIDENT_LEVEL_COLOURS,
                labels={level.value: level.label for level in IncidentLevel},
                radius=8,
            ),
            tile_fields=("status",),
            detail_fields=("title", "type", "level", "status", "address", "district", "occurred_at", "drill"),
            scope=_incidents_for,
            search_fields=("title", "address"),
            live=True,
            order=6,
        )
    )
    common = {
        "group": _("Emergency resources"),
        "geometry_type": "point",
        "search_fields": ("name", "address"),
    }
    layer_register(
        Layer(
            key="rescue_teams",
            name=_("Rescue teams"),
            queryset=lambda: RescueTeam.objects.all(),
            style=Style(
                field="status",
                colours=TEAM_STATUS_COLOURS,
                labels={s.value: s.label for s in TeamStatus},
            ),
            detail_fields=("name", "speciality", "status", "equipment", "organisation", "address"),
            scope=_resources_for(ResourceKind.TEAM),
            live=True,
            order=40,
            **common,
        )
    )
    for order, (key, name, model, colour, fields, kind) in enumerate(
        [
            (
                "depots",
                _("Material depots"),
                Depot,
                "#795548",
                ("name", "organisation", "address"),
                ResourceKind.DEPOT,
            ),
            (
                "experts",
                _("Experts"),
                Expert,
                "#6a1b9a",
                ("name", "speciality", "title", "available"),
                ResourceKind.EXPERT,
            ),
            (
                "shelters",
                _("Shelters"),
                Shelter,
                "#00897b",
                ("name", "capacity", "occupancy", "is_open", "address"),
                ResourceKind.SHELTER,
            ),
            (
                "medical",
                _("Medical facilities"),
                MedicalFacility,
                "#d81b60",
                ("name", "grade", "beds", "address"),
                ResourceKind.MEDICAL,
            ),
        ],
        start=41,
    ):
        layer_register(
            Layer(
                key=key,
                name=name,
                queryset=(lambda m=model: m.objects.all()),
                style=Style(colour=colour),
                detail_fields=fields,
                scope=_resources_for(kind),
                live=key == "shelters",
                visible=False,
                order=order,
                **common,
            )
        )


_register_command_layers()
