from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmergencyConfig(AppConfig):
    name = "emergency"
    verbose_name = _("Emergency command")

    def ready(self) -> None:
        from accounts.audit import audit_register
        from emergency import bigscreen, layers, warnings_layers  # noqa: F401  (register panels and map layers)
        from emergency.models import Alert
        from emergency.views import live_config
        from gis.catalogue import map_page_extra_register

        audit_register(Alert)
        map_page_extra_register(live_config)
