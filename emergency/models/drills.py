"""Drills (演练): planned against a plan version, run with a simulated incident (flagged ``drill``),
evaluated and filed. Change their status only through ``emergency.services.drills``."""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from emergency.choices import DrillStatus, IncidentLevel


class Drill(models.Model):
    title = models.CharField(_("title"), max_length=200)
    plan_version = models.ForeignKey(
        "emergency.PlanVersion",
        verbose_name=_("plan version"),
        on_delete=models.PROTECT,
        related_name="drills",
    )
    scenario = models.TextField(_("scenario"))
    incident_type = models.ForeignKey(
        "emergency.IncidentType", verbose_name=_("incident type"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(_("level"), max_length=3, choices=IncidentLevel.choices)
    geom = models.PointField(_("location"), srid=4326)
    scheduled_at = models.DateTimeField(_("scheduled at"))
    status = models.CharField(
        _("status"), max_length=20, choices=DrillStatus.choices, default=DrillStatus.PLANNED
    )
    incident = models.OneToOneField(
        "emergency.Incident",
        verbose_name=_("simulated incident"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="drill_run",
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    evaluation = models.TextField(_("evaluation"), blank=True)
    score = models.PositiveSmallIntegerField(
        _("score (0–100)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    evaluated_at = models.DateTimeField(_("evaluated at"), null=True, blank=True)
    report = models.TextField(_("filed report"), blank=True)
    filed_at = models.DateTimeField(_("filed at"), null=True, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("drill")
        verbose_name_plural = _("drills")
        ordering = ["-scheduled_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__lte=100),
                name="drill_score_at_most_100",
            )
        ]

    def __str__(self) -> str:
        return self.title
