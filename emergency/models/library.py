"""The knowledge, case and document library (知识库/案例库/文档): reference entries, searchable by substring."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils.translation import gettext_lazy as _

from emergency.choices import LibraryKind
from emergency.models.incidents import StoredFile


class LibraryEntry(models.Model):
    """One entry: a piece of knowledge, a past case, a document or a regulation. Write it only through
    ``emergency.services.library`` (checked and audited there)."""

    kind = models.CharField(_("kind"), max_length=20, choices=LibraryKind.choices)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("text"), blank=True)
    tags = ArrayField(models.CharField(max_length=50), verbose_name=_("tags"), default=list, blank=True)
    incident_type = models.ForeignKey(
        "emergency.IncidentType",
        verbose_name=_("incident type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="library_entries",
    )
    incident = models.ForeignKey(
        "emergency.Incident",
        verbose_name=_("linked incident"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="library_entries",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("updated by"), on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("library entry")
        verbose_name_plural = _("library entries")
        ordering = ["-updated", "-id"]
        indexes = [
            # Substring search in Chinese (ILIKE '%…%'), as for incidents.
            GinIndex(name="library_title_trgm", fields=["title"], opclasses=["gin_trgm_ops"]),
            GinIndex(name="library_summary_trgm", fields=["summary"], opclasses=["gin_trgm_ops"]),
            GinIndex(name="library_body_trgm", fields=["body"], opclasses=["gin_trgm_ops"]),
            GinIndex(name="library_tags", fields=["tags"]),
            models.Index(fields=["kind", "-updated"], name="library_kind_updated"),
        ]

    def __str__(self) -> str:
        return self.title


def library_file_path(instance: LibraryFile, filename: str) -> str:
    return f"library/{instance.entry_id}/{filename}"


class LibraryFile(StoredFile):
    """The entry's file (a photo or document), checked like incident attachments."""

    entry = models.OneToOneField(
        LibraryEntry, verbose_name=_("library entry"), on_delete=models.CASCADE, related_name="file"
    )
    file = models.FileField(_("file"), upload_to=library_file_path)

    class Meta:
        verbose_name = _("library file")
        verbose_name_plural = _("library files")
