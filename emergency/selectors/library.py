"""Reads of the knowledge, case and document library: who sees which entry, search and filters."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.models import Organisation, User
from accounts.selectors.organisations import organisation_subtree, user_sees_whole_city
from emergency.models import LibraryEntry
from emergency.selectors.incidents import incident_types_for


def _ancestors(organisation: Organisation) -> list[int]:
    ids, node, seen = [], organisation, set()
    while node is not None and node.pk not in seen:
        seen.add(node.pk)
        ids.append(node.pk)
        node = node.parent
    return ids


def library_entries_visible(*, user: User) -> QuerySet[LibraryEntry]:
    """City-wide roles see every entry; others (with the view right) the entries of their organisation
    subtree and of the organisations above theirs (the bureau's regulations reach its districts)."""
    entries = LibraryEntry.objects.select_related(
        "incident_type", "incident_type__parent", "incident", "organisation", "created_by", "updated_by"
    ).prefetch_related("file")
    if not user.is_authenticated or not user.is_active or not user.has_perm("emergency.view_libraryentry"):
        return entries.none()
    if user_sees_whole_city(user=user):
        return entries
    if user.organisation_id is None:
        return entries.none()
    subtree = organisation_subtree(organisation=user.organisation).values("pk")
    return entries.filter(Q(organisation__in=subtree) | Q(organisation__in=_ancestors(user.organisation)))


def library_entry_access(*, user: User, entry_id: int, for_update: bool = False) -> LibraryEntry:
    """The entry if the user may see it (``LibraryEntry.DoesNotExist`` otherwise)."""
    entries = library_entries_visible(user=user)
    if for_update:
        entries = entries.select_for_update(of=("self",))
    return entries.get(pk=entry_id)


def library_search(queryset: QuerySet[LibraryEntry], *, q: str) -> QuerySet[LibraryEntry]:
    """Every whitespace-separated term must occur in the title, summary, text or a tag (substring
    matching backed by trigram indexes, so "台风" is found inside "超强台风山竹")."""
    for term in q.split()[:10]:
        queryset = queryset.filter(
            Q(title__icontains=term)
            | Q(summary__icontains=term)
            | Q(body__icontains=term)
            | Q(tags__contains=[term])
        )
    return queryset


def library_filter(
    queryset: QuerySet[LibraryEntry], *, kind: str = "", type_code: str = "", tag: str = ""
) -> QuerySet[LibraryEntry]:
    if kind:
        queryset = queryset.filter(kind=kind)
    if type_code:
        queryset = queryset.filter(incident_type__in=incident_types_for(code=type_code))
    if tag:
        queryset = queryset.filter(tags__contains=[tag])
    return queryset
