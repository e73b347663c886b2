"""Duty (应急值守) and the contacts directory (通讯录) in the REST API.

- ``/api/duty-shifts/``: the roster (``?from=``/``?to=`` ISO times); commanders and duty officers add
  shifts (``emergency.services.duty.duty_shift_create`` checks them).
- ``/api/handovers/``: the handover log; the officer whose shift ends hands over (``handover_record``).
- ``/api/contacts/``: member units of the plans in force (``?q=``), phone numbers masked;
  ``POST /api/contacts/<id>/reveal/`` gives the full number to the roles that need it, and is audited.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from accounts.models import Organisation, User
from emergency.api.incident_serializers import mask_phone
from emergency.choices import DutyPost
from emergency.models import DutyShift, HandoverLog, PlanUnit
from emergency.selectors.contacts import contact_phones_allowed, contacts_visible
from emergency.selectors.duty import duty_shifts_visible, handovers_visible
from emergency.services.contacts import contact_phone_reveal
from emergency.services.duty import duty_shift_create, handover_record


def _person(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


class DutyShiftSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    person_name = serializers.SerializerMethodField()
    post_label = serializers.CharField(source="get_post_display", read_only=True)

    class Meta:
        model = DutyShift
        fields = [
            "id",
            "organisation",
            "organisation_name",
            "post",
            "post_label",
            "person",
            "person_name",
            "starts_at",
            "ends_at",
            "note",
        ]

    def get_person_name(self, obj: DutyShift) -> str:
        return _person(obj.person)


class DutyShiftWriteSerializer(serializers.Serializer):
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    person = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    post = serializers.ChoiceField(choices=DutyPost.choices)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


class HandoverSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    handed_by_name = serializers.SerializerMethodField()
    received_by_name = serializers.SerializerMethodField()

    class Meta:
        model = HandoverLog
        fields = [
            "id",
            "organisation",
            "organisation_name",
            "shift",
            "handed_by",
            "handed_by_name",
            "received_by",
            "received_by_name",
            "summary",
            "open_items",
            "at",
        ]

    def get_handed_by_name(self, obj: HandoverLog) -> str:
        return _person(obj.handed_by)

    def get_received_by_name(self, obj: HandoverLog) -> str:
        return _person(obj.received_by)


class HandoverWriteSerializer(serializers.Serializer):
    received_by = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    summary = serializers.CharField()
    open_items = serializers.CharField(required=False, allow_blank=True, default="")


class ContactSerializer(serializers.ModelSerializer):
    plan = serializers.CharField(source="version.plan.name", read_only=True)
    plan_code = serializers.CharField(source="version.plan.code", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    phone = serializers.SerializerMethodField(help_text=_("Always masked (138****5678)."))

    class Meta:
        model = PlanUnit
        fields = [
            "id",
            "plan",
            "plan_code",
            "organisation",
            "organisation_name",
            "name",
            "duties",
            "responsible",
            "phone",
        ]

    def get_phone(self, obj: PlanUnit) -> str:
        return mask_phone(obj.phone)


def _when(value: str, name: str):
    parsed = parse_datetime(value)
    if parsed is None:
        raise serializers.ValidationError({name: [_("Give an ISO 8601 date and time.")]})
    return parsed


@extend_schema(
    parameters=[
        OpenApiParameter("from", str, description="Shifts that end after this time (ISO 8601)."),
        OpenApiParameter("to", str, description="Shifts that start before this time (ISO 8601)."),
        OpenApiParameter("organisation", int),
    ],
    methods=["get"],
)
class DutyShiftViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The duty roster the caller may see, in time order."""

    serializer_class = DutyShiftSerializer
    api_key_scopes = {"read": "duty:read"}

    def get_queryset(self):
        shifts = duty_shifts_visible(user=self.request.user)
        if self.action == "list":
            params = self.request.query_params
            if params.get("from"):
                shifts = shifts.filter(ends_at__gt=_when(params["from"], "from"))
            if params.get("to"):
                shifts = shifts.filter(starts_at__lt=_when(params["to"], "to"))
            if params.get("organisation"):
                shifts = shifts.filter(organisation_id=_int_param(params["organisation"], "organisation"))
        return shifts.order_by("starts_at", "post", "pk")

    @extend_schema(request=DutyShiftWriteSerializer, responses={201: DutyShiftSerializer})
    def create(self, request):
        data = DutyShiftWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        shift = duty_shift_create(user=request.user, **data.validated_data)
        return Response(DutyShiftSerializer(shift).data, status=status.HTTP_201_CREATED)


class HandoverViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Shift handovers (交接班) the caller may see, latest first. POST hands the caller's shift over."""

    serializer_class = HandoverSerializer
    api_key_scopes = {"read": "duty:read"}

    def get_queryset(self):
        return handovers_visible(user=self.request.user)

    @extend_schema(request=HandoverWriteSerializer, responses={201: HandoverSerializer})
    def create(self, request):
        data = HandoverWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        log = handover_record(user=request.user, **data.validated_data)
        return Response(HandoverSerializer(log).data, status=status.HTTP_201_CREATED)


@extend_schema(parameters=[OpenApiParameter("q", str, description="Words to find.")], methods=["get"])
class ContactViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The contacts directory: member units of the plans in force, with masked phone numbers."""

    serializer_class = ContactSerializer
    api_key_scopes = {"read": "contacts:read", "write": "contacts:read"}

    def get_queryset(self):
        q = self.request.query_params.get("q", "")[:100] if self.action == "list" else ""
        return contacts_visible(user=self.request.user, q=q)

    @extend_schema(
        request=None,
        responses={
            200: inline_serializer(
                "ContactReveal", {"id": serializers.IntegerField(), "phone": serializers.CharField()}
            )
        },
    )
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        """The full phone number, for the roles whose work needs it (commanders, duty officers); audited."""
        if not contact_phones_allowed(user=request.user):
            raise PermissionDenied(_("Your role does not need full phone numbers."))
        unit_id = _int(pk)
        return Response({"id": unit_id, "phone": contact_phone_reveal(user=request.user, unit_id=unit_id)})


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc


def _int_param(value: str, name: str) -> int:
    try:
        return int(value)
    except ValueError as exc:
        raise serializers.ValidationError({name: [_("A whole number is required.")]}) from exc
