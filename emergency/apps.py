from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmergencyConfig(AppConfig):
    name = "emergency"
    verbose_name = _("Emergency command")

    def ready(self) -> None:
        from accounts.audit import audit_register
        from emergency import bigscreen, demo, layers, panels, warnings_layers  # noqa: F401  (panels, map layers, demo loader)
        from emergency import models as m
        from emergency.views import incident_report_config, live_config
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
            # Plans and responses (phone numbers of member units are encrypted, so recorded as secret).
            m.Plan,
            m.PlanVersion,
            m.PlanUnit,
            m.PlanGroup,
            m.PlanLevel,
            m.PlanAction,
            m.EmergencyResponse,
            m.ResponseLogEntry,
            m.ResponseTask,
            m.TaskReport,
            m.TaskReportAttachment,
            # Duty (应急值守).
            m.DutyShift,
            m.HandoverLog,
            # Knowledge, case and document library.
            m.LibraryEntry,
            m.LibraryFile,
            # Drills.
            m.Drill,
        ):
            audit_register(
                model,
                exclude=["updated_at", "updated"] if model in (m.Incident, m.Plan, m.LibraryEntry) else (),
            )
        map_page_extra_register(live_config)
        map_page_extra_register(incident_report_config)
