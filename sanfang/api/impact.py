"""REST API of the impact part: the four registries (CRUD) and the impact analysis.

- ``registries/{people,hazards,targets,officers}/``: list (filters ``district``, ``town``, ``kind`` or
  ``category``, ``q``), detail, create, update, delete. Phones are masked unless the role moves
  people; the people registry needs ``view_evacuation_list`` and every read of it is audited.
- ``impact/`` POST ``{kind, params}``: totals, groups and the first rows of each list.
- ``impact/<list>/`` POST (or GET with ``kind`` and ``params`` as JSON) ``{kind, params, page}``.
- ``impact/export.xlsx`` POST or GET: one sheet per list.
- ``impact/tasks/`` POST ``{kind, params, response, lists}``: tasks through an active response.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib.gis.geos import Point
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Organisation
from gis.models import AdminArea
from sanfang.choices import HazardKind, OfficerKind, PersonCategory, TargetKind
from sanfang.impact_zones import zone_kinds
from sanfang.selectors.impact import IMPACT_LISTS, _mask_phone, phones_in_full, registry_visible
from sanfang.services.impact import (
    impact_analyse,
    impact_export_xlsx,
    impact_list_page,
    impact_tasks_send,
    impact_zone,
)
from sanfang.services.impact_registries import (
    registry_create,
    registry_delete,
    registry_people_viewed,
    registry_update,
)

IMPACT_SCOPES = {"read": "sanfang:read", "write": "sanfang:write"}

# --- Registries ---------------------------------------------------------------------------------

_SPECIFIC_FIELDS = {
    "people": ["category", "people"],
    "hazards": [
        "kind",
        "susceptibility",
        "people_threatened",
        "risk_coefficient",
        "warning_level",
        "risk_computed_at",
    ],
    "targets": ["kind", "occupants"],
    "officers": ["kind"],
}
_KIND_CHOICES = {
    "people": ("category", PersonCategory),
    "hazards": ("kind", HazardKind),
    "targets": ("kind", TargetKind),
    "officers": ("kind", OfficerKind),
}


class _RegistryReadSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    lon = serializers.SerializerMethodField()
    lat = serializers.SerializerMethodField()
    district = serializers.IntegerField(source="district_id", allow_null=True)
    district_name = serializers.SerializerMethodField()
    town = serializers.CharField()
    organisation = serializers.IntegerField(source="organisation_id", allow_null=True)
    organisation_name = serializers.SerializerMethodField()
    address = serializers.CharField()
    contact_name = serializers.CharField()
    contact_phone = serializers.SerializerMethodField()
    active = serializers.BooleanField()
    notes = serializers.CharField()

    def get_lon(self, obj) -> float:
        return round(obj.geom.x, 6)

    def get_lat(self, obj) -> float:
        return round(obj.geom.y, 6)

    def get_district_name(self, obj) -> str:
        return obj.district.name if obj.district_id else ""

    def get_organisation_name(self, obj) -> str:
        return obj.organisation.name if obj.organisation_id else ""

    def get_contact_phone(self, obj) -> str:
        phone = obj.contact_phone or ""
        return phone if self.context.get("full_phones") else _mask_phone(phone)

    def to_representation(self, obj) -> dict[str, Any]:
        data = super().to_representation(obj)
        for name in _SPECIFIC_FIELDS[self.context["key"]]:
            value = getattr(obj, name)
            data[name] = value.isoformat() if hasattr(value, "isoformat") else value
        return data


class _RegistryWriteSerializer(serializers.Serializer):
    """The fields a client may set; ``lon``/``lat`` become the point."""

    name = serializers.CharField(max_length=200)
    lon = serializers.FloatField(min_value=-180, max_value=180)
    lat = serializers.FloatField(min_value=-90, max_value=90)
    district = serializers.PrimaryKeyRelatedField(
        queryset=AdminArea.objects.all(), allow_null=True, required=False
    )
    town = serializers.CharField(max_length=60, allow_blank=True, required=False)
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), allow_null=True, required=False
    )
    address = serializers.CharField(max_length=300, allow_blank=True, required=False)
    contact_name = serializers.CharField(max_length=100, allow_blank=True, required=False)
    contact_phone = serializers.CharField(max_length=40, allow_blank=True, required=False)
    active = serializers.BooleanField(required=False)
    notes = serializers.CharField(allow_blank=True, required=False)
    # Kind-specific (checked against the key by ``values``).
    category = serializers.ChoiceField(choices=PersonCategory.choices, required=False)
    people = serializers.IntegerField(min_value=1, required=False)
    kind = serializers.CharField(max_length=20, required=False)
    susceptibility = serializers.FloatField(min_value=0, max_value=1, required=False)
    people_threatened = serializers.IntegerField(min_value=0, required=False)
    occupants = serializers.IntegerField(min_value=0, required=False)

    def validate(self, attrs):
        key = self.context["key"]
        allowed = {"name", "lon", "lat", "district", "town", "organisation", "address", "contact_name"}
        allowed |= {"contact_phone", "active", "notes", *_SPECIFIC_FIELDS[key]}
        extra = {name: _("This field is not part of this registry.") for name in attrs if name not in allowed}
        if extra:
            raise ValidationError(extra)
        field, choices = _KIND_CHOICES[key]
        if field == "kind" and "kind" in attrs and attrs["kind"] not in choices.values:
            raise ValidationError(
                {"kind": _("Unknown kind; use one of: %(kinds)s.") % {"kinds": ", ".join(choices.values)}}
            )
        if not self.partial and field not in attrs:
            raise ValidationError({field: _("This field is required.")})
        if ("lon" in attrs) != ("lat" in attrs):
            raise ValidationError({"lon": _("Give both lon and lat.")})
        return attrs

    def values(self) -> dict[str, Any]:
        data = dict(self.validated_data)
        if "lon" in data:
            data["geom"] = Point(data.pop("lon"), data.pop("lat"), srid=4326)
        return data


class RegistryViewSet(viewsets.ViewSet):
    """CRUD of one impact registry; subclasses set ``key``."""

    key = ""
    api_key_scopes = IMPACT_SCOPES

    def _queryset(self, request):
        queryset = registry_visible(user=request.user, key=self.key)
        params = request.query_params
        if params.get("district"):
            queryset = (
                queryset.filter(district_id=params["district"])
                if params["district"].isdigit()
                else queryset.none()
            )
        if params.get("town"):
            queryset = queryset.filter(town=params["town"])
        field, _choices = _KIND_CHOICES[self.key]
        if params.get(field):
            queryset = queryset.filter(**{field: params[field]})
        if params.get("q"):
            queryset = queryset.filter(name__icontains=params["q"][:100])
        return queryset

    def _context(self, request) -> dict[str, Any]:
        return {"key": self.key, "full_phones": phones_in_full(user=request.user), "request": request}

    def _out(self, request, obj) -> dict[str, Any]:
        return _RegistryReadSerializer(obj, context=self._context(request)).data

    @extend_schema(responses=_RegistryReadSerializer)
    def list(self, request):
        paginator = self.paginator_class()
        page = paginator.paginate_queryset(self._queryset(request), request, view=self)
        if self.key == "people":
            registry_people_viewed(user=request.user, what="list", count=len(page))
        data = _RegistryReadSerializer(page, many=True, context=self._context(request)).data
        return paginator.get_paginated_response(data)

    @extend_schema(responses=_RegistryReadSerializer)
    def retrieve(self, request, pk=None):
        obj = registry_visible(user=request.user, key=self.key).get(pk=_int(pk))
        if self.key == "people":
            registry_people_viewed(user=request.user, what="detail", count=1, obj=obj)
        return Response(self._out(request, obj))

    @extend_schema(request=_RegistryWriteSerializer, responses=_RegistryReadSerializer)
    def create(self, request):
        data = _RegistryWriteSerializer(data=request.data, context={"key": self.key})
        data.is_valid(raise_exception=True)
        obj = registry_create(user=request.user, key=self.key, values=data.values())
        return Response(self._out(request, obj), status=status.HTTP_201_CREATED)

    def _update(self, request, pk, partial: bool):
        data = _RegistryWriteSerializer(data=request.data, context={"key": self.key}, partial=partial)
        data.is_valid(raise_exception=True)
        obj = registry_update(user=request.user, key=self.key, pk=_int(pk), values=data.values())
        return Response(self._out(request, obj))

    @extend_schema(request=_RegistryWriteSerializer, responses=_RegistryReadSerializer)
    def update(self, request, pk=None):
        return self._update(request, pk, partial=False)

    @extend_schema(request=_RegistryWriteSerializer, responses=_RegistryReadSerializer)
    def partial_update(self, request, pk=None):
        return self._update(request, pk, partial=True)

    @extend_schema(responses=_RegistryReadSerializer)
    def destroy(self, request, pk=None):
        registry_delete(user=request.user, key=self.key, pk=_int(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)

    paginator_class = LimitOffsetPagination


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def _registry_viewset(key: str, doc: str) -> type[RegistryViewSet]:
    name = f"{key.title()}RegistryViewSet"
    return type(name, (RegistryViewSet,), {"key": key, "__doc__": doc})


PeopleRegistryViewSet = _registry_viewset(
    "people", "People to move (待转移人员); needs view_evacuation_list, audited."
)
HazardRegistryViewSet = _registry_viewset(
    "hazards", "Hazard points: landslides, waterlogging black spots, dikes."
)
TargetRegistryViewSet = _registry_viewset(
    "targets", "Protected targets: schools, hospitals, chemical plants."
)
OfficerRegistryViewSet = _registry_viewset("officers", "Disaster info officers and agencies.")


# --- Impact analysis ----------------------------------------------------------------------------


class ImpactRequestSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="polygon, rain, storm… (any registered zone kind)")
    params = serializers.JSONField(required=False, default=dict)
    page = serializers.IntegerField(min_value=1, required=False, default=1)


class ImpactTasksSerializer(ImpactRequestSerializer):
    response = serializers.IntegerField()
    lists = serializers.ListField(child=serializers.ChoiceField(choices=list(IMPACT_LISTS)), min_length=1)
    deadline_minutes = serializers.IntegerField(min_value=5, max_value=7 * 24 * 60, required=False)


def _request_input(request, serializer_class=ImpactRequestSerializer) -> dict[str, Any]:
    """The zone request from the JSON body (POST) or from the query string (GET, ``params`` as JSON)."""
    if request.method == "GET":
        raw = request.query_params
        data: dict[str, Any] = {"kind": raw.get("kind", ""), "page": raw.get("page", 1)}
        if raw.get("params"):
            try:
                data["params"] = json.loads(raw["params"])
            except ValueError:
                raise ValidationError({"params": _("The parameters must be a JSON object.")}) from None
    else:
        data = request.data
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class ImpactView(APIView):
    """POST ``{kind, params}`` → the zone, totals and groups of each list, and their first rows.
    GET lists the zone kinds and the lists."""

    api_key_scopes = IMPACT_SCOPES

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request):
        return Response(
            {
                "kinds": zone_kinds(),
                "lists": [{"key": k, "label": str(v.label)} for k, v in IMPACT_LISTS.items()],
            }
        )

    @extend_schema(request=ImpactRequestSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request):
        data = _request_input(request)
        zone = impact_zone(kind=data["kind"], params=data["params"])
        return Response(impact_analyse(user=request.user, zone=zone))


class ImpactListView(APIView):
    """One list of the zone, paged (``page``; the page size is a setting)."""

    api_key_scopes = IMPACT_SCOPES

    def _answer(self, request, key: str):
        data = _request_input(request)
        zone = impact_zone(kind=data["kind"], params=data["params"])
        return Response(impact_list_page(user=request.user, zone=zone, key=key, page=data["page"]))

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, key: str):
        return self._answer(request, key)

    @extend_schema(request=ImpactRequestSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request, key: str):
        return self._answer(request, key)


class ImpactExportView(APIView):
    """The lists of the zone as an Excel workbook (one sheet per list the user may see)."""

    api_key_scopes = IMPACT_SCOPES

    def _answer(self, request):
        data = _request_input(request)
        zone = impact_zone(kind=data["kind"], params=data["params"])
        content = impact_export_xlsx(user=request.user, zone=zone)
        response = HttpResponse(
            content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="impact-{zone.kind}-{stamp}.xlsx"'
        return response

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request):
        return self._answer(request)

    @extend_schema(request=ImpactRequestSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request):
        return self._answer(request)


class ImpactTasksView(APIView):
    """POST ``{kind, params, response, lists}``: one task per responsible unit and list, through the
    active response (commanders only)."""

    api_key_scopes = IMPACT_SCOPES

    @extend_schema(request=ImpactTasksSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request):
        data = _request_input(request, ImpactTasksSerializer)
        zone = impact_zone(kind=data["kind"], params=data["params"])
        result = impact_tasks_send(
            user=request.user,
            zone=zone,
            response_id=data["response"],
            keys=data["lists"],
            deadline_minutes=data.get("deadline_minutes"),
        )
        return Response(result, status=status.HTTP_201_CREATED)
