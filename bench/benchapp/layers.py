"""The bench layer, declared like any app's layer (``gis.catalogue``)."""

from bench.benchapp.models import BenchPoint
from gis.catalogue import Layer, Style, layer_register
from gis.choices import RISK_LEVEL_COLOURS

LAYER_KEY = "bench_points"
LEVELS = tuple(str(level) for level in RISK_LEVEL_COLOURS)

layer_register(
    Layer(
        key=LAYER_KEY,
        name="Bench points",
        group="Benchmarks",
        queryset=lambda: BenchPoint.objects.all(),
        geometry_type="point",
        style=Style(field="level", colours=RISK_LEVEL_COLOURS),
        tile_fields=("value",),
        detail_fields=("name", "level", "value"),
        order=1000,
    )
)
