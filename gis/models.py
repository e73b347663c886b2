from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from gis.choices import AreaLevel


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
