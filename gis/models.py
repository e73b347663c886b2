from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from gis.choices import AreaLevel, RiskLevel


class AdminArea(TimeStampedModel):
    """An administrative area (GB/T 2260 code) with its boundary in WGS 84."""

    adcode = models.CharField(_("administrative code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=AreaLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    geom = models.MultiPolygonField(_("boundary"), srid=4326, spatial_index=True)
    approximate = models.BooleanField(
        _("approximate"),
        default=False,
        help_text=_("A coarse outline drawn by the project, not an official boundary."),
    )
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("administrative area")
        verbose_name_plural = _("administrative areas")
        ordering = ["adcode"]

    def __str__(self) -> str:
        return f"{self.name} ({self.adcode})"


class RiskZone(TimeStampedModel):
    """One zone of the four-colour risk map, from an assessment (the 三防 risk model writes these)."""

    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("risk level"), max_length=10, choices=RiskLevel.choices, db_index=True)
    district = models.ForeignKey(
        AdminArea,
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="risk_zones",
    )
    hazard = models.CharField(_("hazard"), max_length=100, blank=True)
    assessed_on = models.DateField(_("assessed on"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    geom = models.MultiPolygonField(_("zone"), srid=4326, spatial_index=True)

    class Meta:
        verbose_name = _("risk zone")
        verbose_name_plural = _("risk zones")
        ordering = ["district__adcode", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_level_display()})"
