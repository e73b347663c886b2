from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from sanfang.choices import TcClass, TrackSource


class Storm(TimeStampedModel):
    """A tropical cyclone. ``code`` is year and number, as in 201713 for Hato (天鸽)."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    name = models.CharField(_("Chinese name"), max_length=40, blank=True)
    name_en = models.CharField(_("English name"), max_length=40, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    active = models.BooleanField(_("active"), default=False, db_index=True)
    synthetic = models.BooleanField(
        _("synthetic"), default=False, help_text=_("Made up by the project for a demo or a replay.")
    )
    landfall_time = models.DateTimeField(_("landfall time"), null=True, blank=True)
    landfall_geom = models.PointField(_("landfall position"), srid=4326, null=True, blank=True)
    landfall_place = models.CharField(_("landfall place"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("tropical cyclone")
        verbose_name_plural = _("tropical cyclones")
        ordering = ["-code"]

    def __str__(self) -> str:
        label = " ".join(p for p in (self.name, self.name_en) if p) or _("nameless")
        return f"{self.code} {label}"


class StormFix(models.Model):
    """One observed (analysed) position of a storm from one source. Times are stored in UTC.

    ``radii`` holds the wind radii in km per force and quadrant, for example
    ``{"7": {"ne": 150, "se": 120, "sw": 120, "nw": 120}, "10": {...}, "12": {...}}``; a force the
    source does not give is absent.
    """

    storm = models.ForeignKey(Storm, verbose_name=_("storm"), on_delete=models.CASCADE, related_name="fixes")
    source = models.CharField(_("source"), max_length=12, choices=TrackSource.choices)
    time = models.DateTimeField(_("time"))
    geom = models.PointField(_("centre"), srid=4326)
    pressure_hpa = models.FloatField(_("central pressure (hPa)"), null=True, blank=True)
    wind_ms = models.FloatField(_("maximum wind (m/s)"), null=True, blank=True)
    tc_class = models.CharField(_("class"), max_length=8, choices=TcClass.choices, blank=True)
    move_dir = models.CharField(_("moving towards"), max_length=10, blank=True)
    move_speed_kmh = models.FloatField(_("moving speed (km/h)"), null=True, blank=True)
    radii = models.JSONField(_("wind radii (km)"), default=dict, blank=True)

    class Meta:
        verbose_name = _("storm fix")
        verbose_name_plural = _("storm fixes")
        ordering = ["storm", "source", "time"]
        constraints = [
            models.UniqueConstraint(fields=["storm", "source", "time"], name="sanfang_stormfix_natural_key")
        ]

    def __str__(self) -> str:
        return f"{self.storm_id} {self.source} {self.time:%Y-%m-%d %H:%M}"


class StormForecast(models.Model):
    """One forecast position of a storm, issued by an agency at ``issued_at`` for ``valid_time``."""

    storm = models.ForeignKey(
        Storm, verbose_name=_("storm"), on_delete=models.CASCADE, related_name="forecasts"
    )
    agency = models.CharField(_("agency"), max_length=40)
    issued_at = models.DateTimeField(_("issued at"))
    valid_time = models.DateTimeField(_("valid time"))
    geom = models.PointField(_("centre"), srid=4326)
    pressure_hpa = models.FloatField(_("central pressure (hPa)"), null=True, blank=True)
    wind_ms = models.FloatField(_("maximum wind (m/s)"), null=True, blank=True)
    tc_class = models.CharField(_("class"), max_length=8, choices=TcClass.choices, blank=True)
    synthetic = models.BooleanField(_("synthetic"), default=False)

    class Meta:
        verbose_name = _("storm forecast")
        verbose_name_plural = _("storm forecasts")
        ordering = ["storm", "agency", "issued_at", "valid_time"]
        constraints = [
            models.UniqueConstraint(
                fields=["storm", "agency", "issued_at", "valid_time"],
                name="sanfang_stormforecast_natural_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.storm_id} {self.agency} {self.issued_at:%m-%d %H} +{self.valid_time:%m-%d %H}"
