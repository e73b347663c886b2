from __future__ import annotations

import json

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework_gis.fields import GeometryField

from emergency.choices import IncidentLevel, IncidentSource, IncidentStatus
from emergency.models import Incident, IncidentAttachment, IncidentType, IncidentUpdate
from emergency.selectors.incidents import type_display_name
from gis.choices import AreaLevel
from gis.models import AdminArea


def mask_phone(phone: str) -> str:
    """Phone numbers are shown masked (138****5678); the full number stays encrypted in the database."""
    if not phone:
        return ""
    if len(phone) <= 4:
        return "*" * len(phone)
    return phone[:3] + "*" * max(len(phone) - 7, 1) + phone[-4:]


class IncidentTypeSerializer(serializers.ModelSerializer):
    label = serializers.SerializerMethodField()
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = IncidentType
        fields = ["code", "name", "name_en", "label", "category", "parent"]

    def get_label(self, obj: IncidentType) -> str:
        return type_display_name(obj)


class IncidentSerializer(serializers.ModelSerializer):
    type = IncidentTypeSerializer(read_only=True)
    district = serializers.SlugRelatedField(slug_field="adcode", read_only=True)
    district_name = serializers.CharField(source="district.name", default=None, read_only=True)
    geometry = serializers.SerializerMethodField()
    area = serializers.SerializerMethodField()
    reporter_phone = serializers.SerializerMethodField()
    reporter = serializers.CharField(source="reporter.username", default=None, read_only=True)
    colour = serializers.CharField(read_only=True)

    class Meta:
        model = Incident
        fields = [
            "id",
            "title",
            "description",
            "type",
            "level",
            "colour",
            "status",
            "geometry",
            "area",
            "address",
            "district",
            "district_name",
            "reporter",
            "reporter_name",
            "reporter_phone",
            "source",
            "occurred_at",
            "reported_at",
            "verified_at",
            "closed_at",
            "deaths",
            "injuries",
            "missing",
            "evacuated",
            "economic_loss",
            "drill",
        ]
        read_only_fields = fields

    def get_geometry(self, obj: Incident) -> dict:
        return json.loads(obj.geom.geojson)

    def get_area(self, obj: Incident) -> dict | None:
        return json.loads(obj.area.geojson) if obj.area else None

    def get_reporter_phone(self, obj: Incident) -> str:
        return mask_phone(obj.reporter_phone)


class IncidentReportSerializer(serializers.Serializer):
    """What intake needs; the district is derived from the point when left out."""

    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    type = serializers.SlugRelatedField(slug_field="code", queryset=IncidentType.objects.all())
    level = serializers.ChoiceField(choices=IncidentLevel.choices)
    geometry = GeometryField(help_text=_("GeoJSON point, WGS 84."))
    area = GeometryField(
        required=False, allow_null=True, default=None, help_text=_("GeoJSON (multi)polygon.")
    )
    address = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    district = serializers.SlugRelatedField(
        slug_field="adcode",
        queryset=AdminArea.objects.filter(level=AreaLevel.DISTRICT),
        required=False,
        allow_null=True,
        default=None,
    )
    source = serializers.ChoiceField(choices=IncidentSource.choices, default=IncidentSource.API)
    occurred_at = serializers.DateTimeField(required=False, default=None)
    reporter_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    reporter_phone = serializers.RegexField(
        r"^[0-9+\-() ]{0,20}$", required=False, allow_blank=True, default=""
    )
    deaths = serializers.IntegerField(min_value=0, default=0)
    injuries = serializers.IntegerField(min_value=0, default=0)
    missing = serializers.IntegerField(min_value=0, default=0)
    evacuated = serializers.IntegerField(min_value=0, default=0)
    economic_loss = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, default=0)
    drill = serializers.BooleanField(default=False)


class IncidentTransitionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=IncidentStatus.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class IncidentLevelSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=IncidentLevel.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.FileField(source="file", read_only=True)

    class Meta:
        model = IncidentAttachment
        fields = ["id", "name", "content_type", "size", "url"]


class IncidentUpdateSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", default=None, read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = IncidentUpdate
        fields = ["id", "kind", "body", "old_value", "new_value", "author", "created", "attachments"]
        read_only_fields = fields


class IncidentUpdateCreateSerializer(serializers.Serializer):
    body = serializers.CharField(required=False, allow_blank=True, default="")
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class StatisticsRowSerializer(serializers.Serializer):
    key = serializers.CharField(allow_null=True)
    label = serializers.CharField()
    count = serializers.IntegerField()
    deaths = serializers.IntegerField()
    injuries = serializers.IntegerField()
    missing = serializers.IntegerField()
    evacuated = serializers.IntegerField()
    economic_loss = serializers.CharField()
