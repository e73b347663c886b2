"""Push in, and the outbound data set (应急事件响应预警信息) for other systems to pull."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F
from django.db.models.functions import Greatest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser
from rest_framework.response import Response
from rest_framework.views import APIView

from emergency.models import ReceivedWarning
from emergency.models.warnings import WarningState
from emergency.selectors.alerts import alerts_visible
from emergency.selectors.warnings import warnings_visible
from ingest import conf
from ingest.api.auth import CanPushToSource, PushTokenAuthentication
from ingest.api.pagination import UpdatedSincePagination
from ingest.api.serializers import (
    OutboundAlertSerializer,
    OutboundResponseSerializer,
    OutboundWarningSerializer,
    RunSerializer,
)
from ingest.choices import RunStatus
from ingest.models import Source
from ingest.services.sources import source_push


class RawPayloadParser(BaseParser):
    """The request body as bytes, whatever its type, up to INGEST_MAX_PAYLOAD_BYTES."""

    media_type = "*/*"

    def parse(self, stream, media_type=None, parser_context=None) -> bytes:
        if stream is None:
            return b""
        limit = conf.max_payload_bytes()
        body = stream.read(limit + 1)
        if len(body) > limit:
            raise ParseError(_("The payload is larger than %(limit)s bytes.") % {"limit": limit})
        return body


class SourcePushView(APIView):
    authentication_classes = [PushTokenAuthentication, SessionAuthentication]
    permission_classes = [CanPushToSource]
    parser_classes = [RawPayloadParser]

    @extend_schema(
        summary="Push a payload to a push source",
        description=(
            "The body is the payload itself (CAP XML, CSV, JSON, Excel …, whatever the source's adapter "
            "reads), sent with any content type. Authenticate with the source's push token "
            "(`Authorization: Bearer <token>` or `X-Ingest-Token`) or a session whose user has "
            "`ingest.push_to_source`. The payload goes through the same adapter, quarantine and run "
            "record as a pull. 201: the run (rows written, duplicate, rejected); 422: the payload is "
            "not in the expected format (the run failed and the payload is kept)."
        ),
        request={"*/*": OpenApiTypes.BINARY},
        responses={201: RunSerializer, 422: RunSerializer, 400: OpenApiTypes.OBJECT, 401: None, 403: None},
    )
    def post(self, request, slug: str):
        source = get_object_or_404(Source, slug=slug)
        payload = request.data if isinstance(request.data, bytes) else b""
        try:
            run = source_push(
                source=source,
                payload=payload,
                content_type=request.content_type or "",
                user=request.user if request.user.is_authenticated else None,
            )
        except DjangoValidationError as exc:
            return Response({"detail": " ".join(exc.messages)}, status=status.HTTP_400_BAD_REQUEST)
        code = (
            status.HTTP_201_CREATED
            if run.status == RunStatus.SUCCEEDED
            else status.HTTP_422_UNPROCESSABLE_ENTITY
        )
        return Response(RunSerializer(run).data, status=code)


class OutboundWarningsView(generics.ListAPIView):
    """Received CAP warnings, in the order they changed."""

    serializer_class = OutboundWarningSerializer
    pagination_class = UpdatedSincePagination

    @extend_schema(
        summary="Warnings (CAP), changed since a time",
        description=(
            "Received CAP 1.2 warnings with their infos and areas (GeoJSON), ordered by the time they "
            "last changed (received, superseded, cancelled, expired). `active=true` keeps only the "
            "warnings in force now. Page with `updated_since` and then `cursor`."
        ),
        parameters=[OpenApiParameter("active", bool, description="only warnings in force now")],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        warnings = (
            warnings_visible(user=self.request.user)
            .select_related("superseded_by")
            .prefetch_related("infos__areas")
            .annotate(updated=F("updated_at"))
        )
        if self.request.query_params.get("active") in ("true", "1"):
            warnings = warnings.filter(state=WarningState.ACTIVE, ends_at__gt=timezone.now())
        return warnings


class OutboundAlertsView(generics.ListAPIView):
    serializer_class = OutboundAlertSerializer
    pagination_class = UpdatedSincePagination

    @extend_schema(
        summary="Alerts, changed since a time",
        description=(
            "The alerts the caller may see, ordered by their last change (raised, acknowledged or "
            "cleared; `updated`). `active=true` keeps only the alerts not cleared. Page with "
            "`updated_since` and then `cursor`."
        ),
        parameters=[OpenApiParameter("active", bool, description="only alerts not cleared")],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        # GREATEST ignores NULLs in PostgreSQL: the latest of the three moments that exist.
        alerts = alerts_visible(user=self.request.user).annotate(
            updated=Greatest("created", "acknowledged_at", "cleared_at")
        )
        if self.request.query_params.get("active") in ("true", "1"):
            alerts = alerts.filter(cleared_at__isnull=True)
        return alerts


class OutboundResponsesView(APIView):
    pagination_class = UpdatedSincePagination

    @extend_schema(
        summary="Emergency responses, changed since a time",
        description=(
            "Emergency response activations (levels Ⅳ–Ⅰ). None are recorded yet: the response module "
            "arrives with a later issue, and this list is empty until then. Same envelope and cursor "
            "as the other lists."
        ),
        responses={200: OutboundResponseSerializer(many=True)},
    )
    def get(self, request):
        paginator = UpdatedSincePagination()
        rows = paginator.paginate_queryset(
            ReceivedWarning.objects.none().annotate(updated=F("updated_at")), request
        )
        return paginator.get_paginated_response(OutboundResponseSerializer(rows, many=True).data)
