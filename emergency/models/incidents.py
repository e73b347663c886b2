"""Incidents (突发事件): their type tree, the incident itself and its timeline."""

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.indexes import GinIndex
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedTextField
from emergency.choices import (
    INCIDENT_LEVEL_COLOURS,
    IncidentCategory,
    IncidentLevel,
    IncidentSource,
    IncidentStatus,
    IncidentUpdateKind,
)


class IncidentType(models.Model):
    """A node of the national classification: a category (no parent) or a subtype under one.

    Seeded by migration 0004; names are data (Chinese, with an English name for the English UI).
    """

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=IncidentCategory.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("incident type")
        verbose_name_plural = _("incident types")
        ordering = ["category", "order", "code"]

    def __str__(self) -> str:
        if self.parent_id:
            return f"{self.parent.name} / {self.name}"
        return self.name


class Incident(models.Model):
    """One emergency event located on the map. Change its status and level only through
    ``emergency.services.incidents``: every step is checked and audited there."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    type = models.ForeignKey(
        IncidentType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="incidents"
    )
    level = models.CharField(_("level"), max_length=3, choices=IncidentLevel.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=IncidentStatus.choices, default=IncidentStatus.REPORTED
    )
    geom = models.PointField(_("location"), srid=4326)
    area = models.MultiPolygonField(_("affected area"), srid=4326, null=True, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    district = models.ForeignKey(
        "geo.AdminArea",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents",
    )
    # Who handles it (the district's organisation when there is one) and who reported it; both
    # decide who may see it.
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("responsible organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents",
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents_reported",
    )
    reporter_organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("reporting organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents_reported",
    )
    reporter_name = models.CharField(_("reporter name"), max_length=100, blank=True)
    reporter_phone = EncryptedTextField(_("reporter phone"), blank=True)
    source = models.CharField(_("source"), max_length=20, choices=IncidentSource.choices)
    occurred_at = models.DateTimeField(_("occurred at"))
    reported_at = models.DateTimeField(_("reported at"), auto_now_add=True, db_index=True)
    deaths = models.PositiveIntegerField(_("deaths"), default=0)
    injuries = models.PositiveIntegerField(_("injuries"), default=0)
    missing = models.PositiveIntegerField(_("missing"), default=0)
    evacuated = models.PositiveIntegerField(_("people evacuated"), default=0)
    economic_loss = models.DecimalField(
        _("direct economic loss (10k yuan)"), max_digits=14, decimal_places=2, default=0
    )
    drill = models.BooleanField(_("drill"), default=False)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-reported_at", "-id"]
        permissions = [("handle_incident", _("Can verify, dismiss, respond to and close incidents"))]
        indexes = [
            # Substring search (icontains → ILIKE '%…%') uses these trigram indexes; Chinese has no
            # word boundaries, so substring matching is what finds "水库" in "某水库溃坝".
            GinIndex(name="incident_title_trgm", fields=["title"], opclasses=["gin_trgm_ops"]),
            GinIndex(name="incident_desc_trgm", fields=["description"], opclasses=["gin_trgm_ops"]),
            models.Index(fields=["status", "level"], name="incident_status_level"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(economic_loss__gte=0), name="incident_loss_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def colour(self) -> str:
        return INCIDENT_LEVEL_COLOURS[self.level]


def attachment_path(instance: "IncidentAttachment", filename: str) -> str:
    return f"incidents/{instance.update.incident_id}/{filename}"


class IncidentUpdate(models.Model):
    """One entry of an incident's timeline: a progress note, a status or a level change."""

    incident = models.ForeignKey(
        Incident, verbose_name=_("incident"), on_delete=models.CASCADE, related_name="updates"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=IncidentUpdateKind.choices)
    body = models.TextField(_("text"), blank=True)
    old_value = models.CharField(_("old value"), max_length=20, blank=True)
    new_value = models.CharField(_("new value"), max_length=20, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("incident update")
        verbose_name_plural = _("incident updates")
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return f"{self.incident} · {self.get_kind_display()}"


class StoredFile(models.Model):
    """A checked upload (photo or document): its type and size are checked before it is stored."""

    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name


class IncidentAttachment(StoredFile):
    """A photo or document on a timeline entry."""

    update = models.ForeignKey(
        IncidentUpdate, verbose_name=_("update"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
