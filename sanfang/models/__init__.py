from sanfang.models.decisions import ResponseRecommendation, ResponseRule
from sanfang.models.defence import DefenceReport, DefenceTarget, DisasterReport
from sanfang.models.monitoring import RainfallThreshold, RainstormSignalRule, StationStatus
from sanfang.models.registries import HazardPoint, InfoOfficer, PersonToMove, ProtectedTarget
from sanfang.models.stations import Reading, Station
from sanfang.models.typhoons import Storm, StormFix, StormForecast

__all__ = [
    "DefenceReport",
    "DefenceTarget",
    "DisasterReport",
    "HazardPoint",
    "InfoOfficer",
    "PersonToMove",
    "ProtectedTarget",
    "RainfallThreshold",
    "RainstormSignalRule",
    "Reading",
    "ResponseRecommendation",
    "ResponseRule",
    "Station",
    "StationStatus",
    "Storm",
    "StormFix",
    "StormForecast",
]
