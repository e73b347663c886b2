"""The gis app's own map layers: district boundaries and the four-colour risk zoning."""

from django.utils.translation import gettext_lazy as _

from accounts.choices import RoleCode
from gis.catalogue import Layer, Style, layer_register
from gis.choices import RISK_LEVEL_COLOURS, AreaLevel, RiskLevel
from gis.models import AdminArea, RiskZone

BASE_GROUP = _("Base layers")
RISK_GROUP = _("Risk")

layer_register(
    Layer(
        key="districts",
        name=_("District boundaries"),
        group=BASE_GROUP,
        queryset=lambda: AdminArea.objects.filter(level=AreaLevel.DISTRICT),
        geometry_type="polygon",
        style=Style(colour="#4fc3f7", fill_opacity=0.04, weight=2),
        detail_fields=("adcode", "name", "level", "approximate", "source"),
        search_fields=("name", "adcode"),
        order=10,
    )
)

layer_register(
    Layer(
        key="risk_zones",
        name=_("Risk four-colour map"),
        group=RISK_GROUP,
        queryset=lambda: RiskZone.objects.all(),
        geometry_type="polygon",
        style=Style(
            field="level",
            colours=RISK_LEVEL_COLOURS,
            labels={level.value: level.label for level in RiskLevel},
            fill_opacity=0.45,
            weight=1,
        ),
        detail_fields=("name", "level", "district__name", "hazard", "assessed_on", "source"),
        roles=frozenset(
            {
                RoleCode.COMMANDER,
                RoleCode.DUTY_OFFICER,
                RoleCode.MEMBER_UNIT_STAFF,
                RoleCode.GRID_INSPECTOR,
                RoleCode.SYSTEM_ADMIN,
            }
        ),
        order=20,
    )
)
