from django.db import models
from django.utils.translation import gettext_lazy as _


class AlertKind(models.TextChoices):
    WARNING = "warning", _("Weather warning")
    THRESHOLD = "threshold", _("Threshold crossed")
    INCIDENT = "incident", _("Incident")
    RESPONSE = "response", _("Emergency response")
    FIRE = "fire", _("Fire point")
    HAZARD = "hazard", _("Work-safety hazard")
    FEED = "feed", _("Data feed")
    TEST = "test", _("Test")
    OTHER = "other", _("Other")


class AlertLevel(models.TextChoices):
    """Warning colours (GB/T 35965 severity order) and emergency response levels Ⅳ–Ⅰ."""

    INFO = "info", _("Information")
    BLUE = "blue", _("Blue")
    YELLOW = "yellow", _("Yellow")
    ORANGE = "orange", _("Orange")
    RED = "red", _("Red")
    RESPONSE_IV = "IV", _("Level Ⅳ response")
    RESPONSE_III = "III", _("Level Ⅲ response")
    RESPONSE_II = "II", _("Level Ⅱ response")
    RESPONSE_I = "I", _("Level Ⅰ response")


# A response level shares the colour of the warning of the same rank (Ⅳ blue … Ⅰ red).
ALERT_LEVEL_COLOURS: dict[str, str] = {
    AlertLevel.INFO: "#8c9bab",
    AlertLevel.BLUE: "#1e6fd9",
    AlertLevel.YELLOW: "#f2c200",
    AlertLevel.ORANGE: "#ff7a00",
    AlertLevel.RED: "#e02020",
    AlertLevel.RESPONSE_IV: "#1e6fd9",
    AlertLevel.RESPONSE_III: "#f2c200",
    AlertLevel.RESPONSE_II: "#ff7a00",
    AlertLevel.RESPONSE_I: "#e02020",
}

# Screens flash these until someone acknowledges them.
URGENT_ALERT_LEVELS = frozenset(
    {AlertLevel.ORANGE, AlertLevel.RED, AlertLevel.RESPONSE_II, AlertLevel.RESPONSE_I}
)
