from django.contrib.gis.db import models
from django.contrib.postgres.indexes import BrinIndex
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from sanfang.choices import ReadingQuality, StationKind, Variable


class Station(TimeStampedModel):
    """A monitoring station (雨量站, 水文站, 潮位站, 水库, 气象站) or a flood-control work with sensors.

    ``code`` is the owner's station code as it appears in their feeds: readings find their station by it.
    """

    code = models.CharField(_("station code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=StationKind.choices, db_index=True)
    geom = models.PointField(_("location"), srid=4326, null=True, blank=True, spatial_index=True)
    owner = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stations",
    )
    district = models.ForeignKey(
        "geo.AdminArea",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stations",
    )
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Readings are accepted only for active stations.")
    )
    source = models.CharField(_("source"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # The station's warning (警戒) and danger (保证/危险) levels for one measured variable, compared with
    # its latest reading. Rainfall over windows (1–24 h) is judged by the 三防 rules, not here.
    threshold_variable = models.CharField(
        _("threshold variable"), max_length=20, choices=Variable.choices, blank=True
    )
    warning_value = models.FloatField(_("warning level"), null=True, blank=True)
    danger_value = models.FloatField(_("danger level"), null=True, blank=True)

    class Meta:
        verbose_name = _("station")
        verbose_name_plural = _("stations")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(warning_value__isnull=True)
                | models.Q(danger_value__isnull=True)
                | models.Q(danger_value__gte=models.F("warning_value")),
                name="sanfang_station_danger_not_below_warning",
                violation_error_message=_("The danger level must not be below the warning level."),
            ),
            models.CheckConstraint(
                condition=models.Q(threshold_variable="")
                | models.Q(warning_value__isnull=False)
                | models.Q(danger_value__isnull=False),
                name="sanfang_station_threshold_has_a_value",
                violation_error_message=_("A threshold variable needs a warning or a danger level."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Reading(models.Model):
    """One value of one variable at one station and time: the natural key is the primary key.

    Written only by ``sanfang.services.readings.readings_upsert`` (COPY, then one upsert per batch).
    ``station`` has no database foreign key on purpose: PostgreSQL checks a foreign key with a trigger
    per row, which more than doubles the cost of loading a day of minute readings (bench/README-ingest.md).
    The service resolves station ids from the station table in the same transaction, and PROTECT
    stops a station with readings from being deleted through Django.
    """

    pk = models.CompositePrimaryKey("station", "variable", "time")
    station = models.ForeignKey(
        Station,
        verbose_name=_("station"),
        on_delete=models.PROTECT,
        db_constraint=False,
        db_index=False,  # the primary key starts with station_id
        related_name="readings",
    )
    variable = models.CharField(_("variable"), max_length=20, choices=Variable.choices)
    time = models.DateTimeField(_("time"))
    value = models.FloatField(_("value"))
    quality = models.PositiveSmallIntegerField(
        _("quality"), choices=ReadingQuality.choices, default=ReadingQuality.GOOD
    )

    class Meta:
        verbose_name = _("reading")
        verbose_name_plural = _("readings")
        # Readings arrive in time order, so a BRIN index answers "all stations, last hour" for a
        # fraction of a B-tree's size and insert cost.
        indexes = [BrinIndex(fields=["time"], name="sanfang_reading_time_brin")]

    def __str__(self) -> str:
        return f"{self.station_id} {self.variable} {self.time:%Y-%m-%d %H:%M} = {self.value}"
