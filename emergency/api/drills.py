"""Drills (演练) in the REST API: list/detail, plan (POST), and the steps ``start``, ``evaluate`` and
``file``, each through ``emergency.services.drills`` (which enforces their order)."""

from __future__ import annotations

import json

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework_gis.fields import GeometryField

from emergency.choices import DrillStatus, IncidentLevel
from emergency.models import Drill, IncidentType, PlanVersion
from emergency.selectors.drills import drills_visible
from emergency.services.drills import drill_evaluate, drill_file, drill_plan, drill_start


class DrillSerializer(serializers.ModelSerializer):
    plan = serializers.CharField(source="plan_version.plan.code", read_only=True)
    incident_type = serializers.SlugRelatedField(slug_field="code", read_only=True)
    geometry = serializers.SerializerMethodField()
    organisation = serializers.StringRelatedField()
    created_by = serializers.StringRelatedField()
    drill = serializers.SerializerMethodField(help_text=_("Always true: everything here is a drill."))

    class Meta:
        model = Drill
        fields = [
            "id",
            "drill",
            "title",
            "plan",
            "plan_version",
            "scenario",
            "incident_type",
            "level",
            "geometry",
            "scheduled_at",
            "status",
            "incident",
            "started_at",
            "evaluation",
            "score",
            "evaluated_at",
            "report",
            "filed_at",
            "organisation",
            "created_by",
            "created",
        ]

    @extend_schema_field({"type": "object"})
    def get_geometry(self, obj: Drill) -> dict:
        return json.loads(obj.geom.geojson)

    def get_drill(self, obj: Drill) -> bool:
        return True


class DrillPlanSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    plan_version = serializers.PrimaryKeyRelatedField(queryset=PlanVersion.objects.all())
    scenario = serializers.CharField()
    incident_type = serializers.SlugRelatedField(slug_field="code", queryset=IncidentType.objects.all())
    level = serializers.ChoiceField(choices=IncidentLevel.choices)
    geometry = GeometryField(help_text=_("GeoJSON point, WGS 84."))
    scheduled_at = serializers.DateTimeField()


class DrillEvaluateSerializer(serializers.Serializer):
    evaluation = serializers.CharField()
    score = serializers.IntegerField(min_value=0, max_value=100)


class DrillFileSerializer(serializers.Serializer):
    report = serializers.CharField()


class DrillViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Drills the caller may see, latest scheduled first (``?status=``)."""

    serializer_class = DrillSerializer
    api_key_scopes = {"read": "drills:read"}

    def get_queryset(self):
        drills = drills_visible(user=self.request.user)
        wanted = self.request.query_params.get("status", "")
        if self.action == "list" and wanted:
            if wanted not in DrillStatus.values:
                raise serializers.ValidationError(
                    {"status": [_("Choose one of: %(values)s.") % {"values": ", ".join(DrillStatus.values)}]}
                )
            drills = drills.filter(status=wanted)
        return drills

    @extend_schema(request=DrillPlanSerializer, responses={201: DrillSerializer})
    def create(self, request):
        data = DrillPlanSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        fields["geom"] = fields.pop("geometry")
        drill = drill_plan(user=request.user, **fields)
        return Response(DrillSerializer(drill).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: DrillSerializer})
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        """Run the drill: creates its simulated incident (flagged ``drill``)."""
        return Response(DrillSerializer(drill_start(user=request.user, drill_id=_int(pk))).data)

    @extend_schema(request=DrillEvaluateSerializer, responses={200: DrillSerializer})
    @action(detail=True, methods=["post"])
    def evaluate(self, request, pk=None):
        data = DrillEvaluateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        drill = drill_evaluate(user=request.user, drill_id=_int(pk), **data.validated_data)
        return Response(DrillSerializer(drill).data)

    @extend_schema(request=DrillFileSerializer, responses={200: DrillSerializer})
    @action(detail=True, methods=["post"], url_path="file")
    def file_report(self, request, pk=None):
        data = DrillFileSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        drill = drill_file(user=request.user, drill_id=_int(pk), **data.validated_data)
        return Response(DrillSerializer(drill).data)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc
