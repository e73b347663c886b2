from django.db import models
from django.utils.translation import gettext_lazy as _


class AreaLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    DISTRICT = "district", _("District")
    TOWN = "town", _("Town or subdistrict")
    VILLAGE = "village", _("Village or community")


class RiskLevel(models.TextChoices):
    """The four-colour risk zoning (风险四色图): 重大 red, 较大 orange, 一般 yellow, 低 blue."""

    MAJOR = "major", _("Major risk")
    LARGE = "large", _("Large risk")
    GENERAL = "general", _("General risk")
    LOW = "low", _("Low risk")


RISK_LEVEL_COLOURS: dict[str, str] = {
    RiskLevel.MAJOR: "#e02020",
    RiskLevel.LARGE: "#ff7a00",
    RiskLevel.GENERAL: "#f2c200",
    RiskLevel.LOW: "#1e6fd9",
}
