from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmergencyConfig(AppConfig):
    name = "emergency"
    verbose_name = _("Emergency command")

    def ready(self) -> None:
        from accounts.audit import audit_register
        from emergency import bigscreen, layers, panels  # noqa: F401  (register panels and map layers)
        from emergency import models as m
        from emergency.views import live_config
        from gis.catalogue import map_page_extra_register

        audit_register(m.Alert)
        # The command core: every write is audited (phone numbers are encrypted, so recorded as secret).
        for model in (
            m.IncidentType,
            m.Incident,
            m.IncidentUpdate,
            m.IncidentAttachment,
            m.RescueTeam,
            m.TeamMember,
            m.Depot,
            m.StockItem,
            m.StockMovement,
            m.Expert,
            m.Shelter,
            m.MedicalFacility,
            m.Dispatch,
        ):
            audit_register(model, exclude=["updated_at"] if model is m.Incident else ())
        map_page_extra_register(live_config)
