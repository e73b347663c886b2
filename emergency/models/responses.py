"""Response activation (启动响应): a response at a level from a plan version, its change log, the
tasks the plan's actions became, and the units' reports on them.

Write them only through ``emergency.services.responses``: every change is checked, logged and audited.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from emergency.choices import ResponseChange, ResponseLevel, ResponseStatus, TaskStatus
from emergency.models.incidents import StoredFile


class EmergencyResponse(models.Model):
    plan = models.ForeignKey(
        "emergency.Plan", verbose_name=_("plan"), on_delete=models.PROTECT, related_name="responses"
    )
    plan_version = models.ForeignKey(
        "emergency.PlanVersion",
        verbose_name=_("plan version"),
        on_delete=models.PROTECT,
        related_name="responses",
    )
    incident = models.ForeignKey(
        "emergency.Incident",
        verbose_name=_("incident"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responses",
    )
    event_name = models.CharField(
        _("event"),
        max_length=200,
        blank=True,
        help_text=_("For a response without a recorded incident, for example an approaching typhoon."),
    )
    level = models.CharField(_("level"), max_length=3, choices=ResponseLevel.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=ResponseStatus.choices, default=ResponseStatus.ACTIVE
    )
    drill = models.BooleanField(_("drill"), default=False)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    level_since = models.DateTimeField(_("at this level since"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("emergency response")
        verbose_name_plural = _("emergency responses")
        ordering = ["-started_at", "-id"]
        permissions = [("command_response", _("Can start, raise, lower and end emergency responses"))]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "incident"],
                condition=models.Q(status="active", incident__isnull=False),
                name="response_one_active_per_plan_incident",
            ),
            models.CheckConstraint(
                condition=models.Q(incident__isnull=False) | ~models.Q(event_name=""),
                name="response_incident_or_event",
            ),
        ]

    def __str__(self) -> str:
        subject = self.event_name or (str(self.incident) if self.incident_id else "")
        return f"{self.plan_version.name} {self.get_level_display()} · {subject}"


class ResponseLogEntry(models.Model):
    """One change of a response: start, raise, lower or end, with the reason and what it did to tasks."""

    response = models.ForeignKey(
        EmergencyResponse, verbose_name=_("response"), on_delete=models.CASCADE, related_name="log"
    )
    change = models.CharField(_("change"), max_length=10, choices=ResponseChange.choices)
    old_level = models.CharField(_("old level"), max_length=3, choices=ResponseLevel.choices, blank=True)
    new_level = models.CharField(_("new level"), max_length=3, choices=ResponseLevel.choices, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    facts = models.JSONField(_("facts"), default=dict, blank=True)
    tasks_added = models.PositiveIntegerField(_("tasks added"), default=0)
    tasks_cancelled = models.PositiveIntegerField(_("tasks cancelled"), default=0)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("response log entry")
        verbose_name_plural = _("response log")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.response_id} · {self.get_change_display()}"


class ResponseTask(models.Model):
    """A plan action turned into a task for one organisation (a group's task goes to its lead unit)."""

    response = models.ForeignKey(
        EmergencyResponse, verbose_name=_("response"), on_delete=models.CASCADE, related_name="tasks"
    )
    action_key = models.SlugField(_("action key"), max_length=50)
    level = models.CharField(_("created at level"), max_length=3, choices=ResponseLevel.choices)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="response_tasks",
    )
    unit_name = models.CharField(_("unit"), max_length=200)
    group_name = models.CharField(_("group"), max_length=100, blank=True)
    text = models.TextField(_("task"))
    deadline = models.DateTimeField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.PENDING
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("response task")
        verbose_name_plural = _("response tasks")
        ordering = ["deadline", "id"]
        permissions = [("report_task", _("Can report on the response tasks of their organisation"))]
        indexes = [models.Index(fields=["organisation", "status"], name="response_task_org_status")]
        constraints = [
            # One live task per action: a cancelled one may be followed by a new one.
            models.UniqueConstraint(
                fields=["response", "action_key"],
                condition=~models.Q(status="cancelled"),
                name="response_task_one_live_per_action",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def overdue(self) -> bool:
        return self.status in ("pending", "accepted", "in_progress") and self.deadline < timezone.now()


def task_attachment_path(instance: "TaskReportAttachment", filename: str) -> str:
    return f"tasks/{instance.report.task_id}/{filename}"


class TaskReport(models.Model):
    """A unit's report on a task: accepted, in progress or done, with a note and photos."""

    task = models.ForeignKey(
        ResponseTask, verbose_name=_("task"), on_delete=models.CASCADE, related_name="reports"
    )
    status = models.CharField(_("status"), max_length=20, choices=TaskStatus.choices)
    note = models.TextField(_("note"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("task report")
        verbose_name_plural = _("task reports")
        ordering = ["created", "id"]

    def __str__(self) -> str:
        return f"{self.task_id} · {self.get_status_display()}"


class TaskReportAttachment(StoredFile):
    report = models.ForeignKey(
        TaskReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=task_attachment_path)

    class Meta:
        verbose_name = _("task report attachment")
        verbose_name_plural = _("task report attachments")
