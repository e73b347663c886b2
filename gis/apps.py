from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GisConfig(AppConfig):
    name = "gis"
    # django.contrib.gis already uses the label "gis".
    label = "geo"
    verbose_name = _("Maps and areas")

    def ready(self) -> None:
        from accounts.audit import audit_register
        from gis import demo, layers  # noqa: F401  (register the demo loader and the map layers)
        from gis.models import RiskZone

        audit_register(RiskZone)
