"""Response-level rules and the recommendations they give (the commander confirms; nothing starts
a response by itself)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from emergency.choices import ResponseLevel, ResponseType


class ResponseRule(models.Model):
    """When ``condition`` (the command core's trigger language, see ``emergency.triggers``) holds on the
    live facts, recommend ``level`` for ``response_type``. Seeded with defaults; editable."""

    response_type = models.CharField(_("response type"), max_length=20, choices=ResponseType.choices)
    level = models.CharField(_("level"), max_length=3, choices=ResponseLevel.choices)
    name = models.CharField(_("name"), max_length=200)
    condition = models.JSONField(_("condition"))
    active = models.BooleanField(_("active"), default=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("response rule")
        verbose_name_plural = _("response rules")
        ordering = ["response_type", "level", "name"]

    def __str__(self) -> str:
        return f"{self.get_response_type_display()} {self.level}: {self.name}"


class ResponseRecommendation(models.Model):
    """One evaluation of the rules for one response type: the highest level whose rules hold."""

    class Status(models.TextChoices):
        OPEN = "open", _("Awaiting the commander")
        CONFIRMED = "confirmed", _("Confirmed")
        DISMISSED = "dismissed", _("Dismissed")
        SUPERSEDED = "superseded", _("Superseded")

    response_type = models.CharField(_("response type"), max_length=20, choices=ResponseType.choices)
    level = models.CharField(_("recommended level"), max_length=3, choices=ResponseLevel.choices, blank=True)
    facts = models.JSONField(_("facts"), default=dict)
    matched_rules = models.JSONField(_("rules that hold"), default=list)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    computed_at = models.DateTimeField(_("computed at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    response = models.ForeignKey(
        "emergency.EmergencyResponse",
        verbose_name=_("response"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("response recommendation")
        verbose_name_plural = _("response recommendations")
        ordering = ["-computed_at"]
        permissions = [("decide_recommendation", _("May confirm or dismiss a recommended response level"))]

    def __str__(self) -> str:
        return f"{self.get_response_type_display()} {self.level or '–'} ({self.get_status_display()})"
