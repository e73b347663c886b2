"""The map layer of the CAP warnings in force (imported from ``EmergencyConfig.ready()``)."""

from django.utils.translation import gettext_lazy as _

from emergency.choices import ALERT_LEVEL_COLOURS, AlertLevel
from emergency.models.warnings import WARNING_COLOUR_CHOICES
from emergency.selectors.warnings import WARNINGS_LAYER, warning_areas_active
from gis.catalogue import Layer, Style, layer_register

layer_register(
    Layer(
        key=WARNINGS_LAYER,
        name=_("Active warnings (CAP)"),
        group=_("Live"),
        queryset=warning_areas_active,
        geometry_type="polygon",
        label_field="headline",
        style=Style(
            field="colour",
            colours={value: ALERT_LEVEL_COLOURS[value] for value, _label in WARNING_COLOUR_CHOICES},
            labels={value: AlertLevel(value).label for value, _label in WARNING_COLOUR_CHOICES},
            fill_opacity=0.25,
            weight=2,
        ),
        tile_fields=("event",),
        detail_fields=(
            "headline",
            "event",
            "colour",
            "area_desc",
            "warning__sender",
            "warning__sent",
            "warning__ends_at",
            "warning__msg_type",
        ),
        search_fields=("headline", "event", "area_desc"),
        live=True,
        order=6,
    )
)
