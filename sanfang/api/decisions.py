"""REST API of the 三防 decisions part: recommendations (list, confirm, reject), response rules (CRUD,
validated by ``emergency.triggers.rule_errors``), the live facts and the risk assessment.

Views parse, call one service or selector and serialise.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from emergency.triggers import facts_vocabulary, rule_text
from sanfang.facts import live_facts
from sanfang.models import ResponseRecommendation, ResponseRule
from sanfang.selectors.decisions import recommendations_current, recommendations_visible, rules_visible
from sanfang.services.decisions import (
    recommendation_confirm,
    recommendation_reject,
    rule_delete,
    rule_save,
)
from sanfang.services.risk import assessments_geojson, risk_by_district, risk_by_grid


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc


class RuleSerializer(serializers.ModelSerializer):
    text = serializers.SerializerMethodField()

    class Meta:
        model = ResponseRule
        fields = ["id", "response_type", "level", "name", "condition", "active", "source", "text"]
        read_only_fields = fields

    def get_text(self, rule: ResponseRule) -> str:
        try:
            return rule_text(rule.condition)
        except (KeyError, TypeError):
            return ""


class RuleInputSerializer(serializers.Serializer):
    """The fields a client may send; the service checks the values (``condition`` by path)."""

    response_type = serializers.CharField(required=False)
    level = serializers.CharField(required=False)
    name = serializers.CharField(required=False, allow_blank=True)
    condition = serializers.JSONField(required=False)
    active = serializers.BooleanField(required=False)
    source = serializers.CharField(required=False, allow_blank=True)


class RecommendationSerializer(serializers.ModelSerializer):
    response_type_display = serializers.CharField(source="get_response_type_display", read_only=True)
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    decided_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ResponseRecommendation
        fields = [
            "id",
            "response_type",
            "response_type_display",
            "level",
            "level_display",
            "status",
            "status_display",
            "matched_rules",
            "facts",
            "computed_at",
            "decided_by",
            "decided_at",
            "response",
        ]
        read_only_fields = fields


class DecisionSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    plan = serializers.IntegerField(required=False, allow_null=True)
    event_name = serializers.CharField(required=False, allow_blank=True, max_length=200)


class RecommendationViewSet(viewsets.ReadOnlyModelViewSet):
    """Recommended response levels; ``?current=1`` gives the latest per response type. Confirming
    starts or re-levels a response (the commander decides; nothing starts by itself)."""

    serializer_class = RecommendationSerializer
    api_key_scopes = {"read": "sanfang:read"}

    def get_queryset(self):
        queryset = recommendations_visible(user=self.request.user)
        for name in ("response_type", "status"):
            value = self.request.query_params.get(name)
            if value:
                queryset = queryset.filter(**{name: value})
        return queryset

    def list(self, request, *args, **kwargs):
        if request.query_params.get("current") in ("1", "true"):
            recommendations_visible(user=request.user)  # permission check
            return Response(RecommendationSerializer(recommendations_current(), many=True).data)
        return super().list(request, *args, **kwargs)

    def _decide(self, request, pk, confirm: bool):
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if confirm:
            rec = recommendation_confirm(
                user=request.user,
                recommendation_id=_int(pk),
                reason=data.validated_data.get("reason", ""),
                plan_id=data.validated_data.get("plan"),
                event_name=data.validated_data.get("event_name", ""),
            )
        else:
            rec = recommendation_reject(
                user=request.user, recommendation_id=_int(pk), reason=data.validated_data.get("reason", "")
            )
        return Response(RecommendationSerializer(rec).data)

    @extend_schema(request=DecisionSerializer, responses={200: RecommendationSerializer})
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        return self._decide(request, pk, True)

    @extend_schema(request=DecisionSerializer, responses={200: RecommendationSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._decide(request, pk, False)


class ResponseRuleViewSet(viewsets.ModelViewSet):
    """Response-level rules. Errors name the field, and inside ``condition`` the path
    (``condition.any.1.fact``: "Unknown fact …")."""

    serializer_class = RuleSerializer
    api_key_scopes = {"read": "sanfang:read"}

    def get_queryset(self):
        return rules_visible(user=self.request.user)

    def _input(self, request) -> dict:
        if not isinstance(request.data, dict):
            raise ValidationError({"condition": [_("Send the rule as a JSON object.")]})
        data = RuleInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        # Only what was sent (so a PATCH changes only those fields).
        return {k: request.data[k] for k in data.validated_data}

    def create(self, request, *args, **kwargs):
        rule = rule_save(user=request.user, data=self._input(request))
        return Response(RuleSerializer(rule).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        rule = self.get_object()
        rule = rule_save(user=request.user, data=self._input(request), rule_id=rule.pk)
        return Response(RuleSerializer(rule).data)

    def destroy(self, request, *args, **kwargs):
        rule = self.get_object()
        rule_delete(user=request.user, rule_id=rule.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class FactsView(APIView):
    """The live facts the rules see now, and the vocabulary a rule may use."""

    api_key_scopes = {"read": "sanfang:read"}

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        if not request.user.has_perm("sanfang.view_responserule"):
            raise PermissionDenied(_("You may not see the response rules' facts."))
        return Response({"facts": live_facts(), "vocabulary": facts_vocabulary()})


class RiskView(APIView):
    """The natural-disaster risk assessment: per district (JSON) or per grid cell (GeoJSON)."""

    api_key_scopes = {"read": "sanfang:read"}

    @extend_schema(
        parameters=[
            OpenApiParameter("unit", str, enum=["district", "grid"]),
            OpenApiParameter("cell_km", float),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        if not request.user.has_perm("sanfang.view_hazardpoint"):
            raise PermissionDenied(_("You may not see the risk assessment."))
        unit = request.query_params.get("unit", "district")
        if unit == "district":
            return Response({"unit": unit, "results": [a.as_json() for a in risk_by_district()]})
        if unit != "grid":
            raise ValidationError({"unit": [_("Choose district or grid.")]})
        cell = request.query_params.get("cell_km")
        try:
            cell_km = float(cell) if cell else None
        except ValueError:
            raise ValidationError({"cell_km": [_("Give the cell size in km as a number.")]}) from None
        if cell_km is not None and not 0.5 <= cell_km <= 50:
            raise ValidationError({"cell_km": [_("The cell size runs from 0.5 to 50 km.")]})
        return Response(assessments_geojson(risk_by_grid(cell_km=cell_km)))
