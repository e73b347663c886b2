"""The sanfang app's map layers."""

from django.utils.translation import gettext_lazy as _

from gis.catalogue import Layer, Style, layer_register
from sanfang.choices import StationState
from sanfang.selectors.monitoring import stations_with_state

STATIONS_LAYER = "stations"
STATION_STATE_COLOURS: dict[str, str] = {
    StationState.NORMAL: "#2fbf71",
    StationState.WARNING: "#ff9800",
    StationState.DANGER: "#e02020",
    StationState.NO_DATA: "#8c9bab",
}

# Coloured by the computed state (sanfang.services.monitoring); the popup shows the rolling rainfall,
# trend and rainstorm signal, and the station panel (static/js/sanfang-stations.js) a chart.
layer_register(
    Layer(
        key=STATIONS_LAYER,
        name=_("Monitoring stations"),
        group=_("Flood, typhoon and drought"),
        queryset=stations_with_state,
        geometry_type="point",
        label_field="name",
        style=Style(
            field="state",
            colours=STATION_STATE_COLOURS,
            labels={state.value: state.label for state in StationState},
            radius=6,
        ),
        # The kind travels with each feature too (other screens filter by it).
        tile_fields=("kind",),
        detail_fields=(
            "code",
            "kind",
            "status__state",
            "status__reason",
            "status__value",
            "status__value_time",
            "status__trend",
            "status__rain_1h",
            "status__rain_3h",
            "status__rain_6h",
            "status__rain_12h",
            "status__rain_24h",
            "status__rain_signal",
            "owner",
            "district",
        ),
        search_fields=("name", "code"),
        live=True,
        order=30,
    )
)
