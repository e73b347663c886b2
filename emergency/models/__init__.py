from emergency.models.alerts import Alert
from emergency.models.duty import DutyShift, HandoverLog
from emergency.models.incidents import Incident, IncidentAttachment, IncidentType, IncidentUpdate
from emergency.models.plans import (
    Plan,
    PlanAction,
    PlanGroup,
    PlanLevel,
    PlanUnit,
    PlanVersion,
    PlanVersionLocked,
)
from emergency.models.resources import (
    Depot,
    Dispatch,
    Expert,
    MedicalFacility,
    RescueTeam,
    Shelter,
    StockItem,
    StockMovement,
    TeamMember,
)
from emergency.models.responses import (
    EmergencyResponse,
    ResponseLogEntry,
    ResponseTask,
    TaskReport,
    TaskReportAttachment,
)
from emergency.models.warnings import ReceivedWarning, WarningArea, WarningInfo

__all__ = [
    "Alert",
    "Depot",
    "Dispatch",
    "DutyShift",
    "EmergencyResponse",
    "Expert",
    "HandoverLog",
    "Incident",
    "IncidentAttachment",
    "IncidentType",
    "IncidentUpdate",
    "MedicalFacility",
    "Plan",
    "PlanAction",
    "PlanGroup",
    "PlanLevel",
    "PlanUnit",
    "PlanVersion",
    "PlanVersionLocked",
    "ReceivedWarning",
    "RescueTeam",
    "ResponseLogEntry",
    "ResponseTask",
    "Shelter",
    "StockItem",
    "StockMovement",
    "TaskReport",
    "TaskReportAttachment",
    "TeamMember",
    "WarningArea",
    "WarningInfo",
]
