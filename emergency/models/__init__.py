from emergency.models.alerts import Alert
from emergency.models.incidents import Incident, IncidentAttachment, IncidentType, IncidentUpdate
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

__all__ = [
    "Alert",
    "Depot",
    "Dispatch",
    "Expert",
    "Incident",
    "IncidentAttachment",
    "IncidentType",
    "IncidentUpdate",
    "MedicalFacility",
    "RescueTeam",
    "Shelter",
    "StockItem",
    "StockMovement",
    "TeamMember",
]
