"""Defence preparation (防御准备) and disaster reports (灾情) for one event, by district and town.

Units report cumulative figures ("so far, 1,200 people moved in 三灶镇"); the latest report per
unit, town and category counts, so a repeated or corrected report never double-counts.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanfang.choices import DefenceCategory


class DefenceTarget(models.Model):
    incident = models.ForeignKey(
        "emergency.Incident",
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="defence_targets",
    )
    district = models.ForeignKey(
        "geo.AdminArea", verbose_name=_("district"), on_delete=models.PROTECT, related_name="+"
    )
    town = models.CharField(_("town or subdistrict"), max_length=60, blank=True)
    category = models.CharField(_("category"), max_length=30, choices=DefenceCategory.choices)
    target = models.PositiveIntegerField(_("target"))

    class Meta:
        verbose_name = _("defence target")
        verbose_name_plural = _("defence targets")
        ordering = ["incident", "district", "town", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "district", "town", "category"],
                name="sanfang_defencetarget_one_per_place",
                violation_error_message=_("This place already has a target for this category."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.town or self.district} {self.get_category_display()} {self.target}"


class DefenceReport(models.Model):
    incident = models.ForeignKey(
        "emergency.Incident",
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="defence_reports",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("reporting unit"), on_delete=models.PROTECT, related_name="+"
    )
    district = models.ForeignKey(
        "geo.AdminArea", verbose_name=_("district"), on_delete=models.PROTECT, related_name="+"
    )
    town = models.CharField(_("town or subdistrict"), max_length=60, blank=True)
    category = models.CharField(_("category"), max_length=30, choices=DefenceCategory.choices)
    value = models.PositiveIntegerField(_("so far"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now, db_index=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reporter"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("defence progress report")
        verbose_name_plural = _("defence progress reports")
        ordering = ["-reported_at"]
        indexes = [
            models.Index(
                fields=["incident", "organisation", "district", "town", "category", "-reported_at"],
                name="sanfang_defence_latest",
            )
        ]

    def __str__(self) -> str:
        return f"{self.town or self.district} {self.get_category_display()} {self.value}"


class DisasterReport(models.Model):
    """Losses and relief for one event in one district, as reported so far (the latest one counts)."""

    incident = models.ForeignKey(
        "emergency.Incident",
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="disaster_reports",
    )
    district = models.ForeignKey(
        "geo.AdminArea", verbose_name=_("district"), on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now, db_index=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reporter"), on_delete=models.PROTECT, related_name="+"
    )
    affected_people = models.PositiveIntegerField(_("people affected"), default=0)
    deaths = models.PositiveIntegerField(_("deaths"), default=0)
    missing = models.PositiveIntegerField(_("missing"), default=0)
    injuries = models.PositiveIntegerField(_("injuries"), default=0)
    houses_collapsed = models.PositiveIntegerField(_("houses collapsed"), default=0)
    houses_damaged = models.PositiveIntegerField(_("houses damaged"), default=0)
    crops_hectares = models.DecimalField(_("crops affected (ha)"), max_digits=12, decimal_places=2, default=0)
    economic_loss = models.DecimalField(
        _("direct economic loss (10,000 yuan)"), max_digits=14, decimal_places=2, default=0
    )
    people_relocated = models.PositiveIntegerField(_("people relocated"), default=0)
    relief_funds = models.DecimalField(
        _("relief funds (10,000 yuan)"), max_digits=14, decimal_places=2, default=0
    )
    relief_supplies = models.TextField(_("relief supplies"), blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("disaster report")
        verbose_name_plural = _("disaster reports")
        ordering = ["-reported_at"]
        indexes = [
            models.Index(fields=["incident", "district", "-reported_at"], name="sanfang_disaster_latest")
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(economic_loss__gte=0)
                & models.Q(relief_funds__gte=0)
                & models.Q(crops_hectares__gte=0),
                name="sanfang_disaster_amounts_not_negative",
                violation_error_message=_("Amounts cannot be negative."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.district} {self.reported_at:%Y-%m-%d %H:%M}"
