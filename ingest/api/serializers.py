from __future__ import annotations

import json

from rest_framework import serializers

from emergency.api.serializers import AlertSerializer
from emergency.models import ReceivedWarning, WarningArea, WarningInfo
from ingest.models import Run


class RunSerializer(serializers.ModelSerializer):
    source = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Run
        fields = [
            "id",
            "source",
            "adapter",
            "trigger",
            "status",
            "started_at",
            "finished_at",
            "bytes",
            "rows_seen",
            "rows_written",
            "rows_duplicate",
            "rows_rejected",
            "rows_skipped",
            "error_kind",
            "error",
        ]
        read_only_fields = fields


class WarningAreaSerializer(serializers.ModelSerializer):
    geometry = serializers.SerializerMethodField()

    class Meta:
        model = WarningArea
        fields = ["area_desc", "polygons", "circles", "geocodes", "altitude", "ceiling", "geometry"]

    def get_geometry(self, area: WarningArea) -> dict | None:
        return json.loads(area.geom.geojson) if area.geom else None


class WarningInfoSerializer(serializers.ModelSerializer):
    areas = WarningAreaSerializer(many=True, read_only=True)

    class Meta:
        model = WarningInfo
        fields = [
            "language",
            "categories",
            "event",
            "response_types",
            "urgency",
            "severity",
            "certainty",
            "colour",
            "audience",
            "event_codes",
            "effective",
            "onset",
            "expires",
            "sender_name",
            "headline",
            "description",
            "instruction",
            "web",
            "contact",
            "parameters",
            "resources",
            "areas",
        ]


class OutboundWarningSerializer(serializers.ModelSerializer):
    """A received CAP warning with its infos and areas (GeoJSON, WGS 84); ``colour`` is the Chinese
    warning colour (blue, yellow, orange, red; info when the message gives none)."""

    infos = WarningInfoSerializer(many=True, read_only=True)
    superseded_by = serializers.SerializerMethodField()
    updated = serializers.DateTimeField(source="updated_at", read_only=True)
    msgType = serializers.CharField(source="msg_type", read_only=True)

    class Meta:
        model = ReceivedWarning
        fields = [
            "id",
            "sender",
            "identifier",
            "sent",
            "status",
            "msgType",
            "scope",
            "references",
            "state",
            "colour",
            "severity",
            "event",
            "headline",
            "effective",
            "expires",
            "ends_at",
            "superseded_by",
            "infos",
            "updated",
        ]

    def get_superseded_by(self, warning: ReceivedWarning) -> dict | None:
        newer = warning.superseded_by
        if newer is None:
            return None
        return {"sender": newer.sender, "identifier": newer.identifier, "sent": newer.sent.isoformat()}


class OutboundAlertSerializer(AlertSerializer):
    updated = serializers.DateTimeField(read_only=True)

    class Meta(AlertSerializer.Meta):
        fields = [*AlertSerializer.Meta.fields, "updated"]
        read_only_fields = fields


class OutboundResponseSerializer(serializers.Serializer):
    """An emergency response activation (none are recorded yet; the shape is reserved)."""

    id = serializers.IntegerField()
    level = serializers.CharField()
    title = serializers.CharField()
    started = serializers.DateTimeField()
    ended = serializers.DateTimeField(allow_null=True)
    updated = serializers.DateTimeField()
