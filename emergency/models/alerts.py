from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.utils.translation import gettext_lazy as _

from emergency.choices import ALERT_LEVEL_COLOURS, URGENT_ALERT_LEVELS, AlertKind, AlertLevel


class Alert(models.Model):
    """One alert, written before it is pushed (the outbox): screens replay these rows by id.

    ``targets`` holds who may see it: ``all``, ``district:<adcode>`` (stored with ``citywide`` so
    city-wide roles see every district's alerts) and ``role:<code>``. Raise alerts only through
    ``emergency.services.alerts.alert_raise``.
    """

    source_app = models.CharField(_("source app"), max_length=50, blank=True)
    source_model = models.CharField(_("source record type"), max_length=50, blank=True)
    source_id = models.CharField(_("source record"), max_length=64, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=AlertKind.choices)
    level = models.CharField(_("level"), max_length=10, choices=AlertLevel.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    geom = models.GeometryField(_("geometry"), srid=4326, null=True, blank=True)
    targets = ArrayField(models.CharField(max_length=64), verbose_name=_("target groups"))
    dedup_key = models.CharField(
        _("de-duplication key"),
        max_length=200,
        blank=True,
        help_text=_("While an alert with this key is not cleared, raising it again returns the same alert."),
    )
    drill = models.BooleanField(_("drill"), default=False)
    created = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-id"]
        permissions = [("acknowledge_alert", _("Can acknowledge alerts"))]
        indexes = [GinIndex(fields=["targets"], name="emergency_alert_targets_gin")]
        constraints = [
            models.UniqueConstraint(
                fields=["dedup_key"],
                condition=models.Q(cleared_at__isnull=True) & ~models.Q(dedup_key=""),
                name="emergency_alert_one_open_per_dedup_key",
            )
        ]

    def __str__(self) -> str:
        return f"[{self.get_level_display()}] {self.title}"

    @property
    def colour(self) -> str:
        return ALERT_LEVEL_COLOURS[self.level]

    @property
    def urgent(self) -> bool:
        return self.level in URGENT_ALERT_LEVELS
