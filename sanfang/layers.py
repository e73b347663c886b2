"""The sanfang app's map layers."""

from django.utils.translation import gettext_lazy as _

from gis.catalogue import Layer, Style, layer_register
from sanfang.choices import STATION_KIND_COLOURS, StationKind
from sanfang.selectors.stations import stations_on_map

STATIONS_LAYER = "stations"

layer_register(
    Layer(
        key=STATIONS_LAYER,
        name=_("Monitoring stations"),
        group=_("Flood, typhoon and drought"),
        queryset=stations_on_map,
        geometry_type="point",
        label_field="name",
        style=Style(
            field="kind",
            colours=STATION_KIND_COLOURS,
            labels={kind.value: kind.label for kind in StationKind},
            radius=6,
        ),
        detail_fields=("code", "name", "kind", "owner", "district", "source"),
        search_fields=("name", "code"),
        live=True,
        order=30,
    )
)
