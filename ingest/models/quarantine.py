from django.db import models
from django.utils.translation import gettext_lazy as _

from ingest.choices import QuarantineState


class QuarantinedRecord(models.Model):
    """A record that failed validation, with its original text and the precise reason.

    ``raw`` is what the adapter needs to try again: a table row as a JSON object of its cells, a CAP
    ``<alert>`` element, a GeoJSON feature. Re-processing runs it through the adapter of the run (with
    the source's current settings) as a new run; what passes is stored, what fails again is
    quarantined anew, and this record is marked re-processed either way.
    """

    source = models.ForeignKey(
        "ingest.Source",
        verbose_name=_("source"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="quarantined",
    )
    run = models.ForeignKey(
        "ingest.Run", verbose_name=_("run"), on_delete=models.CASCADE, related_name="quarantined"
    )
    adapter = models.CharField(_("adapter"), max_length=50)
    locator = models.CharField(_("where"), max_length=200, help_text=_("Line, feature or element."))
    raw = models.TextField(_("original text"))
    reason = models.TextField(_("reason"))
    state = models.CharField(
        _("state"), max_length=12, choices=QuarantineState.choices, default=QuarantineState.PENDING
    )
    resolved_run = models.ForeignKey(
        "ingest.Run",
        verbose_name=_("re-processed in run"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    created = models.DateTimeField(_("quarantined at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("quarantined record")
        verbose_name_plural = _("quarantined records")
        ordering = ["-id"]
        indexes = [models.Index(fields=["state", "source"], name="ingest_quarantine_state_source")]
        permissions = [("reprocess_quarantinedrecord", _("Can re-process or discard quarantined records"))]

    def __str__(self) -> str:
        return f"{self.locator}: {self.reason[:80]}"
