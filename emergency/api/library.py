"""The knowledge, case and document library in the REST API: list (search ``q``, filters ``kind``,
``type``, ``tag``), detail, create and update (JSON, or multipart with a ``file``). Writes go through
``emergency.services.library``."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, parsers, serializers, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from accounts.models import Organisation
from emergency.choices import LibraryKind
from emergency.models import Incident, IncidentType, LibraryEntry, LibraryFile
from emergency.selectors.library import library_entries_visible, library_filter, library_search
from emergency.services.library import library_entry_create, library_entry_update


class LibraryFileSerializer(serializers.ModelSerializer):
    url = serializers.FileField(source="file", read_only=True)

    class Meta:
        model = LibraryFile
        fields = ["name", "content_type", "size", "url"]


class LibraryEntrySerializer(serializers.ModelSerializer):
    incident_type = serializers.SlugRelatedField(slug_field="code", read_only=True)
    organisation = serializers.StringRelatedField()
    created_by = serializers.StringRelatedField()
    updated_by = serializers.StringRelatedField()
    file = serializers.SerializerMethodField()

    class Meta:
        model = LibraryEntry
        fields = [
            "id",
            "kind",
            "title",
            "summary",
            "body",
            "tags",
            "incident_type",
            "incident",
            "organisation",
            "file",
            "created_by",
            "created",
            "updated_by",
            "updated",
        ]

    @extend_schema_field(LibraryFileSerializer(allow_null=True))
    def get_file(self, entry):
        try:
            stored = entry.file
        except LibraryFile.DoesNotExist:
            return None
        return LibraryFileSerializer(stored, context=self.context).data


class TagsField(serializers.ListField):
    """A list of tags; in a form, repeated ``tags`` fields or one comma-separated value."""

    child = serializers.CharField(max_length=50)

    def to_internal_value(self, data):
        if isinstance(data, str):
            data = [data]
        split: list[str] = []
        for item in data:
            split.extend(t for t in re.split(r"[,，;；]", str(item)) if t.strip())
        return super().to_internal_value(split)


class LibraryEntryWriteSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=LibraryKind.choices)
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(required=False, allow_blank=True)
    body = serializers.CharField(required=False, allow_blank=True)
    tags = TagsField(required=False)
    incident_type = serializers.SlugRelatedField(
        slug_field="code", queryset=IncidentType.objects.all(), required=False, allow_null=True
    )
    incident = serializers.PrimaryKeyRelatedField(
        queryset=Incident.objects.all(), required=False, allow_null=True
    )
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(),
        required=False,
        help_text=_("Owner organisation id (default: yours)."),
    )
    file = serializers.FileField(required=False, help_text=_("A photo or document."))
    remove_file = serializers.BooleanField(required=False, default=False)


_FILTERS = [
    OpenApiParameter("q", str, description="Words to find in title, summary, text or tags."),
    OpenApiParameter("kind", str, enum=LibraryKind.values),
    OpenApiParameter("type", str, description="Incident type or category code."),
    OpenApiParameter("tag", str),
]


@extend_schema(parameters=_FILTERS, methods=["get"])
class LibraryEntryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The library entries the caller may see, most recently updated first."""

    serializer_class = LibraryEntrySerializer
    parser_classes = [parsers.JSONParser, parsers.MultiPartParser, parsers.FormParser]
    # API keys may read with the library scope; writing is for staff sessions.
    api_key_scopes = {"read": "library:read"}

    def get_queryset(self):
        entries = library_entries_visible(user=self.request.user)
        params = self.request.query_params
        if self.action == "list":
            kind = params.get("kind", "")
            if kind and kind not in LibraryKind.values:
                raise serializers.ValidationError(
                    {"kind": [_("Choose one of: %(values)s.") % {"values": ", ".join(LibraryKind.values)}]}
                )
            entries = library_filter(
                entries, kind=kind, type_code=params.get("type", ""), tag=params.get("tag", "")
            )
            entries = library_search(entries, q=params.get("q", ""))
        return entries

    @extend_schema(request=LibraryEntryWriteSerializer, responses={201: LibraryEntrySerializer})
    def create(self, request):
        data = LibraryEntryWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        fields.pop("remove_file", None)
        entry = library_entry_create(user=request.user, **fields)
        return Response(self._out(entry.pk), status=status.HTTP_201_CREATED)

    @extend_schema(request=LibraryEntryWriteSerializer, responses={200: LibraryEntrySerializer})
    def partial_update(self, request, pk=None):
        data = LibraryEntryWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        entry = library_entry_update(user=request.user, entry_id=_int(pk), **data.validated_data)
        return Response(self._out(entry.pk))

    @extend_schema(request=LibraryEntryWriteSerializer, responses={200: LibraryEntrySerializer})
    def update(self, request, pk=None):
        data = LibraryEntryWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        fields.setdefault("summary", "")
        fields.setdefault("body", "")
        fields.setdefault("tags", [])
        fields.setdefault("incident_type", None)
        fields.setdefault("incident", None)
        entry = library_entry_update(user=request.user, entry_id=_int(pk), **fields)
        return Response(self._out(entry.pk))

    def _out(self, pk: int) -> dict:
        entry = library_entries_visible(user=self.request.user).get(pk=pk)
        return LibraryEntrySerializer(entry, context=self.get_serializer_context()).data


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc
