"""Writing the knowledge, case and document library: create and update entries, with an optional file
checked exactly like incident attachments. Every write checks the actor's right and scope and is audited
(``LibraryEntry`` and ``LibraryFile`` are registered in ``emergency.apps``)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.audit_context import audit_context
from accounts.models import Organisation, User
from accounts.selectors.organisations import organisations_visible
from emergency.choices import LibraryKind
from emergency.models import Incident, IncidentType, LibraryEntry, LibraryFile
from emergency.selectors.incidents import incident_access
from emergency.selectors.library import library_entry_access
from emergency.services.incidents import attachment_check

MAX_TAGS = 20
_UNSET = object()


def _require(user: User, perm: str, message: str) -> None:
    if not user.is_authenticated or not user.is_active or not user.has_perm(perm):
        raise PermissionDenied(message)


def _tags(tags: Iterable[str]) -> list[str]:
    cleaned: list[str] = []
    for tag in tags or ():
        tag = (tag or "").strip()
        if not tag or tag in cleaned:
            continue
        if len(tag) > 50:
            raise ValidationError({"tags": _("A tag has at most 50 characters.")})
        cleaned.append(tag)
    if len(cleaned) > MAX_TAGS:
        raise ValidationError({"tags": _("At most %(n)d tags.") % {"n": MAX_TAGS}})
    return cleaned


def _owner(user: User, organisation: Organisation | None) -> Organisation:
    organisation = organisation or user.organisation
    if organisation is None:
        raise ValidationError({"organisation": _("Choose the organisation that owns the entry.")})
    if not organisations_visible(user=user).filter(pk=organisation.pk).exists():
        raise ValidationError({"organisation": _("You may not write entries for this organisation.")})
    return organisation


def _incident(user: User, incident: Incident | int | None) -> Incident | None:
    if incident is None:
        return None
    try:
        return incident_access(user=user, incident_id=getattr(incident, "pk", incident))
    except Incident.DoesNotExist as exc:
        raise ValidationError({"incident": _("Unknown incident.")}) from exc


def _attach(entry: LibraryEntry, upload: UploadedFile, name: str, content_type: str) -> None:
    LibraryFile.objects.filter(entry=entry).delete()
    stored = LibraryFile(entry=entry, name=name, content_type=content_type, size=upload.size)
    stored.file.save(name, upload, save=False)
    stored.save()


def _check(entry: LibraryEntry) -> None:
    if entry.kind not in LibraryKind.values:
        raise ValidationError({"kind": _("Choose a valid kind.")})
    entry.title = (entry.title or "").strip()
    if not entry.title:
        raise ValidationError({"title": _("Give the entry a title.")})
    entry.full_clean(exclude=["created_by", "updated_by", "organisation", "tags"])


@transaction.atomic
def library_entry_create(
    *,
    user: User,
    kind: str,
    title: str,
    summary: str = "",
    body: str = "",
    tags: Iterable[str] = (),
    incident_type: IncidentType | None = None,
    incident: Incident | int | None = None,
    organisation: Organisation | None = None,
    file: UploadedFile | None = None,
) -> LibraryEntry:
    """Add an entry to the library, owned by the user's organisation unless another one in their scope
    is given."""
    _require(user, "emergency.add_libraryentry", _("You may not add to the library."))
    checked = attachment_check(file) if file is not None else None
    entry = LibraryEntry(
        kind=kind,
        title=title,
        summary=(summary or "").strip(),
        body=(body or "").strip(),
        tags=_tags(tags),
        incident_type=incident_type,
        incident=_incident(user, incident),
        organisation=_owner(user, organisation),
        created_by=user,
        updated_by=user,
    )
    _check(entry)
    with audit_context(actor=user):
        entry.save()
        if checked is not None:
            _attach(entry, file, *checked)
    return entry


@transaction.atomic
def library_entry_update(
    *,
    user: User,
    entry_id: int,
    kind: str | None = None,
    title: str | None = None,
    summary: str | None = None,
    body: str | None = None,
    tags: Iterable[str] | None = None,
    incident_type=_UNSET,
    incident=_UNSET,
    organisation: Organisation | None = None,
    file: UploadedFile | None = None,
    remove_file: bool = False,
) -> LibraryEntry:
    """Change an entry the user may see and whose owner is in their scope; only the given fields change."""
    _require(user, "emergency.change_libraryentry", _("You may not change library entries."))
    try:
        entry = library_entry_access(user=user, entry_id=entry_id, for_update=True)
    except LibraryEntry.DoesNotExist as exc:
        raise LibraryEntry.DoesNotExist(_("No such library entry.")) from exc
    _owner(user, entry.organisation)
    checked = attachment_check(file) if file is not None else None
    if kind is not None:
        entry.kind = kind
    if title is not None:
        entry.title = title
    if summary is not None:
        entry.summary = summary.strip()
    if body is not None:
        entry.body = body.strip()
    if tags is not None:
        entry.tags = _tags(tags)
    if incident_type is not _UNSET:
        entry.incident_type = incident_type
    if incident is not _UNSET:
        entry.incident = _incident(user, incident)
    if organisation is not None:
        entry.organisation = _owner(user, organisation)
    entry.updated_by = user
    _check(entry)
    with audit_context(actor=user):
        entry.save()
        if checked is not None:
            _attach(entry, file, *checked)
        elif remove_file:
            LibraryFile.objects.filter(entry=entry).delete()
    return entry
