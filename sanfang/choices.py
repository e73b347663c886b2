"""Station kinds, reading variables with their canonical units and plausible ranges, reading quality."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class StationKind(models.TextChoices):
    RAIN = "rain", _("Rain gauge")
    RIVER = "river", _("River gauge")
    TIDE = "tide", _("Tide gauge")
    RESERVOIR = "reservoir", _("Reservoir")
    WIND = "wind", _("Wind station")
    WORKS = "works", _("Flood-control works")


STATION_KIND_COLOURS: dict[str, str] = {
    StationKind.RAIN: "#1e88e5",
    StationKind.RIVER: "#00897b",
    StationKind.TIDE: "#3949ab",
    StationKind.RESERVOIR: "#00acc1",
    StationKind.WIND: "#8e24aa",
    StationKind.WORKS: "#6d4c41",
}


class Variable(models.TextChoices):
    """What a reading measures. ``rain`` is the amount fallen in the interval that ends at the reading's
    time; ``rain_month`` is a calendar month's total (kept apart so that rainfall windows never add
    monthly totals to interval amounts)."""

    RAIN = "rain", _("Rainfall")
    RAIN_MONTH = "rain_month", _("Monthly rainfall")
    WATER_LEVEL = "water_level", _("Water level")
    TIDE_LEVEL = "tide_level", _("Tide level")
    RESERVOIR_LEVEL = "reservoir_level", _("Reservoir level")
    FLOW = "flow", _("Flow")
    STORAGE = "storage", _("Reservoir storage")
    WIND_SPEED = "wind_speed", _("Wind speed")
    WIND_GUST = "wind_gust", _("Wind gust")
    WIND_DIRECTION = "wind_direction", _("Wind direction")
    AIR_PRESSURE = "air_pressure", _("Air pressure")
    AIR_TEMPERATURE = "air_temperature", _("Air temperature")
    HUMIDITY = "humidity", _("Relative humidity")


@dataclass(frozen=True)
class VariableSpec:
    unit: str
    # A value outside [minimum, maximum] is not a reading but a fault (a sensor or a feed error).
    minimum: float
    maximum: float


# Plausibility only, not warning thresholds (those are issue 5's configurable rules). A source may
# narrow or widen a range in its settings.
VARIABLE_SPECS: dict[str, VariableSpec] = {
    Variable.RAIN: VariableSpec("mm", 0.0, 2000.0),
    Variable.RAIN_MONTH: VariableSpec("mm", 0.0, 5000.0),
    Variable.WATER_LEVEL: VariableSpec("m", -20.0, 200.0),
    Variable.TIDE_LEVEL: VariableSpec("m", -10.0, 20.0),
    Variable.RESERVOIR_LEVEL: VariableSpec("m", -20.0, 500.0),
    Variable.FLOW: VariableSpec("m3/s", 0.0, 200000.0),
    Variable.STORAGE: VariableSpec("10^4 m3", 0.0, 10000000.0),
    Variable.WIND_SPEED: VariableSpec("m/s", 0.0, 100.0),
    Variable.WIND_GUST: VariableSpec("m/s", 0.0, 120.0),
    Variable.WIND_DIRECTION: VariableSpec("deg", 0.0, 360.0),
    Variable.AIR_PRESSURE: VariableSpec("hPa", 800.0, 1100.0),
    Variable.AIR_TEMPERATURE: VariableSpec("°C", -40.0, 60.0),
    Variable.HUMIDITY: VariableSpec("%", 0.0, 100.0),
}


class ReadingQuality(models.IntegerChoices):
    GOOD = 0, _("Good")
    TRACE = 1, _("Trace")
    ESTIMATED = 2, _("Estimated")
    SUSPECT = 3, _("Suspect")


class RainWindow(models.IntegerChoices):
    """Rolling rainfall windows, in hours, ending at the latest reading."""

    H1 = 1, _("1 h")
    H3 = 3, _("3 h")
    H6 = 6, _("6 h")
    H12 = 12, _("12 h")
    H24 = 24, _("24 h")


class StationState(models.TextChoices):
    NORMAL = "normal", _("Normal")
    WARNING = "warning", _("Over warning level")
    DANGER = "danger", _("Over danger level")
    NO_DATA = "no_data", _("No recent data")


class Trend(models.TextChoices):
    RISING = "rising", _("Rising")
    STEADY = "steady", _("Steady")
    FALLING = "falling", _("Falling")
    UNKNOWN = "", _("Unknown")


class SignalColour(models.TextChoices):
    """Warning signal colours, least severe first (Guangdong adds white below blue for typhoon)."""

    WHITE = "white", _("White")
    BLUE = "blue", _("Blue")
    YELLOW = "yellow", _("Yellow")
    ORANGE = "orange", _("Orange")
    RED = "red", _("Red")


SIGNAL_RANK: dict[str, int] = {c.value: i for i, c in enumerate(SignalColour)}


class TcClass(models.TextChoices):
    """Tropical-cyclone intensity classes, GB/T 19201-2006 (weakest first)."""

    TD = "TD", _("Tropical depression")
    TS = "TS", _("Tropical storm")
    STS = "STS", _("Severe tropical storm")
    TY = "TY", _("Typhoon")
    STY = "STY", _("Severe typhoon")
    SUPER_TY = "SuperTY", _("Super typhoon")
    EXTRATROPICAL = "ET", _("Extratropical")
    UNKNOWN = "", _("Unknown")


class TrackSource(models.TextChoices):
    CMA_BST = "cma_bst", _("CMA best track")
    WZTF = "wztf", _("Wenzhou typhoon network")
    JMA = "jma", _("JMA best track")
    SYNTHETIC = "synthetic", _("Synthetic (demo)")


class PersonCategory(models.TextChoices):
    """Why a household or person is on the list of people to move (待转移人员)."""

    DANGEROUS_BUILDING = "dangerous_building", _("Dangerous building")
    LOW_LYING = "low_lying", _("Low-lying area")
    SHIP = "ship", _("On a ship")
    WORK_SITE = "work_site", _("Work site or shed")
    HAZARD_ZONE = "hazard_zone", _("Geological hazard zone")
    OTHER = "other", _("Other")


class HazardKind(models.TextChoices):
    LANDSLIDE = "landslide", _("Landslide")
    DEBRIS_FLOW = "debris_flow", _("Debris flow")
    WATERLOGGING = "waterlogging", _("Waterlogging black spot")
    DANGEROUS_DIKE = "dangerous_dike", _("Dangerous dike or embankment")
    DANGEROUS_RESERVOIR = "dangerous_reservoir", _("Dangerous reservoir")


class TargetKind(models.TextChoices):
    SCHOOL = "school", _("School")
    HOSPITAL = "hospital", _("Hospital")
    CHEMICAL_PLANT = "chemical_plant", _("Chemical plant")
    NURSING_HOME = "nursing_home", _("Nursing home")
    WORK_SITE = "work_site", _("Construction site")
    OTHER = "other", _("Other")


class OfficerKind(models.TextChoices):
    INFO_OFFICER = "info_officer", _("Disaster info officer")
    AGENCY = "agency", _("Agency")


class GeohazardLevel(models.TextChoices):
    """地质灾害气象风险预警 levels (DOMAIN.md §2.5); none means below blue."""

    NONE = "", _("None")
    BLUE = "blue", _("Blue: some risk")
    YELLOW = "yellow", _("Yellow: higher risk")
    ORANGE = "orange", _("Orange: high risk")
    RED = "red", _("Red: very high risk")


class DefenceCategory(models.TextChoices):
    """What units report during defence preparation (防御准备)."""

    PEOPLE_MOVED = "people_moved", _("People moved")
    PEOPLE_RESETTLED = "people_resettled", _("People resettled")
    SHIPS_IN_PORT = "ships_in_port", _("Ships returned to port")
    PEOPLE_ASHORE = "people_ashore", _("People ashore")
    HAZARD_POINTS_INSPECTED = "hazard_points_inspected", _("Hazard points inspected")
    TARGETS_CHECKED = "targets_checked", _("Protected targets checked")
