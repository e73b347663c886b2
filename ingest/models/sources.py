import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedJSONField, EncryptedTextField
from core.models import TimeStampedModel
from ingest.choices import DataKind, FeedState, HttpAuth, Transport


class Source(TimeStampedModel):
    """A departmental feed: who sends it, what it carries, how we get it, when, and how it is parsed.

    The fields from ``last_dispatched_at`` on are the feed's state, written by the ingest services.
    Credentials (``password``, ``secret_headers``) are stored SM4-encrypted; the push token is stored
    only as its SM3 hash.
    """

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(
        _("short name"), max_length=60, unique=True, help_text=_("Used in the push address.")
    )
    department = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="ingest_sources",
    )
    data_kind = models.CharField(_("kind of data"), max_length=20, choices=DataKind.choices)
    adapter = models.CharField(_("adapter"), max_length=50)
    settings = models.JSONField(
        _("adapter settings"),
        default=dict,
        blank=True,
        help_text=_("Column mapping and rules for the adapter (see docs/ingest.md). No secrets here."),
    )
    transport = models.CharField(_("transport"), max_length=12, choices=Transport.choices)
    enabled = models.BooleanField(_("enabled"), default=True)
    timezone = models.CharField(
        _("time zone of the feed"),
        max_length=50,
        default="Asia/Shanghai",
        help_text=_("Times without a zone in the payload are read in this zone (e.g. Asia/Shanghai, UTC)."),
    )

    # HTTP(S) pull
    url = models.URLField(_("address"), max_length=1000, blank=True)
    headers = models.JSONField(_("request headers"), default=dict, blank=True)
    auth = models.CharField(
        _("authentication"), max_length=10, choices=HttpAuth.choices, default=HttpAuth.NONE
    )
    username = models.CharField(_("user name"), max_length=150, blank=True)
    password = EncryptedTextField(
        _("password or token"),
        blank=True,
        help_text=_("Stored encrypted. Leave blank to keep the stored one."),
    )
    secret_headers = EncryptedJSONField(
        _("secret request headers"),
        blank=True,
        default=dict,
        help_text=_('Headers that carry credentials, e.g. {"X-Api-Key": "..."}; stored encrypted.'),
    )
    timeout_seconds = models.PositiveSmallIntegerField(
        _("timeout (seconds)"), default=30, help_text=_("A pull that takes longer fails and is retried.")
    )

    # Directory drop
    directory = models.CharField(
        _("drop directory"),
        max_length=500,
        blank=True,
        help_text=_("A folder inside the drop root; each file dropped there is ingested once."),
    )

    # Schedule (django-celery-beat rows, editable in the admin)
    interval = models.ForeignKey(
        "django_celery_beat.IntervalSchedule",
        verbose_name=_("every"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    crontab = models.ForeignKey(
        "django_celery_beat.CrontabSchedule",
        verbose_name=_("at (crontab)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    late_after_minutes = models.PositiveIntegerField(
        _("late after (minutes)"),
        null=True,
        blank=True,
        default=30,
        help_text=_("Raise a feed alert when no run succeeded for this long. Blank: never."),
    )
    max_retries = models.PositiveSmallIntegerField(
        _("retries"), default=3, help_text=_("Retries after a transient failure, with growing back-off.")
    )

    # Push
    push_token_hash = models.CharField(_("push token (SM3 hash)"), max_length=64, blank=True, editable=False)
    push_token_hint = models.CharField(_("push token starts with"), max_length=12, blank=True, editable=False)

    # State, written by the services
    last_dispatched_at = models.DateTimeField(_("last dispatched"), null=True, blank=True, editable=False)
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True, editable=False)
    consecutive_failures = models.PositiveIntegerField(_("failures in a row"), default=0, editable=False)
    health = models.CharField(
        _("feed health"), max_length=10, choices=FeedState.choices, default=FeedState.UNKNOWN, editable=False
    )
    health_since = models.DateTimeField(_("health since"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("feed source")
        verbose_name_plural = _("feed sources")
        ordering = ["name"]
        permissions = [
            ("push_to_source", _("Can push payloads to a feed source")),
            ("pull_source", _("Can start a pull of a feed source")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(interval__isnull=True) | models.Q(crontab__isnull=True),
                name="ingest_source_one_schedule",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def schedule(self):
        return self.interval or self.crontab

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def clean(self) -> None:
        from ingest.adapters import AdapterNotFound, adapter_get

        errors: dict[str, list] = {}
        try:
            zoneinfo.ZoneInfo(self.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            errors.setdefault("timezone", []).append(_("Unknown time zone."))
        try:
            adapter = adapter_get(self.adapter)
        except AdapterNotFound:
            errors.setdefault("adapter", []).append(_("Unknown adapter."))
        else:
            try:
                self.settings = adapter.clean_settings(self.settings or {})
            except ValidationError as exc:
                errors.setdefault("settings", []).extend(exc.messages)
        if self.transport == Transport.HTTP and not self.url:
            errors.setdefault("url", []).append(_("An HTTP source needs an address."))
        if self.transport == Transport.DIRECTORY and not self.directory:
            errors.setdefault("directory", []).append(_("A directory-drop source needs a folder."))
        if self.interval_id and self.crontab_id:
            errors.setdefault("crontab", []).append(_("Choose an interval or a crontab, not both."))
        if errors:
            raise ValidationError(errors)
