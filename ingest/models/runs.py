from django.conf import settings as django_settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ingest.choices import ErrorKind, RunStatus, RunTrigger


class Run(models.Model):
    """One payload through one adapter: a scheduled pull, a push, a file, or a re-processing.

    Counters add up per committed batch, so after a crash they still tell what was stored.
    ``rows_seen = written + duplicate + rejected + skipped`` once the run has finished.
    """

    source = models.ForeignKey(
        "ingest.Source",
        verbose_name=_("source"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="runs",
    )
    adapter = models.CharField(_("adapter"), max_length=50)
    settings = models.JSONField(_("adapter settings used"), default=dict, blank=True)
    trigger = models.CharField(_("trigger"), max_length=12, choices=RunTrigger.choices)
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING
    )
    timezone = models.CharField(_("time zone of the payload"), max_length=50)
    origin = models.CharField(_("origin"), max_length=1000, blank=True, help_text=_("Address or file name."))
    started_at = models.DateTimeField(_("started"), db_index=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    bytes = models.BigIntegerField(_("bytes"), default=0)
    rows_seen = models.BigIntegerField(_("rows seen"), default=0)
    rows_written = models.BigIntegerField(_("rows written"), default=0)
    rows_duplicate = models.BigIntegerField(_("duplicate rows"), default=0)
    rows_rejected = models.BigIntegerField(_("rows rejected"), default=0)
    rows_skipped = models.BigIntegerField(
        _("rows skipped"), default=0, help_text=_("Rows that carry no value (e.g. marked missing).")
    )
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    error_kind = models.CharField(_("error kind"), max_length=10, choices=ErrorKind.choices, blank=True)
    error = models.TextField(_("error"), blank=True)
    retry_at = models.DateTimeField(_("retry at"), null=True, blank=True)
    user = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("ingest run")
        verbose_name_plural = _("ingest runs")
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["source", "-started_at"], name="ingest_run_source_started"),
            models.Index(fields=["status"], name="ingest_run_running", condition=models.Q(status="running")),
        ]

    def __str__(self) -> str:
        return (
            f"{self.source or self.adapter} {self.started_at:%Y-%m-%d %H:%M:%S} {self.get_status_display()}"
        )

    @property
    def duration(self):
        return self.finished_at - self.started_at if self.finished_at else None


class RunPayload(models.Model):
    """The payload of a run that failed, kept for inspection (up to INGEST_KEEP_PAYLOAD_MAX_BYTES)."""

    run = models.OneToOneField(
        Run, verbose_name=_("run"), primary_key=True, on_delete=models.CASCADE, related_name="payload"
    )
    content = models.BinaryField(_("content"))
    content_type = models.CharField(_("content type"), max_length=200, blank=True)
    size = models.BigIntegerField(_("original size"))
    truncated = models.BooleanField(_("truncated"), default=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("kept payload")
        verbose_name_plural = _("kept payloads")

    def __str__(self) -> str:
        return f"{self.run_id} ({self.size} B)"
