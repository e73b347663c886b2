from emergency.models.alerts import Alert
from emergency.models.drills import Drill
from emergency.models.duty import DutyShift, HandoverLog
from emergency.models.incidents import Incident, IncidentAttachment, IncidentType, IncidentUpdate
from emergency.models.library import LibraryEntry, LibraryFile
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
    "Drill",
    "DutyShift",
    "EmergencyResponse",
    "Expert",
    "HandoverLog",
    "Incident",
    "IncidentAttachment",
    "IncidentType",
    "IncidentUpdate",
    "LibraryEntry",
    "LibraryFile",
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
