"""The four-colour zoning of the natural-disaster risk model (``sanfang.services.risk``) as a layer
of the one map: the ``gis.RiskZone`` rows the model writes."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.choices import RoleCode
from gis.catalogue import Layer, Style, layer_register
from gis.choices import RISK_LEVEL_COLOURS, RiskLevel
from gis.models import RiskZone
from sanfang.services.risk import MODEL_SOURCE, RISK_LAYER

layer_register(
    Layer(
        key=RISK_LAYER,
        name=_("Natural-disaster risk zoning (model)"),
        group=_("Flood, typhoon and drought"),
        queryset=lambda: RiskZone.objects.filter(source=MODEL_SOURCE),
        geometry_type="polygon",
        style=Style(
            field="level",
            colours=RISK_LEVEL_COLOURS,
            labels={level.value: level.label for level in RiskLevel},
            fill_opacity=0.35,
            weight=1,
        ),
        detail_fields=("name", "level", "district__name", "hazard", "assessed_on"),
        roles=frozenset(
            {
                RoleCode.COMMANDER,
                RoleCode.DUTY_OFFICER,
                RoleCode.MEMBER_UNIT_STAFF,
                RoleCode.GRID_INSPECTOR,
                RoleCode.SYSTEM_ADMIN,
            }
        ),
        live=True,
        visible=False,
        order=60,
    )
)
