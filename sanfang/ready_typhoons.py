"""Wiring of the 三防 typhoons part, imported by ``SanfangConfig.ready`` (receivers, layers, panels, providers)."""

from django.db.models import CharField, Value
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.audit import audit_register
from gis.catalogue import Layer, Style, layer_register, map_page_extra_register
from sanfang.choices import TcClass
from sanfang.facts import fact_provider
from sanfang.impact_zones import zone_resolver_register
from sanfang.models import Storm, StormFix
from sanfang.services.typhoons import STORM_FIXES_LAYER
from sanfang.typhoon_zone import storm_zone, typhoon_facts

# Track colours by class, as the weather services draw them (weakest first).
TC_CLASS_COLOURS = {
    TcClass.TD: "#2e9e44",
    TcClass.TS: "#1e6fd9",
    TcClass.STS: "#f2c80f",
    TcClass.TY: "#f28c0f",
    TcClass.STY: "#e8384f",
    TcClass.SUPER_TY: "#9c1ab1",
    TcClass.EXTRATROPICAL: "#888888",
}

audit_register(Storm)
fact_provider(typhoon_facts)
zone_resolver_register("storm", storm_zone)


def _storm_fixes():
    return StormFix.objects.select_related("storm").annotate(
        label=Concat("storm__code", Value(" "), "storm__name", Value(" "), "source", output_field=CharField())
    )


layer_register(
    Layer(
        key=STORM_FIXES_LAYER,
        name=gettext_lazy("Typhoon track points"),
        group=gettext_lazy("Flood, typhoon and drought"),
        queryset=_storm_fixes,
        geometry_type="point",
        label_field="label",
        style=Style(
            field="tc_class",
            colours=TC_CLASS_COLOURS,
            labels={c.value: c.label for c in TcClass if c.value},
            radius=4,
        ),
        detail_fields=("storm", "source", "time", "tc_class", "wind_ms", "pressure_hpa", "move_dir"),
        search_fields=(),
        live=True,
        visible=False,
        order=35,
    )
)


def typhoon_map_config(request) -> dict:
    """The typhoon panel on the one map: its script, style, API root and words."""
    if not request.user.has_perm("sanfang.view_storm"):
        return {}
    return {
        "scripts": ["js/sanfang-typhoon.js"],
        "styles": ["css/sanfang-typhoon.css"],
        "typhoon": {
            "api": reverse("sanfang-api:typhoon-storms"),
            "class_colours": dict(TC_CLASS_COLOURS),
            "class_labels": {c.value: str(c.label) for c in TcClass if c.value},
            "text": {
                "title": _("Typhoon"),
                "choose": _("Choose a storm…"),
                "track": _("Track"),
                "forecast": _("Forecast and cone"),
                "circles": _("Wind circles 7/10/12"),
                "lines": _("24 h / 48 h warning lines"),
                "line24": _("24 h warning line"),
                "line48": _("48 h warning line"),
                "time": _("Time"),
                "play": _("Play"),
                "pause": _("Pause"),
                "distance": _("Distance to the city"),
                "approach": _("Nearest approach"),
                "approach_in": _("in %(hours)s h, %(km)s km"),
                "landfall": _("Landfall"),
                "passed": _("passed"),
                "inside": _("inside"),
                "outside": _("%(km)s km outside"),
                "force_here": _("Wind force here"),
                "no_storms": _("No storms are stored."),
                "error": _("The storm could not be loaded."),
                "synthetic": _("replay (synthetic)"),
            },
        },
    }


map_page_extra_register(typhoon_map_config)
