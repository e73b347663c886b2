from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from emergency.api.resource_serializers import (
    DepotSerializer,
    DispatchAdvanceSerializer,
    DispatchCreateSerializer,
    DispatchSerializer,
    ExpertSerializer,
    MedicalFacilitySerializer,
    RescueTeamSerializer,
    ShelterSerializer,
    StockItemSerializer,
    StockMoveSerializer,
)
from emergency.choices import ResourceKind
from emergency.models import Dispatch
from emergency.selectors.incidents import incidents_visible
from emergency.selectors.resources import resources_visible, stock_items_visible
from emergency.services.resources import dispatch_advance, dispatch_create, stock_move

RESOURCE_SCOPES = {"read": "resources:read", "write": "resources:write"}


def _resource_viewset(kind: str, serializer, doc: str, prefetch: tuple[str, ...] = ()):
    class ResourceViewSet(viewsets.ReadOnlyModelViewSet):
        __doc__ = doc
        serializer_class = serializer
        api_key_scopes = RESOURCE_SCOPES

        def get_queryset(self):
            return resources_visible(user=self.request.user, kind=kind).prefetch_related(*prefetch)

    ResourceViewSet.__name__ = serializer.__name__.replace("Serializer", "ViewSet")
    ResourceViewSet.__qualname__ = ResourceViewSet.__name__
    return ResourceViewSet


RescueTeamViewSet = _resource_viewset(
    ResourceKind.TEAM, RescueTeamSerializer, "Rescue teams with members, skills and status.", ("members",)
)
DepotViewSet = _resource_viewset(
    ResourceKind.DEPOT, DepotSerializer, "Material depots with their stock.", ("items",)
)
ExpertViewSet = _resource_viewset(ResourceKind.EXPERT, ExpertSerializer, "Experts by speciality.")
ShelterViewSet = _resource_viewset(
    ResourceKind.SHELTER, ShelterSerializer, "Shelters with capacity and occupancy."
)
MedicalFacilityViewSet = _resource_viewset(
    ResourceKind.MEDICAL, MedicalFacilitySerializer, "Medical facilities."
)


class StockItemViewSet(viewsets.ReadOnlyModelViewSet):
    """Stock items of the depots the caller may see; ``move`` puts stock in or takes it out."""

    serializer_class = StockItemSerializer
    api_key_scopes = RESOURCE_SCOPES

    def get_queryset(self):
        return stock_items_visible(user=self.request.user)

    @extend_schema(request=StockMoveSerializer, responses={200: StockItemSerializer})
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        data = StockMoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        movement = stock_move(user=request.user, item_id=int(pk), **data.validated_data)
        return Response(StockItemSerializer(movement.item.__class__.objects.get(pk=movement.item_id)).data)


class DispatchViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Resources assigned to incidents, tracked until they return."""

    serializer_class = DispatchSerializer
    filterset_fields = ["incident", "status"]
    api_key_scopes = RESOURCE_SCOPES

    def get_queryset(self):
        if not self.request.user.has_perm("emergency.view_dispatch"):
            return Dispatch.objects.none()
        return Dispatch.objects.filter(incident__in=incidents_visible(user=self.request.user).values("pk"))

    @extend_schema(request=DispatchCreateSerializer, responses={201: DispatchSerializer})
    def create(self, request):
        data = DispatchCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        dispatch = dispatch_create(
            user=request.user,
            incident_id=v["incident"],
            team_id=v["team"],
            expert_id=v["expert"],
            stock_item_id=v["stock_item"],
            quantity=v["quantity"],
            note=v["note"],
        )
        return Response(DispatchSerializer(dispatch).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DispatchAdvanceSerializer, responses={200: DispatchSerializer})
    @action(detail=True, methods=["post"])
    def advance(self, request, pk=None):
        data = DispatchAdvanceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        dispatch = dispatch_advance(user=request.user, dispatch_id=int(pk), **data.validated_data)
        return Response(DispatchSerializer(dispatch).data)
