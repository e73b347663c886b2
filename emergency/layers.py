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
