"""Defence preparation and disaster reports in the REST API (under ``/api/sanfang/``):

- ``defence/events/``: the events the caller may follow or report on;
- ``defence/progress/?incident=``: totals against targets, by district and town;
- ``defence/reports/``: list (``?incident=``) and submit progress reports (member units);
- ``defence/targets/``: list and set targets (command centre);
- ``disaster-reports/``: list and submit loss and relief reports;
- ``disaster-statistics/?incident=&drill=``: per event and district; ``?export=xlsx`` for Excel.

Views parse, call one service or selector, and serialise; errors use the project's JSON shape.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from emergency.models import Incident
from sanfang.choices import DefenceCategory
from sanfang.models import DefenceReport, DefenceTarget, DisasterReport
from sanfang.selectors.defence import (
    DISASTER_FIGURES,
    defence_can_view,
    defence_current_event,
    defence_event_access,
    defence_events,
    defence_progress,
    defence_reports_visible,
    defence_targets_visible,
    disaster_reports_visible,
    disaster_statistics,
)
from sanfang.services.defence import (
    defence_report_submit,
    defence_target_set,
    disaster_report_submit,
    disaster_statistics_export_xlsx,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _incident_param(request, *, required: bool) -> int | None:
    raw = request.query_params.get("incident", "")
    if not raw:
        if required:
            raise serializers.ValidationError({"incident": [_("Choose an event.")]})
        return None
    try:
        return int(raw)
    except ValueError:
        raise serializers.ValidationError({"incident": [_("A whole number is required.")]}) from None


class DefenceEventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.CharField()
    drill = serializers.BooleanField()
    reported_at = serializers.DateTimeField()


class DefenceReportSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    district_name = serializers.CharField(source="district.name", read_only=True)
    category_label = serializers.CharField(source="get_category_display", read_only=True)

    class Meta:
        model = DefenceReport
        fields = [
            "id",
            "incident",
            "organisation",
            "organisation_name",
            "district",
            "district_name",
            "town",
            "category",
            "category_label",
            "value",
            "note",
            "reported_at",
        ]


class DefenceReportWriteSerializer(serializers.Serializer):
    """Shapes the input only; the service checks scope, limits and consistency."""

    incident = serializers.IntegerField()
    district = serializers.IntegerField()
    town = serializers.CharField(required=False, allow_blank=True, default="", max_length=60)
    category = serializers.ChoiceField(choices=DefenceCategory.choices)
    value = serializers.IntegerField(help_text=_("How many so far (cumulative), not the increase."))
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class DefenceTargetSerializer(serializers.ModelSerializer):
    district_name = serializers.CharField(source="district.name", read_only=True)
    category_label = serializers.CharField(source="get_category_display", read_only=True)

    class Meta:
        model = DefenceTarget
        fields = [
            "id",
            "incident",
            "district",
            "district_name",
            "town",
            "category",
            "category_label",
            "target",
        ]


class DefenceTargetWriteSerializer(serializers.Serializer):
    incident = serializers.IntegerField()
    district = serializers.IntegerField()
    town = serializers.CharField(required=False, allow_blank=True, default="", max_length=60)
    category = serializers.ChoiceField(choices=DefenceCategory.choices)
    target = serializers.IntegerField()


class ProgressLineSerializer(serializers.Serializer):
    category = serializers.CharField()
    label = serializers.CharField()
    done = serializers.IntegerField()
    target = serializers.IntegerField()
    percent = serializers.IntegerField(allow_null=True)


class PlaceProgressSerializer(serializers.Serializer):
    district_id = serializers.IntegerField()
    district = serializers.CharField()
    town = serializers.CharField()
    categories = ProgressLineSerializer(many=True)


class DefenceProgressSerializer(serializers.Serializer):
    incident = DefenceEventSerializer()
    units = serializers.IntegerField()
    last_report = serializers.DateTimeField(allow_null=True)
    totals = ProgressLineSerializer(many=True)
    places = PlaceProgressSerializer(many=True)


class DisasterReportSerializer(serializers.ModelSerializer):
    district_name = serializers.CharField(source="district.name", read_only=True)

    class Meta:
        model = DisasterReport
        fields = [
            "id",
            "incident",
            "district",
            "district_name",
            "reported_at",
            *DISASTER_FIGURES,
            "relief_supplies",
            "note",
        ]


class DisasterReportWriteSerializer(serializers.Serializer):
    incident = serializers.IntegerField()
    district = serializers.IntegerField()
    affected_people = serializers.IntegerField(required=False, default=0)
    deaths = serializers.IntegerField(required=False, default=0)
    missing = serializers.IntegerField(required=False, default=0)
    injuries = serializers.IntegerField(required=False, default=0)
    houses_collapsed = serializers.IntegerField(required=False, default=0)
    houses_damaged = serializers.IntegerField(required=False, default=0)
    crops_hectares = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, default=0)
    economic_loss = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, default=0)
    people_relocated = serializers.IntegerField(required=False, default=0)
    relief_funds = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, default=0)
    relief_supplies = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class DisasterRowSerializer(serializers.Serializer):
    incident_id = serializers.IntegerField()
    incident = serializers.CharField()
    drill = serializers.BooleanField()
    district_id = serializers.IntegerField()
    district = serializers.CharField()
    reported_at = serializers.DateTimeField()
    affected_people = serializers.IntegerField()
    deaths = serializers.IntegerField()
    missing = serializers.IntegerField()
    injuries = serializers.IntegerField()
    houses_collapsed = serializers.IntegerField()
    houses_damaged = serializers.IntegerField()
    crops_hectares = serializers.DecimalField(max_digits=12, decimal_places=2)
    economic_loss = serializers.DecimalField(max_digits=14, decimal_places=2)
    people_relocated = serializers.IntegerField()
    relief_funds = serializers.DecimalField(max_digits=14, decimal_places=2)
    relief_supplies = serializers.CharField()


def _require_view(request) -> None:
    if not defence_can_view(user=request.user):
        raise PermissionDenied(_("You may not see defence progress."))


_INCIDENT = OpenApiParameter("incident", int, description="Event (incident) id.")


class DefenceEventsView(generics.ListAPIView):
    """Events the caller may follow or report defence progress on, latest first (``?open=true``)."""

    api_key_scopes = {"read": "sanfang:read", "write": "sanfang:write"}

    serializer_class = DefenceEventSerializer
    queryset = Incident.objects.none()  # for the schema; the real list is per user

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Incident.objects.none()
        _require_view(self.request)
        return defence_events(
            user=self.request.user, open_only=self.request.query_params.get("open") == "true"
        )


class DefenceProgressView(APIView):
    """Totals against targets for one event (default: the current one), by district and town."""

    api_key_scopes = {"read": "sanfang:read", "write": "sanfang:write"}

    @extend_schema(parameters=[_INCIDENT], responses={200: DefenceProgressSerializer})
    def get(self, request):
        _require_view(request)
        incident_id = _incident_param(request, required=False)
        if incident_id is None:
            event = defence_current_event(user=request.user)
            if event is None:
                raise serializers.ValidationError({"incident": [_("No open event has defence progress.")]})
        else:
            event = defence_event_access(user=request.user, incident_id=incident_id)
        progress = defence_progress(user=request.user, incident_id=event.pk)
        body = {
            "incident": event,
            "units": progress["units"],
            "last_report": progress["last_report"],
            "totals": [line.as_dict() for line in progress["totals"]],
            "places": [place.as_dict() for place in progress["places"]],
        }
        return Response(DefenceProgressSerializer(body).data)


class _EventListCreateView(generics.ListAPIView):
    """Rows of one kind the caller may see (``?incident=`` narrows to one event), latest first; POST
    writes one through ``submit`` for an event and district. Subclasses name the four pieces."""

    api_key_scopes = {"read": "sanfang:read", "write": "sanfang:write"}
    write_serializer_class: type[serializers.Serializer]
    visible: Callable[..., QuerySet]  # (user=) -> the rows the user may see
    submit: Callable[..., Any]  # the service that checks and writes one row

    def get_queryset(self):
        rows = self.visible(user=self.request.user)
        incident_id = _incident_param(self.request, required=False)
        return rows.filter(incident_id=incident_id) if incident_id else rows

    def post(self, request):
        data = self.write_serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        row = self.submit(
            user=request.user,
            incident_id=fields.pop("incident"),
            district_id=fields.pop("district"),
            **fields,
        )
        return Response(self.serializer_class(row).data, status=status.HTTP_201_CREATED)


@extend_schema(parameters=[_INCIDENT], methods=["get"])
@extend_schema(
    request=DefenceReportWriteSerializer, responses={201: DefenceReportSerializer}, methods=["post"]
)
class DefenceReportListCreateView(_EventListCreateView):
    """Progress reports the caller may see, latest first; POST reports a cumulative figure."""

    serializer_class = DefenceReportSerializer
    write_serializer_class = DefenceReportWriteSerializer
    visible = staticmethod(defence_reports_visible)
    submit = staticmethod(defence_report_submit)


@extend_schema(parameters=[_INCIDENT], methods=["get"])
@extend_schema(
    request=DefenceTargetWriteSerializer, responses={201: DefenceTargetSerializer}, methods=["post"]
)
class DefenceTargetListCreateView(_EventListCreateView):
    """Targets per event, district, town and category; POST sets one (replacing the old figure)."""

    serializer_class = DefenceTargetSerializer
    write_serializer_class = DefenceTargetWriteSerializer
    visible = staticmethod(defence_targets_visible)
    submit = staticmethod(defence_target_set)


@extend_schema(parameters=[_INCIDENT], methods=["get"])
@extend_schema(
    request=DisasterReportWriteSerializer, responses={201: DisasterReportSerializer}, methods=["post"]
)
class DisasterReportListCreateView(_EventListCreateView):
    """Loss and relief reports the caller may see, latest first; POST reports one district's figures."""

    serializer_class = DisasterReportSerializer
    write_serializer_class = DisasterReportWriteSerializer
    visible = staticmethod(disaster_reports_visible)
    submit = staticmethod(disaster_report_submit)


class DisasterStatisticsView(APIView):
    """Loss and relief per event and district (latest report each), with totals; drills apart."""

    api_key_scopes = {"read": "sanfang:read", "write": "sanfang:write"}

    @extend_schema(
        parameters=[
            _INCIDENT,
            OpenApiParameter("drill", bool, description="Drills instead of real events."),
            OpenApiParameter("export", str, enum=["xlsx"], description="Download as Excel."),
        ],
        responses={
            200: inline_serializer(
                "DisasterStatistics",
                {
                    "rows": DisasterRowSerializer(many=True),
                    "totals": serializers.DictField(child=serializers.CharField()),
                },
            ),
            (200, XLSX): OpenApiTypes.BINARY,
        },
    )
    def get(self, request):
        if not request.user.has_perm("sanfang.view_disasterreport"):
            raise PermissionDenied(_("You may not see loss statistics."))
        drill = request.query_params.get("drill") in ("1", "true")
        statistics = disaster_statistics(
            user=request.user, incident_id=_incident_param(request, required=False), drill=drill
        )
        if request.query_params.get("export") == "xlsx":
            response = HttpResponse(
                disaster_statistics_export_xlsx(statistics=statistics, drill=drill), content_type=XLSX
            )
            name = "drill-disaster" if drill else "disaster"
            response["Content-Disposition"] = (
                f'attachment; filename="{name}-{timezone.localdate():%Y%m%d}.xlsx"'
            )
            return response
        return Response(
            {
                "rows": DisasterRowSerializer(statistics["rows"], many=True).data,
                "totals": {k: str(v) for k, v in statistics["totals"].items()},
            }
        )
