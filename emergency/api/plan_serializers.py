from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from emergency.choices import ResponseLevel, TaskStatus
from emergency.models import EmergencyResponse, Plan, PlanVersion, ResponseLogEntry, ResponseTask, TaskReport


class PlanVersionBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanVersion
        fields = [
            "id",
            "number",
            "status",
            "name",
            "approved_at",
            "filing_number",
            "in_force_from",
            "in_force_until",
        ]
        read_only_fields = fields


class PlanSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.code", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    version_in_force = serializers.SerializerMethodField()

    class Meta:
        model = Plan
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "response_type",
            "organisation",
            "organisation_name",
            "version_in_force",
        ]
        read_only_fields = fields

    def get_version_in_force(self, obj: Plan) -> dict | None:
        version = next((v for v in obj.versions.all() if v.status == "in_force"), None)
        return PlanVersionBriefSerializer(version).data if version else None


class PlanVersionSerializer(PlanVersionBriefSerializer):
    plan = serializers.CharField(source="plan.code", read_only=True)
    document = serializers.SerializerMethodField()

    class Meta(PlanVersionBriefSerializer.Meta):
        fields = [*PlanVersionBriefSerializer.Meta.fields, "plan", "note", "created", "document"]
        read_only_fields = fields

    def get_document(self, obj: PlanVersion) -> dict:
        """The version's content in the import format; phone numbers masked."""
        from emergency.services.plans import plan_version_document

        return plan_version_document(version=obj, with_phones=False)


class PlanImportSerializer(serializers.Serializer):
    file = serializers.FileField(required=False, help_text=_("A JSON or YAML plan file."))
    in_force = serializers.BooleanField(default=False, help_text=_("Put the new version in force."))


class PlanImportResultSerializer(serializers.Serializer):
    created = serializers.BooleanField()
    version = PlanVersionBriefSerializer()
    plan = serializers.CharField()


class ProposalRequestSerializer(serializers.Serializer):
    facts = serializers.DictField(help_text=_("Fact name: value; see GET /api/responses/facts/."))
    plans = serializers.ListField(
        child=serializers.SlugField(),
        required=False,
        default=list,
        help_text=_("Plan codes (default: all in force)."),
    )


class ProposalSerializer(serializers.Serializer):
    plan = serializers.CharField()
    plan_name = serializers.CharField()
    plan_version = serializers.IntegerField()
    level = serializers.CharField(allow_null=True)
    level_name = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField())
    active_responses = serializers.ListField(child=serializers.DictField())
    advice = serializers.CharField(allow_null=True)


class FactSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    type = serializers.CharField()
    scale = serializers.ListField(child=serializers.CharField(), allow_null=True)
    unit = serializers.CharField()
    minimum = serializers.FloatField(allow_null=True)


# --- Responses -----------------------------------------------------------------------------------------


class ResponseSerializer(serializers.ModelSerializer):
    plan = serializers.CharField(source="plan.code", read_only=True)
    plan_name = serializers.CharField(source="plan_version.name", read_only=True)
    plan_version = serializers.IntegerField(source="plan_version.number", read_only=True)
    incident_title = serializers.CharField(source="incident.title", default=None, read_only=True)
    started_by = serializers.CharField(source="started_by.username", default=None, read_only=True)
    progress = serializers.SerializerMethodField()

    class Meta:
        model = EmergencyResponse
        fields = [
            "id",
            "plan",
            "plan_name",
            "plan_version",
            "incident",
            "incident_title",
            "event_name",
            "level",
            "status",
            "drill",
            "started_at",
            "started_by",
            "level_since",
            "ended_at",
            "progress",
        ]
        read_only_fields = fields

    def get_progress(self, obj: EmergencyResponse) -> dict:
        """Task counts of the whole response (not only the caller's tasks)."""
        if hasattr(obj, "tasks_total"):
            return {
                "total": obj.tasks_total,
                "done": obj.tasks_done,
                "accepted": obj.tasks_accepted,
                "overdue": obj.tasks_overdue,
            }
        return {}


class ResponseStartSerializer(serializers.Serializer):
    plan = serializers.SlugField(help_text=_("Plan code; its version in force is used."))
    level = serializers.ChoiceField(choices=ResponseLevel.choices)
    incident = serializers.IntegerField(required=False, allow_null=True, default=None)
    event_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    facts = serializers.DictField(required=False, default=dict)
    drill = serializers.BooleanField(
        default=False, help_text=_("Only for named events; incidents carry their own.")
    )


class ResponseLevelSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=ResponseLevel.choices)
    reason = serializers.CharField()
    facts = serializers.DictField(required=False, default=dict)


class ResponseEndSerializer(serializers.Serializer):
    reason = serializers.CharField()


class ResponseLogSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, read_only=True)

    class Meta:
        model = ResponseLogEntry
        fields = [
            "id",
            "change",
            "old_level",
            "new_level",
            "reason",
            "facts",
            "tasks_added",
            "tasks_cancelled",
            "actor",
            "at",
        ]
        read_only_fields = fields


class TaskReportAttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.FileField(source="file")


class TaskReportSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", default=None, read_only=True)
    attachments = TaskReportAttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = TaskReport
        fields = ["id", "status", "note", "author", "created", "attachments"]
        read_only_fields = fields


class TaskSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.name", read_only=True)
    response_level = serializers.CharField(source="response.level", read_only=True)
    response_status = serializers.CharField(source="response.status", read_only=True)
    plan_name = serializers.CharField(source="response.plan_version.name", read_only=True)
    overdue = serializers.BooleanField(read_only=True)
    drill = serializers.BooleanField(source="response.drill", read_only=True)

    class Meta:
        model = ResponseTask
        fields = [
            "id",
            "response",
            "plan_name",
            "response_level",
            "response_status",
            "drill",
            "action_key",
            "level",
            "organisation",
            "unit_name",
            "group_name",
            "text",
            "deadline",
            "overdue",
            "status",
            "created",
            "accepted_at",
            "done_at",
            "cancelled_at",
            "cancel_reason",
        ]
        read_only_fields = fields


class TaskDetailSerializer(TaskSerializer):
    reports = TaskReportSerializer(many=True, read_only=True)

    class Meta(TaskSerializer.Meta):
        fields = [*TaskSerializer.Meta.fields, "reports"]
        read_only_fields = fields


class TaskReportCreateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[(s.value, s.label) for s in (TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS, TaskStatus.DONE)]
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list)
