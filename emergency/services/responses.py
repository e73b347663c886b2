"""Response activation (启动响应): propose a level from facts, start, raise, lower and end a response,
and the units' reports on their tasks.

- ``response_propose`` evaluates the trigger rules of the plans in force against facts and proposes
  the most severe matching level per plan, with the reasons. It never starts anything: a commander
  confirms by calling ``response_start`` or ``response_change_level``.
- Starting or changing the level turns the plan version's actions for the new level into tasks:
  actions new at this level become tasks (deadline = now + the action's offset), open tasks whose
  action the new level no longer has are cancelled, tasks of actions the levels share carry on.
- Each change is written to the response log and audited; start and raise raise an alert; the big
  screen's panel is refreshed on commit.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit_context import audit_context
from accounts.models import Organisation, User
from emergency.bigscreen import panels_refresh_on_commit
from emergency.choices import (
    OPEN_INCIDENT_STATUSES,
    OPEN_TASK_STATUSES,
    RESPONSE_LEVEL_RANK,
    RESPONSE_LEVELS_SEVERE_FIRST,
    TASK_TRANSITIONS,
    AlertKind,
    IncidentStatus,
    PlanVersionStatus,
    ResponseChange,
    ResponseLevel,
    ResponseStatus,
    TaskStatus,
)
from emergency.models import (
    EmergencyResponse,
    PlanAction,
    PlanLevel,
    ResponseLogEntry,
    ResponseTask,
    TaskReport,
    TaskReportAttachment,
)
from emergency.selectors.incidents import incident_access
from emergency.selectors.plans import plan_versions_in_force, plans_visible
from emergency.selectors.responses import response_access, responses_visible, task_access
from emergency.services.alerts import alert_clear, alert_raise
from emergency.services.incidents import MAX_ATTACHMENTS, attachment_check, incident_transition
from emergency.triggers import facts_clean, rule_evaluate

ACTIVE_RESPONSES = "active_responses"


def _require(user: User, perm: str, message: str) -> None:
    if not user.is_authenticated or not user.is_active or not user.has_perm(perm):
        raise PermissionDenied(message)


def _level_label(level: str) -> str:
    return str(ResponseLevel(level).label)


# --- Proposal ---------------------------------------------------------------------------------------


def response_propose(*, user: User, facts: dict[str, Any], plan_codes: Iterable[str] = ()) -> list[dict]:
    """For each visible plan in force (or those named), the most severe level whose trigger holds for
    the facts, the conditions that made it hold, and advice against the plan's active responses:
    ``start``, ``raise``, ``lower``, ``keep``, ``review_end`` (active, but no level holds) or None."""
    _require(user, "emergency.view_plan", _("You may not read plans."))
    clean = facts_clean(facts)
    codes = set(plan_codes)
    proposals = []
    for version in plan_versions_in_force(user=user):
        if codes and version.plan.code not in codes:
            continue
        levels = {lv.level: lv for lv in version.levels.all()}
        found: tuple[PlanLevel, list[str]] | None = None
        for code in RESPONSE_LEVELS_SEVERE_FIRST:
            plan_level = levels.get(code)
            if plan_level is None or not plan_level.trigger:
                continue
            holds, reasons = rule_evaluate(plan_level.trigger, clean)
            if holds:
                found = (plan_level, reasons)
                break
        active = list(
            responses_visible(user=user)
            .filter(plan=version.plan, status=ResponseStatus.ACTIVE)
            .values("id", "level")
        )
        highest = max((RESPONSE_LEVEL_RANK[r["level"]] for r in active), default=0)
        if found is None:
            advice = "review_end" if active else None
        else:
            rank = RESPONSE_LEVEL_RANK[found[0].level]
            advice = (
                "start"
                if not active
                else "raise"
                if rank > highest
                else "lower"
                if rank < highest
                else "keep"
            )
        proposals.append(
            {
                "plan": version.plan.code,
                "plan_name": version.name,
                "plan_version": version.number,
                "level": found[0].level if found else None,
                "level_name": found[0].name if found else "",
                "reasons": found[1] if found else [],
                "active_responses": active,
                "advice": advice,
            }
        )
    return proposals


# --- Tasks from plan actions -------------------------------------------------------------------------


def _plan_level(response: EmergencyResponse, level: str) -> PlanLevel:
    plan_level = response.plan_version.levels.filter(level=level).first()
    if plan_level is None:
        raise ValidationError(
            {"level": _("The plan has no %(level)s response.") % {"level": _level_label(level)}}
        )
    return plan_level


def _tasks_adjust(response: EmergencyResponse, plan_level: PlanLevel, now: dt.datetime) -> tuple[int, int]:
    """Make the live tasks match the level's actions. Returns (added, cancelled)."""
    actions = {
        a.key: a
        for a in PlanAction.objects.filter(level=plan_level).select_related(
            "unit__organisation", "group__lead__organisation"
        )
    }
    live = {t.action_key: t for t in response.tasks.select_for_update().exclude(status=TaskStatus.CANCELLED)}
    cancelled = 0
    for key, task in live.items():
        if key not in actions and task.status in OPEN_TASK_STATUSES:
            task.status = TaskStatus.CANCELLED
            task.cancelled_at = now
            task.cancel_reason = _("Not part of the %(level)s response.") % {
                "level": _level_label(plan_level.level)
            }
            task.save(update_fields=["status", "cancelled_at", "cancel_reason"])
            cancelled += 1
    added = 0
    for key, action in actions.items():
        if key in live:
            continue  # carried over from the previous level (or already done)
        unit = action.unit or action.group.lead
        ResponseTask.objects.create(
            response=response,
            action_key=key,
            level=plan_level.level,
            organisation=unit.organisation,
            unit_name=unit.name,
            group_name=action.group.name if action.group_id else "",
            text=action.text,
            deadline=now + dt.timedelta(minutes=action.deadline_minutes),
        )
        added += 1
    return added, cancelled


def _log(
    response: EmergencyResponse,
    *,
    user: User,
    change: str,
    old: str,
    new: str,
    reason: str,
    facts: dict | None,
    added: int = 0,
    cancelled: int = 0,
) -> ResponseLogEntry:
    return ResponseLogEntry.objects.create(
        response=response,
        change=change,
        old_level=old,
        new_level=new,
        reason=reason,
        facts=facts or {},
        tasks_added=added,
        tasks_cancelled=cancelled,
        actor=user,
    )


def _dedup(response: EmergencyResponse, level: str) -> str:
    return f"response:{response.pk}:{level}"


def _alert(response: EmergencyResponse, *, raised: bool) -> None:
    incident = response.incident
    subject = response.event_name or (incident.title if incident else "")
    template = (
        _("%(plan)s raised to %(level)s: %(subject)s")
        if raised
        else _("%(plan)s %(level)s started: %(subject)s")
    )
    alert_raise(
        kind=AlertKind.RESPONSE,
        level=response.level,
        title=template
        % {"plan": response.plan_version.name, "level": _level_label(response.level), "subject": subject},
        source=response,
        geom=incident.geom if incident else None,
        targets=[f"district:{incident.district.adcode}"] if incident and incident.district_id else None,
        dedup_key=_dedup(response, response.level),
        drill=response.drill,
    )


def _check_scope(version, incident) -> None:
    types = list(version.incident_types.all())
    if (
        types
        and incident.type_id not in {t.pk for t in types}
        and incident.type.parent_id not in {t.pk for t in types}
    ):
        raise ValidationError(
            {
                "incident": _("This plan does not cover incidents of type %(type)s.")
                % {"type": incident.type.name}
            }
        )
    districts = set(version.districts.values_list("pk", flat=True))
    if districts and incident.district_id not in districts:
        raise ValidationError({"incident": _("The incident lies outside the districts this plan covers.")})


# --- Start, change, end --------------------------------------------------------------------------


@transaction.atomic
def response_start(
    *,
    user: User,
    plan_id: int,
    level: str,
    incident_id: int | None = None,
    event_name: str = "",
    reason: str = "",
    facts: dict[str, Any] | None = None,
    drill: bool = False,
) -> EmergencyResponse:
    """Start a response at ``level`` from the plan's version in force, for an incident or a named event
    (``drill`` only applies to named events; a response to an incident is a drill when the incident is)."""
    _require(user, "emergency.command_response", _("You may not start emergency responses."))
    if level not in ResponseLevel.values:
        raise ValidationError({"level": _("Unknown level %(level)s.") % {"level": level}})
    plan = plans_visible(user=user).select_for_update(of=("self",)).get(pk=plan_id)
    version = plan.versions.filter(status=PlanVersionStatus.IN_FORCE).first()
    if version is None:
        raise ValidationError({"plan": _("The plan has no version in force.")})
    event_name = (event_name or "").strip()[:200]
    incident = None
    if incident_id is not None:
        incident = incident_access(user=user, incident_id=incident_id, for_update=True)
        if incident.status not in OPEN_INCIDENT_STATUSES:
            raise ValidationError({"incident": _("The incident is closed or dismissed.")})
        _check_scope(version, incident)
        drill = incident.drill
    elif not event_name:
        raise ValidationError({"event_name": _("Name the event, or choose an incident.")})
    facts = facts_clean(facts) if facts else {}
    now = timezone.now()
    response = EmergencyResponse(
        plan=plan,
        plan_version=version,
        incident=incident,
        event_name=event_name,
        level=level,
        drill=drill,
        started_at=now,
        started_by=user,
        level_since=now,
    )
    plan_level = _plan_level(response, level)
    with audit_context(actor=user):
        try:
            with transaction.atomic():
                response.save()
        except IntegrityError:
            raise ValidationError(
                {
                    "incident": _(
                        "This plan already has an active response to this incident; raise or lower it."
                    )
                }
            ) from None
        added, _cancelled = _tasks_adjust(response, plan_level, now)
        _log(
            response,
            user=user,
            change=ResponseChange.START,
            old="",
            new=level,
            reason=reason,
            facts=facts,
            added=added,
        )
    if (
        incident is not None
        and incident.status == IncidentStatus.VERIFIED
        and user.has_perm("emergency.handle_incident")
    ):
        incident_transition(
            user=user,
            incident_id=incident.pk,
            status=IncidentStatus.RESPONDING,
            note=_("%(plan)s %(level)s started.") % {"plan": version.name, "level": _level_label(level)},
        )
    _alert(response, raised=False)
    panels_refresh_on_commit(ACTIVE_RESPONSES)
    return response


@transaction.atomic
def response_change_level(
    *, user: User, response_id: int, level: str, reason: str, facts: dict[str, Any] | None = None
) -> EmergencyResponse:
    """Raise or lower an active response; its tasks follow the new level's actions."""
    _require(user, "emergency.command_response", _("You may not change emergency responses."))
    response = response_access(user=user, response_id=response_id, for_update=True)
    if response.status != ResponseStatus.ACTIVE:
        raise ValidationError({"status": _("The response has ended.")})
    if level not in ResponseLevel.values:
        raise ValidationError({"level": _("Unknown level %(level)s.") % {"level": level}})
    if level == response.level:
        raise ValidationError({"level": _("The response is already at this level.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the level changes.")})
    facts = facts_clean(facts) if facts else {}
    plan_level = _plan_level(response, level)
    old = response.level
    raised = RESPONSE_LEVEL_RANK[level] > RESPONSE_LEVEL_RANK[old]
    now = timezone.now()
    response.level = level
    response.level_since = now
    with audit_context(actor=user):
        response.save(update_fields=["level", "level_since"])
        added, cancelled = _tasks_adjust(response, plan_level, now)
        _log(
            response,
            user=user,
            change=ResponseChange.RAISE if raised else ResponseChange.LOWER,
            old=old,
            new=level,
            reason=reason.strip(),
            facts=facts,
            added=added,
            cancelled=cancelled,
        )
        alert_clear(dedup_key=_dedup(response, old))
    if raised:
        _alert(response, raised=True)
    panels_refresh_on_commit(ACTIVE_RESPONSES)
    return response


@transaction.atomic
def response_end(*, user: User, response_id: int, reason: str) -> EmergencyResponse:
    """End an active response (终止); its open tasks are cancelled, done ones stay done."""
    _require(user, "emergency.command_response", _("You may not end emergency responses."))
    response = response_access(user=user, response_id=response_id, for_update=True)
    if response.status != ResponseStatus.ACTIVE:
        raise ValidationError({"status": _("The response has already ended.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the response ends.")})
    now = timezone.now()
    with audit_context(actor=user):
        cancelled = 0
        for task in response.tasks.select_for_update().filter(status__in=OPEN_TASK_STATUSES):
            task.status = TaskStatus.CANCELLED
            task.cancelled_at = now
            task.cancel_reason = _("The response ended.")
            task.save(update_fields=["status", "cancelled_at", "cancel_reason"])
            cancelled += 1
        response.status = ResponseStatus.ENDED
        response.ended_at = now
        response.save(update_fields=["status", "ended_at"])
        _log(
            response,
            user=user,
            change=ResponseChange.END,
            old=response.level,
            new="",
            reason=reason.strip(),
            facts=None,
            cancelled=cancelled,
        )
        alert_clear(dedup_key=_dedup(response, response.level))
    panels_refresh_on_commit(ACTIVE_RESPONSES)
    return response


# --- Units report back ------------------------------------------------------------------------------


@transaction.atomic
def task_report(
    *, user: User, task_id: int, status: str, note: str = "", files: Iterable[UploadedFile] = ()
) -> TaskReport:
    """A unit reports on one of its tasks: accepted, in progress (again for progress notes) or done
    (with a note); photos and documents are checked like incident attachments."""
    _require(user, "emergency.report_task", _("You may not report on response tasks."))
    task = task_access(user=user, task_id=task_id, for_update=True)
    if status not in TaskStatus.values or status in (TaskStatus.PENDING, TaskStatus.CANCELLED):
        raise ValidationError({"status": _("Report accepted, in_progress or done.")})
    if task.response.status != ResponseStatus.ACTIVE:
        raise ValidationError({"status": _("The response has ended.")})
    if status not in TASK_TRANSITIONS[task.status]:
        raise ValidationError(
            {
                "status": ValidationError(
                    _("A task that is %(current)s cannot be reported %(wanted)s.")
                    % {"current": TaskStatus(task.status).label, "wanted": TaskStatus(status).label},
                    code="forbidden_transition",
                )
            }
        )
    note = (note or "").strip()
    files = list(files)
    if status == TaskStatus.DONE and not note:
        raise ValidationError({"note": _("Say what was done.")})
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError({"files": _("At most %(n)d files per update.") % {"n": MAX_ATTACHMENTS}})
    checked = [(upload, *attachment_check(upload)) for upload in files]
    now = timezone.now()
    fields = ["status"]
    task.status = status
    if status in (TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS, TaskStatus.DONE) and task.accepted_at is None:
        task.accepted_at = now
        fields.append("accepted_at")
    if status == TaskStatus.DONE:
        task.done_at = now
        fields.append("done_at")
    with audit_context(actor=user):
        task.save(update_fields=fields)
        report = TaskReport.objects.create(task=task, status=status, note=note, author=user)
        for upload, name, content_type in checked:
            attachment = TaskReportAttachment(
                report=report, name=name, content_type=content_type, size=upload.size
            )
            attachment.file.save(name, upload, save=False)
            attachment.save()
    panels_refresh_on_commit(ACTIVE_RESPONSES)
    return report


# --- Tasks added to a response by hand or by another app (not from the plan's actions) -------------

MAX_ADDED_TASKS = 500


@transaction.atomic
def response_tasks_add(
    *, user: User, response_id: int, tasks: Iterable[dict[str, Any]], key_prefix: str = "added"
) -> list[ResponseTask]:
    """Add tasks to an active response, each ``{"organisation_id", "text", "deadline"}`` (an aware
    datetime) with an optional ``group_name``; ``unit_name`` is the organisation's name. The tasks
    are the units' like any plan task (they report on them the same way); creating them is audited.
    ``key_prefix`` tells where they came from (for example ``impact``)."""
    _require(user, "emergency.command_response", _("You may not send tasks through responses."))
    response = response_access(user=user, response_id=response_id, for_update=True)
    if response.status != ResponseStatus.ACTIVE:
        raise ValidationError({"response": _("The response has ended.")})
    items = list(tasks)
    if not items:
        raise ValidationError({"tasks": _("There are no tasks to send.")})
    if len(items) > MAX_ADDED_TASKS:
        raise ValidationError({"tasks": _("At most %(n)d tasks at once.") % {"n": MAX_ADDED_TASKS}})
    organisations = Organisation.objects.in_bulk({item["organisation_id"] for item in items})
    prefix = "".join(c for c in key_prefix.lower() if c.isalnum() or c == "-")[:12] or "added"
    # Unique among the response's live tasks, whatever was sent before: a fresh token per call.
    token = secrets.token_hex(5)
    created = []
    with audit_context(actor=user):
        for index, item in enumerate(items):
            organisation = organisations.get(item["organisation_id"])
            if organisation is None or not organisation.is_active:
                raise ValidationError(
                    {"tasks": _("Unknown or inactive organisation %(id)s.") % {"id": item["organisation_id"]}}
                )
            text = (item.get("text") or "").strip()
            if not text:
                raise ValidationError({"tasks": _("Every task needs a text.")})
            deadline = item["deadline"]
            if deadline is None or timezone.is_naive(deadline):
                raise ValidationError({"tasks": _("Every task needs a deadline with a time zone.")})
            created.append(
                ResponseTask.objects.create(
                    response=response,
                    action_key=f"{prefix}-{token}-{index}"[:50],
                    level=response.level,
                    organisation=organisation,
                    unit_name=organisation.name[:200],
                    group_name=(item.get("group_name") or "")[:100],
                    text=text,
                    deadline=deadline,
                )
            )
    panels_refresh_on_commit(ACTIVE_RESPONSES)
    return created
