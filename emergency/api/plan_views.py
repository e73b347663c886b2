"""Plans, versions, the level proposal from facts, responses and tasks in the REST API.

Views parse, call one service or selector and serialise; scoping and rules live in
``emergency.selectors.plans`` / ``responses`` and ``emergency.services.plans`` / ``responses``.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, parsers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from emergency.api.plan_serializers import (
    FactSerializer,
    PlanImportResultSerializer,
    PlanImportSerializer,
    PlanSerializer,
    PlanVersionBriefSerializer,
    PlanVersionSerializer,
    ProposalRequestSerializer,
    ProposalSerializer,
    ResponseEndSerializer,
    ResponseLevelSerializer,
    ResponseLogSerializer,
    ResponseSerializer,
    ResponseStartSerializer,
    TaskDetailSerializer,
    TaskReportCreateSerializer,
    TaskReportSerializer,
    TaskSerializer,
)
from emergency.choices import PlanVersionStatus, ResponseStatus, TaskStatus
from emergency.models import PlanVersion
from emergency.selectors.plans import plan_versions_visible, plans_visible
from emergency.selectors.responses import (
    response_access,
    response_progress,
    responses_visible,
    task_access,
    tasks_visible,
)
from emergency.services.plan_documents import FORMATS
from emergency.services.plans import plan_export, plan_import, plan_version_put_in_force
from emergency.services.responses import (
    response_change_level,
    response_end,
    response_propose,
    response_start,
    task_report,
)
from emergency.triggers import facts_vocabulary

DOCUMENT_TYPES = {"json": "application/json", "yaml": "application/yaml"}


class PlanDocumentParser(parsers.BaseParser):
    """Hands a JSON or YAML plan body over as bytes: the import reads it itself, so that errors can
    name the line."""

    media_type = "*/*"

    def parse(self, stream, media_type=None, parser_context=None):
        return {"_document": stream.read() if stream else b"", "_media_type": media_type or ""}


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc


def _flag(value) -> bool:
    return str(value).lower() in ("1", "true", "yes", "on")


class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    """Plans the caller may see, with the version in force. Import (commanders) and export."""

    serializer_class = PlanSerializer
    api_key_scopes = {"read": "plans:read"}

    def get_queryset(self):
        return plans_visible(user=self.request.user).prefetch_related(
            Prefetch("versions", queryset=PlanVersion.objects.filter(status=PlanVersionStatus.IN_FORCE))
        )

    @extend_schema(responses={200: PlanVersionBriefSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def versions(self, request, pk=None):
        versions = plan_versions_visible(user=request.user).filter(plan_id=_int(pk)).order_by("-number")
        return Response(PlanVersionBriefSerializer(versions, many=True).data)

    @extend_schema(
        request={
            "multipart/form-data": PlanImportSerializer,
            "application/json": OpenApiTypes.OBJECT,
            "application/yaml": OpenApiTypes.STR,
        },
        parameters=[OpenApiParameter("in_force", bool, description="put the new version in force")],
        responses={201: PlanImportResultSerializer, 200: PlanImportResultSerializer},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[parsers.MultiPartParser, PlanDocumentParser],
    )
    def import_(self, request):
        """Import a plan document (a multipart ``file``, or the JSON/YAML body itself) as a new
        version. Errors name the field path (``levels.0.actions.2.unit``) and the line."""
        upload = request.FILES.get("file")
        if upload is not None:
            text, name, content_type = upload.read(), upload.name, upload.content_type or ""
        else:
            text = request.data.get("_document", b"") if hasattr(request.data, "get") else b""
            name, content_type = (
                "",
                request.data.get("_media_type", "") if hasattr(request.data, "get") else "",
            )
        if not text:
            raise ValidationError({"file": [_("Send a plan file or a JSON/YAML body.")]})
        fmt = next((f for f, t in DOCUMENT_TYPES.items() if f in content_type), "")
        in_force = _flag(request.query_params.get("in_force") or request.data.get("in_force", ""))
        version, created = plan_import(
            user=request.user, text=text, format=fmt, filename=name, put_in_force=in_force
        )
        body = {
            "created": created,
            "plan": version.plan.code,
            "version": PlanVersionBriefSerializer(version).data,
        }
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(
        parameters=[
            # Not "format": DRF takes ?format= for choosing its own renderer.
            OpenApiParameter("as", str, enum=list(FORMATS), description="yaml (default) or json"),
            OpenApiParameter("version", int, description="version number (default: in force, else latest)"),
            OpenApiParameter("with_phones", bool, description="full phone numbers (plan managers; audited)"),
        ],
        responses={
            (200, "application/yaml"): OpenApiTypes.STR,
            (200, "application/json"): OpenApiTypes.OBJECT,
        },
    )
    @action(detail=True, methods=["get"])
    def export(self, request, pk=None):
        """The plan as a JSON or YAML document, in the import format."""
        fmt = request.query_params.get("as", "yaml")
        if fmt not in FORMATS:
            raise ValidationError({"as": [_("Choose one of: %(values)s.") % {"values": ", ".join(FORMATS)}]})
        versions = plan_versions_visible(user=request.user).filter(plan_id=_int(pk))
        number = request.query_params.get("version")
        if number:
            version = versions.filter(number=_int(number)).first()
        else:
            version = (
                versions.filter(status=PlanVersionStatus.IN_FORCE).first()
                or versions.order_by("-number").first()
            )
        if version is None:
            raise NotFound()
        text = plan_export(
            user=request.user,
            version_id=version.pk,
            format=fmt,
            with_phones=_flag(request.query_params.get("with_phones", "")),
        )
        response = HttpResponse(text, content_type=f"{DOCUMENT_TYPES[fmt]}; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="{version.plan.code}-v{version.number}.{fmt}"'
        )
        return response


class PlanVersionViewSet(viewsets.ReadOnlyModelViewSet):
    """Plan versions with their full content (phone numbers masked)."""

    serializer_class = PlanVersionSerializer
    api_key_scopes = {"read": "plans:read"}

    def get_queryset(self):
        return plan_versions_visible(user=self.request.user).select_related("plan__organisation")

    @extend_schema(request=None, responses={200: PlanVersionSerializer})
    @action(detail=True, methods=["post"], url_path="put-in-force")
    def put_in_force(self, request, pk=None):
        version = plan_version_put_in_force(user=request.user, version_id=_int(pk))
        return Response(PlanVersionSerializer(version).data)


class ResponseProposalView(APIView):
    """Propose a response level per plan in force from facts (for example live 三防 readings). Nothing
    is started: a commander confirms by starting or changing a response."""

    # Computing a proposal writes nothing, so reading plans is the scope it needs.
    api_key_scopes = {"read": "plans:read", "write": "plans:read"}

    @extend_schema(request=ProposalRequestSerializer, responses={200: ProposalSerializer(many=True)})
    def post(self, request):
        data = ProposalRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        proposals = response_propose(
            user=request.user, facts=data.validated_data["facts"], plan_codes=data.validated_data["plans"]
        )
        return Response(ProposalSerializer(proposals, many=True).data)


class FactVocabularyView(APIView):
    """The facts trigger rules may use, with their type, scale and unit."""

    api_key_scopes = {"read": "plans:read"}

    @extend_schema(responses={200: FactSerializer(many=True)})
    def get(self, request):
        return Response(FactSerializer(facts_vocabulary(), many=True).data)


class ResponseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Emergency responses the caller may see, with task progress. Commanders start, raise, lower and
    end them; filters ``status``, ``plan`` (code), ``incident``, ``drill``."""

    serializer_class = ResponseSerializer
    api_key_scopes = {"read": "responses:read", "write": "responses:write"}
    filter_backends = []

    def get_queryset(self):
        responses = responses_visible(user=self.request.user)
        params = self.request.query_params
        if params.get("status") in ResponseStatus.values:
            responses = responses.filter(status=params["status"])
        if params.get("plan"):
            responses = responses.filter(plan__code=params["plan"])
        if params.get("incident", "").isdigit():
            responses = responses.filter(incident_id=int(params["incident"]))
        if params.get("drill") in ("true", "false"):
            responses = responses.filter(drill=params["drill"] == "true")
        return response_progress(responses=responses)

    def _answer(self, response_id: int, code: int = status.HTTP_200_OK) -> Response:
        response = response_progress(responses=responses_visible(user=self.request.user)).get(pk=response_id)
        return Response(ResponseSerializer(response).data, status=code)

    @extend_schema(request=ResponseStartSerializer, responses={201: ResponseSerializer})
    def create(self, request):
        """Start a response (启动响应) at a level from the plan's version in force."""
        data = ResponseStartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        plan = plans_visible(user=request.user).filter(code=values.pop("plan")).first()
        if plan is None:
            raise ValidationError({"plan": [_("No such plan.")]})
        response = response_start(
            user=request.user, plan_id=plan.pk, incident_id=values.pop("incident"), **values
        )
        return self._answer(response.pk, status.HTTP_201_CREATED)

    @extend_schema(request=ResponseLevelSerializer, responses={200: ResponseSerializer})
    @action(detail=True, methods=["post"])
    def level(self, request, pk=None):
        """Raise or lower the response; tasks follow the new level."""
        data = ResponseLevelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        response_change_level(user=request.user, response_id=_int(pk), **data.validated_data)
        return self._answer(_int(pk))

    @extend_schema(request=ResponseEndSerializer, responses={200: ResponseSerializer})
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        data = ResponseEndSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        response_end(user=request.user, response_id=_int(pk), **data.validated_data)
        return self._answer(_int(pk))

    @extend_schema(responses={200: ResponseLogSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def log(self, request, pk=None):
        response = response_access(user=request.user, response_id=_int(pk))
        return Response(ResponseLogSerializer(response.log.select_related("actor"), many=True).data)

    @extend_schema(responses={200: TaskSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def tasks(self, request, pk=None):
        """The tasks of this response the caller may see (a unit sees its own)."""
        response = response_access(user=request.user, response_id=_int(pk))
        return Response(
            TaskSerializer(tasks_visible(user=request.user).filter(response=response), many=True).data
        )


class TaskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Response tasks of the caller's organisation (city-wide roles: all). Filters ``status``
    (repeatable), ``response``, ``open=true``."""

    serializer_class = TaskSerializer
    api_key_scopes = {"read": "responses:read", "write": "responses:write"}
    filter_backends = []

    def get_queryset(self):
        tasks = tasks_visible(user=self.request.user)
        params = self.request.query_params
        wanted = [s for s in params.getlist("status") if s in TaskStatus.values]
        if wanted:
            tasks = tasks.filter(status__in=wanted)
        if params.get("response", "").isdigit():
            tasks = tasks.filter(response_id=int(params["response"]))
        if _flag(params.get("open", "")):
            tasks = tasks.filter(status__in=("pending", "accepted", "in_progress"), response__status="active")
        return tasks

    def get_serializer_class(self):
        return TaskDetailSerializer if self.action == "retrieve" else TaskSerializer

    def retrieve(self, request, pk=None):
        task = task_access(user=request.user, task_id=_int(pk))
        return Response(TaskDetailSerializer(task).data)

    @extend_schema(
        request={"multipart/form-data": TaskReportCreateSerializer}, responses={201: TaskReportSerializer}
    )
    @action(
        detail=True,
        methods=["post"],
        parser_classes=[parsers.MultiPartParser, parsers.FormParser, parsers.JSONParser],
    )
    def report(self, request, pk=None):
        """Report back: accepted, in_progress or done (with a note), with photos or documents."""
        data = TaskReportCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = task_report(
            user=request.user,
            task_id=_int(pk),
            status=data.validated_data["status"],
            note=data.validated_data["note"],
            files=request.FILES.getlist("files"),
        )
        return Response(TaskReportSerializer(report).data, status=status.HTTP_201_CREATED)
