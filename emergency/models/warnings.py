"""Warnings received as CAP 1.2 messages (OASIS Common Alerting Protocol), as sent.

A message is identified by its natural key (sender, identifier, sent); receiving it again changes
nothing. An Update or Cancel supersedes the messages it references (``superseded_by``). A warning is
active while it is an Actual (or Exercise) Alert/Update that nothing superseded and that has not
ended (``ends_at``: its latest ``expires``, or a default lifetime after ``sent`` when it gives none).

Written only by ``emergency.services.warnings``.
"""

from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.utils.translation import gettext_lazy as _

from emergency.choices import ALERT_LEVEL_COLOURS, AlertLevel


class CapStatus(models.TextChoices):
    ACTUAL = "Actual", _("Actual")
    EXERCISE = "Exercise", _("Exercise")
    SYSTEM = "System", _("System")
    TEST = "Test", _("Test")
    DRAFT = "Draft", _("Draft")


class CapMsgType(models.TextChoices):
    ALERT = "Alert", _("Alert")
    UPDATE = "Update", _("Update")
    CANCEL = "Cancel", _("Cancel")
    ACK = "Ack", _("Acknowledgement")
    ERROR = "Error", _("Error")


class CapScope(models.TextChoices):
    PUBLIC = "Public", _("Public")
    RESTRICTED = "Restricted", _("Restricted")
    PRIVATE = "Private", _("Private")


class CapSeverity(models.TextChoices):
    EXTREME = "Extreme", _("Extreme")
    SEVERE = "Severe", _("Severe")
    MODERATE = "Moderate", _("Moderate")
    MINOR = "Minor", _("Minor")
    UNKNOWN = "Unknown", _("Unknown")


class WarningState(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUPERSEDED = "superseded", _("Superseded by an update")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")
    INACTIVE = "inactive", _("Not a warning in force")


# GB/T 35965.1 colour ↔ CAP severity (DOMAIN.md §1.2, §6): the colour is the authoritative value.
SEVERITY_COLOURS: dict[str, str] = {
    CapSeverity.EXTREME: AlertLevel.RED,
    CapSeverity.SEVERE: AlertLevel.ORANGE,
    CapSeverity.MODERATE: AlertLevel.YELLOW,
    CapSeverity.MINOR: AlertLevel.BLUE,
}
WARNING_COLOURS = (AlertLevel.BLUE, AlertLevel.YELLOW, AlertLevel.ORANGE, AlertLevel.RED)
# A warning whose severity is Unknown and that names no colour.
NO_COLOUR = AlertLevel.INFO
WARNING_COLOUR_CHOICES = [(level.value, level.label) for level in (NO_COLOUR, *WARNING_COLOURS)]


class ReceivedWarning(models.Model):
    """One CAP ``<alert>`` message as received."""

    sender = models.CharField(_("sender"), max_length=255)
    identifier = models.CharField(_("identifier"), max_length=255)
    sent = models.DateTimeField(_("sent"))
    status = models.CharField(_("status"), max_length=10, choices=CapStatus.choices)
    msg_type = models.CharField(_("message type"), max_length=10, choices=CapMsgType.choices)
    scope = models.CharField(_("scope"), max_length=12, choices=CapScope.choices)
    source_text = models.CharField(_("CAP source"), max_length=255, blank=True)
    restriction = models.TextField(_("restriction"), blank=True)
    addresses = models.TextField(_("addresses"), blank=True)
    codes = ArrayField(models.CharField(max_length=255), verbose_name=_("codes"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True)
    # [{"sender": ..., "identifier": ..., "sent": ISO 8601 in UTC}, ...]
    references = models.JSONField(_("references"), default=list, blank=True)
    incidents = models.TextField(_("incidents"), blank=True)

    # Derived from the infos, for lists, the map and the screens.
    event = models.CharField(_("event"), max_length=255, blank=True)
    headline = models.CharField(_("headline"), max_length=255, blank=True)
    severity = models.CharField(_("severity"), max_length=10, choices=CapSeverity.choices, blank=True)
    colour = models.CharField(_("colour"), max_length=10, choices=WARNING_COLOUR_CHOICES, default=NO_COLOUR)
    effective = models.DateTimeField(_("effective"), null=True, blank=True)
    expires = models.DateTimeField(_("expires"), null=True, blank=True)
    ends_at = models.DateTimeField(
        _("ends at"),
        db_index=True,
        help_text=_("When the warning stops being in force: its expiry, or a default lifetime after sent."),
    )
    area = models.MultiPolygonField(_("area"), srid=4326, null=True, blank=True)

    state = models.CharField(_("state"), max_length=12, choices=WarningState.choices, db_index=True)
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("superseded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supersedes",
    )
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)
    alert = models.ForeignKey(
        "emergency.Alert",
        verbose_name=_("alert"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    feed = models.CharField(
        _("received from"), max_length=200, blank=True, help_text=_("The feed that delivered the message.")
    )
    xml = models.TextField(_("CAP document"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("received warning")
        verbose_name_plural = _("received warnings")
        ordering = ["-sent", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["sender", "identifier", "sent"], name="emergency_receivedwarning_natural_key"
            )
        ]

    def __str__(self) -> str:
        return self.headline or self.event or self.identifier

    @property
    def colour_hex(self) -> str:
        return ALERT_LEVEL_COLOURS[self.colour]


class WarningInfo(models.Model):
    """One CAP ``<info>`` block (one language or one hazard of a message)."""

    warning = models.ForeignKey(
        ReceivedWarning, verbose_name=_("warning"), on_delete=models.CASCADE, related_name="infos"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    language = models.CharField(_("language"), max_length=35, default="en-US")
    categories = ArrayField(models.CharField(max_length=20), verbose_name=_("categories"), default=list)
    event = models.CharField(_("event"), max_length=255)
    response_types = ArrayField(
        models.CharField(max_length=20), verbose_name=_("response types"), default=list, blank=True
    )
    urgency = models.CharField(_("urgency"), max_length=10)
    severity = models.CharField(_("severity"), max_length=10, choices=CapSeverity.choices)
    certainty = models.CharField(_("certainty"), max_length=12)
    colour = models.CharField(_("colour"), max_length=10, choices=WARNING_COLOUR_CHOICES, default=NO_COLOUR)
    audience = models.TextField(_("audience"), blank=True)
    event_codes = models.JSONField(_("event codes"), default=list, blank=True)
    effective = models.DateTimeField(_("effective"), null=True, blank=True)
    onset = models.DateTimeField(_("onset"), null=True, blank=True)
    expires = models.DateTimeField(_("expires"), null=True, blank=True)
    sender_name = models.CharField(_("sender name"), max_length=255, blank=True)
    headline = models.CharField(_("headline"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    instruction = models.TextField(_("instruction"), blank=True)
    web = models.CharField(_("web"), max_length=500, blank=True)
    contact = models.TextField(_("contact"), blank=True)
    parameters = models.JSONField(_("parameters"), default=list, blank=True)
    resources = models.JSONField(_("resources"), default=list, blank=True)

    class Meta:
        verbose_name = _("warning info")
        verbose_name_plural = _("warning infos")
        ordering = ["warning", "position"]

    def __str__(self) -> str:
        return self.headline or self.event


class WarningArea(models.Model):
    """One CAP ``<area>``: polygons and circles become one geometry in WGS 84 (circles as polygons)."""

    info = models.ForeignKey(
        WarningInfo, verbose_name=_("info"), on_delete=models.CASCADE, related_name="areas"
    )
    # Repeated from the info and the message so the map layer needs no joins per feature.
    warning = models.ForeignKey(
        ReceivedWarning, verbose_name=_("warning"), on_delete=models.CASCADE, related_name="areas"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    area_desc = models.TextField(_("area description"))
    polygons = ArrayField(models.TextField(), verbose_name=_("polygons"), default=list, blank=True)
    circles = ArrayField(
        models.CharField(max_length=100), verbose_name=_("circles"), default=list, blank=True
    )
    geocodes = models.JSONField(_("geocodes"), default=list, blank=True)
    altitude = models.FloatField(_("altitude"), null=True, blank=True)
    ceiling = models.FloatField(_("ceiling"), null=True, blank=True)
    geom = models.MultiPolygonField(_("geometry"), srid=4326, null=True, blank=True)
    colour = models.CharField(_("colour"), max_length=10, choices=WARNING_COLOUR_CHOICES, default=NO_COLOUR)
    event = models.CharField(_("event"), max_length=255, blank=True)
    headline = models.CharField(_("headline"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("warning area")
        verbose_name_plural = _("warning areas")
        ordering = ["warning", "info__position", "position"]

    def __str__(self) -> str:
        return self.area_desc[:80]
