"""Duty (应急值守): the roster of who is on duty when, and the log of shift handovers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from emergency.choices import DutyPost


class DutyShift(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    post = models.CharField(_("post"), max_length=20, choices=DutyPost.choices)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="duty_shifts",
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty roster")
        ordering = ["starts_at", "post", "pk"]
        indexes = [models.Index(fields=["organisation", "starts_at"], name="duty_shift_org_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="duty_shift_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_post_display()} {self.person} {self.starts_at:%Y-%m-%d %H:%M}"


class HandoverLog(models.Model):
    """A shift handover (交接班): what the outgoing officer hands to the incoming one."""

    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    shift = models.ForeignKey(
        DutyShift, verbose_name=_("outgoing shift"), on_delete=models.PROTECT, related_name="handovers"
    )
    handed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("handed over by"), on_delete=models.PROTECT, related_name="+"
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("received by"), on_delete=models.PROTECT, related_name="+"
    )
    summary = models.TextField(_("summary of the shift"))
    open_items = models.TextField(_("open items to follow up"), blank=True)
    at = models.DateTimeField(_("handed over at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("shift handover")
        verbose_name_plural = _("shift handovers")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.handed_by} → {self.received_by} {self.at:%Y-%m-%d %H:%M}"
