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
