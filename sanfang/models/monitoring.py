from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from sanfang.choices import RainWindow, SignalColour, StationState, Trend


class RainfallThreshold(models.Model):
    """Warning and danger rainfall over one rolling window.

    A row without a station is the default for every rain gauge; a station's own row overrides it.
    """

    station = models.ForeignKey(
        "sanfang.Station",
        verbose_name=_("station"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="rain_thresholds",
        help_text=_("Leave empty for the default of every rain gauge."),
    )
    window_hours = models.PositiveSmallIntegerField(_("window"), choices=RainWindow.choices)
    warning_mm = models.FloatField(_("warning rainfall (mm)"), null=True, blank=True)
    danger_mm = models.FloatField(_("danger rainfall (mm)"), null=True, blank=True)

    class Meta:
        verbose_name = _("rainfall threshold")
        verbose_name_plural = _("rainfall thresholds")
        ordering = ["station_id", "window_hours"]
        constraints = [
            models.UniqueConstraint(
                fields=["station", "window_hours"],
                nulls_distinct=False,
                name="sanfang_rainthreshold_one_per_window",
                violation_error_message=_("This window already has a threshold."),
            ),
            models.CheckConstraint(
                condition=models.Q(warning_mm__isnull=False) | models.Q(danger_mm__isnull=False),
                name="sanfang_rainthreshold_has_a_value",
                violation_error_message=_("Give a warning or a danger rainfall."),
            ),
            models.CheckConstraint(
                condition=models.Q(warning_mm__isnull=True)
                | models.Q(danger_mm__isnull=True)
                | models.Q(danger_mm__gte=models.F("warning_mm")),
                name="sanfang_rainthreshold_danger_not_below_warning",
                violation_error_message=_("The danger rainfall must not be below the warning rainfall."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.station or _('all rain gauges')} {self.window_hours} h"


class RainstormSignalRule(models.Model):
    """One rainstorm signal criterion: rainfall over a window at or above an amount gives a colour.

    Seeded with the values of DOMAIN.md §2.2 (Guangdong: yellow, orange, red; no blue); editable.
    """

    colour = models.CharField(_("signal colour"), max_length=10, choices=SignalColour.choices)
    window_hours = models.PositiveSmallIntegerField(_("window"), choices=RainWindow.choices)
    threshold_mm = models.FloatField(_("rainfall at or above (mm)"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("rainstorm signal rule")
        verbose_name_plural = _("rainstorm signal rules")
        ordering = ["window_hours", "threshold_mm"]
        constraints = [
            models.UniqueConstraint(
                fields=["colour", "window_hours"],
                name="sanfang_rainsignal_one_per_colour_window",
                violation_error_message=_("This colour already has a rule for this window."),
            ),
            models.CheckConstraint(
                condition=models.Q(threshold_mm__gt=0),
                name="sanfang_rainsignal_positive",
                violation_error_message=_("The rainfall must be above zero."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_colour_display()}: {self.window_hours} h ≥ {self.threshold_mm:g} mm"


class StationStatus(models.Model):
    """A station's computed state: rolling rainfall, latest value, trend and classification.

    Recomputed from readings after each stored batch; the map, the big screen and the alerts read it.
    """

    station = models.OneToOneField(
        "sanfang.Station",
        verbose_name=_("station"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="status",
    )
    state = models.CharField(
        _("state"), max_length=10, choices=StationState.choices, default=StationState.NO_DATA, db_index=True
    )
    rain_1h = models.FloatField(_("rain 1 h (mm)"), null=True, blank=True)
    rain_3h = models.FloatField(_("rain 3 h (mm)"), null=True, blank=True)
    rain_6h = models.FloatField(_("rain 6 h (mm)"), null=True, blank=True)
    rain_12h = models.FloatField(_("rain 12 h (mm)"), null=True, blank=True)
    rain_24h = models.FloatField(_("rain 24 h (mm)"), null=True, blank=True)
    rain_signal = models.CharField(
        _("rainstorm signal"), max_length=10, choices=SignalColour.choices, blank=True
    )
    variable = models.CharField(_("variable"), max_length=20, blank=True)
    value = models.FloatField(_("latest value"), null=True, blank=True)
    value_time = models.DateTimeField(_("latest reading"), null=True, blank=True)
    trend = models.CharField(_("trend"), max_length=10, choices=Trend.choices, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    class Meta:
        verbose_name = _("station status")
        verbose_name_plural = _("station statuses")

    def __str__(self) -> str:
        return f"{self.station_id}: {self.state}"
