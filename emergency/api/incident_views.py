from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, parsers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from emergency.api.incident_filters import IncidentFilter
from emergency.api.incident_serializers import (
    IncidentLevelSerializer,
    IncidentReportSerializer,
    IncidentSerializer,
    IncidentTransitionSerializer,
    IncidentTypeSerializer,
    IncidentUpdateCreateSerializer,
    IncidentUpdateSerializer,
    StatisticsRowSerializer,
)
from emergency.api.resource_serializers import NearestResourceSerializer
from emergency.choices import ResourceKind
from emergency.models import IncidentType
from emergency.selectors.incidents import (
    PERIODS,
    STATISTICS_DIMENSIONS,
    incident_access,
    incident_statistics,
    incidents_visible,
)
from emergency.selectors.resources import resources_nearest
from emergency.services.exports import incidents_export_xlsx
from emergency.services.incidents import (
    incident_change_level,
    incident_report,
    incident_transition,
    incident_update_add,
)

MAX_RADIUS_M = 200_000


class IncidentTypeViewSet(viewsets.ReadOnlyModelViewSet):
    """The incident type tree (categories have no parent)."""

    serializer_class = IncidentTypeSerializer
    queryset = IncidentType.objects.select_related("parent")
    lookup_field = "code"
    pagination_class = None
    api_key_scopes = {"read": "incidents:read"}


class IncidentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Incidents the caller may see, newest first, with filters and substring search (``q``)."""

    serializer_class = IncidentSerializer
    filterset_class = IncidentFilter
    api_key_scopes = {"read": "incidents:read", "write": "incidents:write"}

    def get_queryset(self):
        return incidents_visible(user=self.request.user)

    @extend_schema(request=IncidentReportSerializer, responses={201: IncidentSerializer})
    def create(self, request):
        data = IncidentReportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        fields["geom"] = fields.pop("geometry")
        incident = incident_report(user=request.user, **fields)
        return Response(IncidentSerializer(incident).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=IncidentTransitionSerializer, responses={200: IncidentSerializer})
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        data = IncidentTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        incident = incident_transition(user=request.user, incident_id=_int(pk), **data.validated_data)
        return Response(IncidentSerializer(incident).data)

    @extend_schema(request=IncidentLevelSerializer, responses={200: IncidentSerializer})
    @action(detail=True, methods=["post"])
    def level(self, request, pk=None):
        data = IncidentLevelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        incident = incident_change_level(user=request.user, incident_id=_int(pk), **data.validated_data)
        return Response(IncidentSerializer(incident).data)

    @extend_schema(
        methods=["post"],
        request={"multipart/form-data": IncidentUpdateCreateSerializer},
        responses={201: IncidentUpdateSerializer},
    )
    @extend_schema(methods=["get"], responses={200: IncidentUpdateSerializer(many=True)})
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[parsers.MultiPartParser, parsers.FormParser, parsers.JSONParser],
    )
    def updates(self, request, pk=None):
        if request.method == "GET":
            incident = incident_access(user=request.user, incident_id=_int(pk))
            updates = incident.updates.select_related("author").prefetch_related("attachments")
            return Response(IncidentUpdateSerializer(updates, many=True).data)
        data = IncidentUpdateCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        files = request.FILES.getlist("files")
        update = incident_update_add(
            user=request.user, incident_id=_int(pk), body=data.validated_data["body"], files=files
        )
        return Response(IncidentUpdateSerializer(update).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, enum=ResourceKind.values, required=True),
            OpenApiParameter("radius", float, description="metres (default 5000)"),
            OpenApiParameter("limit", int, description="default 10, at most 100"),
            OpenApiParameter("available", bool),
        ],
        responses={200: NearestResourceSerializer(many=True)},
    )
    @action(detail=True, methods=["get"])
    def nearest(self, request, pk=None):
        """The nearest resources of a kind within a radius of the incident, nearest first."""
        incident = incident_access(user=request.user, incident_id=_int(pk))
        kind = request.query_params.get("kind", "")
        if kind not in ResourceKind.values:
            raise ValidationError(
                {"kind": [_("Choose one of: %(kinds)s.") % {"kinds": ", ".join(ResourceKind.values)}]}
            )
        radius = _number(request.query_params.get("radius", "5000"), "radius", float, 1, MAX_RADIUS_M)
        limit = _number(request.query_params.get("limit", "10"), "limit", int, 1, 100)
        available = request.query_params.get("available", "").lower() in ("1", "true", "yes")
        rows = resources_nearest(
            user=request.user,
            kind=kind,
            point=incident.geom,
            radius_m=radius,
            limit=limit,
            available_only=available,
        )
        return Response(NearestResourceSerializer(rows, many=True, context={"kind": kind}).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("by", str, enum=list(STATISTICS_DIMENSIONS), required=True),
            OpenApiParameter("period", str, enum=list(PERIODS)),
        ],
        responses={200: StatisticsRowSerializer(many=True)},
    )
    @action(detail=False, methods=["get"])
    def statistics(self, request):
        """Counts, casualties and losses of the filtered incidents by type, district, level, status or period."""
        by = request.query_params.get("by", "")
        period = request.query_params.get("period", "day")
        if by not in STATISTICS_DIMENSIONS:
            raise ValidationError(
                {"by": [_("Choose one of: %(values)s.") % {"values": ", ".join(STATISTICS_DIMENSIONS)}]}
            )
        if period not in PERIODS:
            raise ValidationError(
                {"period": [_("Choose one of: %(values)s.") % {"values": ", ".join(PERIODS)}]}
            )
        queryset = self.filter_queryset(self.get_queryset())
        return Response(incident_statistics(queryset=queryset, by=by, period=period))

    @extend_schema(
        responses={
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiTypes.BINARY
        }
    )
    @action(detail=False, methods=["get"])
    def export(self, request):
        """The filtered incidents as an Excel workbook."""
        queryset = self.filter_queryset(self.get_queryset())
        content = incidents_export_xlsx(incidents=queryset)
        response = HttpResponse(
            content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="incidents-{stamp}.xlsx"'
        return response


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        from rest_framework.exceptions import NotFound

        raise NotFound() from exc


def _number(raw: str, name: str, kind, low, high):
    try:
        value = kind(raw)
    except (TypeError, ValueError) as exc:
        raise ValidationError({name: [_("Enter a number.")]}) from exc
    if not low <= value <= high:
        raise ValidationError(
            {name: [_("Enter a value between %(low)s and %(high)s.") % {"low": low, "high": high}]}
        )
    return value
