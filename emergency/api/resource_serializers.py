from __future__ import annotations

import json

from rest_framework import serializers

from emergency.api.incident_serializers import mask_phone
from emergency.models import (
    Depot,
    Dispatch,
    Expert,
    MedicalFacility,
    RescueTeam,
    Shelter,
    StockItem,
    TeamMember,
)


class _LocatedSerializer(serializers.ModelSerializer):
    geometry = serializers.SerializerMethodField()
    organisation = serializers.CharField(source="organisation.name", read_only=True)
    contact_phone = serializers.SerializerMethodField()

    def get_geometry(self, obj) -> dict:
        return json.loads(obj.geom.geojson)

    def get_contact_phone(self, obj) -> str:
        return mask_phone(obj.contact_phone)


LOCATED = ["id", "name", "organisation", "geometry", "address", "contact_name", "contact_phone"]


class TeamMemberSerializer(serializers.ModelSerializer):
    phone = serializers.SerializerMethodField()

    class Meta:
        model = TeamMember
        fields = ["id", "name", "duty", "skills", "phone"]

    def get_phone(self, obj) -> str:
        return mask_phone(obj.phone)


class RescueTeamSerializer(_LocatedSerializer):
    members = TeamMemberSerializer(many=True, read_only=True)

    class Meta:
        model = RescueTeam
        fields = [*LOCATED, "speciality", "skills", "equipment", "status", "members"]


class StockItemSerializer(serializers.ModelSerializer):
    depot_name = serializers.CharField(source="depot.name", read_only=True)
    below_minimum = serializers.BooleanField(read_only=True)

    class Meta:
        model = StockItem
        fields = ["id", "depot", "depot_name", "name", "unit", "quantity", "minimum", "below_minimum"]


class DepotSerializer(_LocatedSerializer):
    items = StockItemSerializer(many=True, read_only=True)

    class Meta:
        model = Depot
        fields = [*LOCATED, "items"]


class ExpertSerializer(_LocatedSerializer):
    class Meta:
        model = Expert
        fields = [*LOCATED, "speciality", "title", "available"]


class ShelterSerializer(_LocatedSerializer):
    class Meta:
        model = Shelter
        fields = [*LOCATED, "capacity", "occupancy", "is_open"]


class MedicalFacilitySerializer(_LocatedSerializer):
    class Meta:
        model = MedicalFacility
        fields = [*LOCATED, "grade", "beds"]


class NearestResourceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.SerializerMethodField()
    name = serializers.CharField()
    distance_m = serializers.FloatField()
    geometry = serializers.SerializerMethodField()
    detail = serializers.SerializerMethodField()

    def get_kind(self, obj) -> str:
        return self.context["kind"]

    def get_geometry(self, obj) -> dict:
        return json.loads(obj.geom.geojson)

    def get_detail(self, obj) -> dict:
        extra = {
            RescueTeam: ("speciality", "status"),
            Expert: ("speciality", "available"),
            Shelter: ("capacity", "occupancy", "is_open"),
            MedicalFacility: ("grade", "beds"),
            Depot: (),
        }[type(obj)]
        return {name: getattr(obj, name) for name in extra}


class StockMoveSerializer(serializers.Serializer):
    delta = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=[("in", "in"), ("out", "out"), ("adjust", "adjust")])
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class DispatchSerializer(serializers.ModelSerializer):
    class Meta:
        model = Dispatch
        fields = [
            "id",
            "incident",
            "team",
            "expert",
            "stock_item",
            "quantity",
            "returned_quantity",
            "status",
            "note",
            "dispatched_at",
            "arrived_at",
            "returned_at",
        ]
        read_only_fields = fields


class DispatchCreateSerializer(serializers.Serializer):
    incident = serializers.IntegerField()
    team = serializers.IntegerField(required=False, allow_null=True, default=None)
    expert = serializers.IntegerField(required=False, allow_null=True, default=None)
    stock_item = serializers.IntegerField(required=False, allow_null=True, default=None)
    quantity = serializers.IntegerField(min_value=0, default=0)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class DispatchAdvanceSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["on_scene", "returned", "cancelled"])
    returned_quantity = serializers.IntegerField(min_value=0, default=0)
