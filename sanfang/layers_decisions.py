"""The four-colour risk zoning layer of the one map (natural-disaster risk per district)."""

from __future__ import annotations

from django.db.models import Case, CharField, FloatField, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from emergency.choices import ALERT_LEVEL_COLOURS
from gis.catalogue import Layer, Style, layer_register
from gis.choices import AreaLevel
from gis.models import AdminArea
from sanfang.services.risk import COLOURS, RISK_LAYER, risk_current

RISK_LABELS = {
    "red": _("Red: major risk"),
    "orange": _("Orange: large risk"),
    "yellow": _("Yellow: general risk"),
    "blue": _("Blue: low risk"),
}


def risk_zoning_queryset() -> QuerySet:
    """The districts with their latest assessed risk colour and value (from the cache)."""
    current = risk_current()
    colours = [When(adcode=a["key"], then=Value(a["colour"])) for a in current]
    values = [When(adcode=a["key"], then=Value(a["risk"])) for a in current]
    return AdminArea.objects.filter(level=AreaLevel.DISTRICT).annotate(
        risk_colour=Case(*colours, default=Value("blue"), output_field=CharField()),
        risk_value=Case(*values, default=Value(0.0), output_field=FloatField()),
    )


layer_register(
    Layer(
        key=RISK_LAYER,
        name=_("Natural-disaster risk zoning"),
        group=_("Flood, typhoon and drought"),
        queryset=risk_zoning_queryset,
        geometry_type="polygon",
        label_field="name",
        style=Style(
            field="risk_colour",
            colours={c: ALERT_LEVEL_COLOURS[c] for c in reversed(COLOURS)},
            labels=RISK_LABELS,
            fill_opacity=0.35,
        ),
        tile_fields=("risk_value",),
        detail_fields=("name", "adcode"),
        visible=False,
        order=60,
    )
)
