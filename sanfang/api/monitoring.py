"""REST API of station monitoring: stations with their computed status, and a station's recent
readings for a chart. Read-only; needs ``sanfang.view_station`` (API keys have no scope for it)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from sanfang.choices import VARIABLE_SPECS, StationKind, StationState, Variable
from sanfang.models import Station, StationStatus
from sanfang.selectors.monitoring import station_readings_series, station_variable, stations_with_state


def _require_view(user) -> None:
    if not user.has_perm("sanfang.view_station"):
        raise PermissionDenied(_("You may not see monitoring stations."))


class StationStatusSerializer(serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    trend_label = serializers.CharField(source="get_trend_display", read_only=True)
    rain_signal_label = serializers.CharField(source="get_rain_signal_display", read_only=True)

    class Meta:
        model = StationStatus
        fields = [
            "state",
            "state_label",
            "reason",
            "variable",
            "value",
            "value_time",
            "trend",
            "trend_label",
            "rain_1h",
            "rain_3h",
            "rain_6h",
            "rain_12h",
            "rain_24h",
            "rain_signal",
            "rain_signal_label",
            "computed_at",
        ]


class StationSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    lng = serializers.SerializerMethodField()
    lat = serializers.SerializerMethodField()
    owner = serializers.CharField(source="owner.name", default=None, read_only=True)
    district = serializers.CharField(source="district.name", default=None, read_only=True)
    state = serializers.CharField(read_only=True)
    status = serializers.SerializerMethodField()

    class Meta:
        model = Station
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "kind_label",
            "lng",
            "lat",
            "owner",
            "district",
            "threshold_variable",
            "warning_value",
            "danger_value",
            "state",
            "status",
        ]

    def get_lng(self, obj: Station) -> float | None:
        return obj.geom.x if obj.geom else None

    def get_lat(self, obj: Station) -> float | None:
        return obj.geom.y if obj.geom else None

    @extend_schema_field(StationStatusSerializer(allow_null=True))
    def get_status(self, obj: Station) -> dict | None:
        try:
            return StationStatusSerializer(obj.status).data
        except StationStatus.DoesNotExist:
            return None


class StationListView(generics.ListAPIView):
    """Active stations with their computed status (rolling rainfall, trend, state, rainstorm signal).

    Filter with ``kind`` and ``state``.
    """

    api_key_scopes = {"read": "sanfang:read"}

    serializer_class = StationSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, enum=StationKind.values),
            OpenApiParameter("state", str, enum=StationState.values),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Station.objects.none()
        _require_view(self.request.user)
        stations = stations_with_state().order_by("code")
        params = self.request.query_params
        for name, choices in (("kind", StationKind.values), ("state", StationState.values)):
            value = params.get(name)
            if value:
                if value not in choices:
                    raise serializers.ValidationError(
                        {name: _("Unknown value %(value)s.") % {"value": value}}
                    )
                stations = stations.filter(**{name: value})
        return stations


class StationDetailView(generics.RetrieveAPIView):
    """One active station with its computed status."""

    api_key_scopes = {"read": "sanfang:read"}

    serializer_class = StationSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Station.objects.none()
        _require_view(self.request.user)
        return stations_with_state()


class ReadingsQuery(serializers.Serializer):
    hours = serializers.IntegerField(min_value=1, default=24)
    variable = serializers.ChoiceField(choices=Variable.choices, required=False)

    def validate_hours(self, value: int) -> int:
        limit = settings.SANFANG_READINGS_MAX_HOURS
        if value > limit:
            raise serializers.ValidationError(_("At most %(hours)d hours.") % {"hours": limit})
        return value


class StationReadingsView(APIView):
    """A station's readings over the last ``hours`` (24 by default), one series per variable, for a
    chart, with its warning and danger levels."""

    api_key_scopes = {"read": "sanfang:read"}

    @extend_schema(parameters=[ReadingsQuery], responses={200: dict})
    def get(self, request, pk: int):
        _require_view(request.user)
        query = ReadingsQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        station = get_object_or_404(stations_with_state(), pk=pk)
        until = timezone.now()
        since = until - dt.timedelta(hours=query.validated_data["hours"])
        variable = query.validated_data.get("variable")
        series = station_readings_series(
            station=station, since=since, until=until, variables=[variable] if variable else None
        )
        main = station_variable(kind=station.kind, threshold_variable=station.threshold_variable)
        return Response(
            {
                "station": station.pk,
                "name": station.name,
                "since": since,
                "until": until,
                "variable": main,
                "threshold_variable": station.threshold_variable,
                "warning_value": station.warning_value,
                "danger_value": station.danger_value,
                "series": [
                    {
                        "variable": name,
                        "label": str(Variable(name).label) if name in Variable.values else name,
                        "unit": VARIABLE_SPECS[name].unit if name in VARIABLE_SPECS else "",
                        "points": [[time.isoformat(), value] for time, value in points],
                    }
                    # The judged variable first.
                    for name, points in sorted(series.items(), key=lambda item: (item[0] != main, item[0]))
                ],
            }
        )
