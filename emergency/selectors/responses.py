"""Reads of responses and their tasks: who sees which, and progress figures.

- Tasks: city-wide roles see all; a unit sees the tasks assigned to its organisation subtree.
- Responses: city-wide roles see all; others the responses that gave their subtree a task, or whose
  incident they can see.
"""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.selectors.organisations import organisation_subtree, scope_for_user, user_sees_whole_city
from emergency.choices import OPEN_TASK_STATUSES, ResponseStatus, TaskStatus
from emergency.models import EmergencyResponse, ResponseTask
from emergency.selectors.incidents import incidents_visible


def _active_user(user: User, perm: str) -> bool:
    return user.is_authenticated and user.is_active and user.has_perm(perm)


def responses_visible(*, user: User) -> QuerySet[EmergencyResponse]:
    responses = EmergencyResponse.objects.select_related(
        "plan", "plan_version", "incident", "incident__district", "started_by"
    )
    if not _active_user(user, "emergency.view_emergencyresponse"):
        return responses.none()
    if user_sees_whole_city(user=user):
        return responses
    if user.organisation_id is None:
        return responses.none()
    subtree = organisation_subtree(organisation=user.organisation).values("pk")
    tasked = ResponseTask.objects.filter(response=OuterRef("pk"), organisation__in=subtree)
    incidents = incidents_visible(user=user).values("pk")
    return responses.filter(Exists(tasked) | Q(incident__in=incidents))


def response_access(*, user: User, response_id: int, for_update: bool = False) -> EmergencyResponse:
    responses = responses_visible(user=user)
    if for_update:
        responses = responses.select_for_update(of=("self",))
    return responses.get(pk=response_id)


def tasks_visible(*, user: User) -> QuerySet[ResponseTask]:
    tasks = ResponseTask.objects.select_related("response", "response__plan_version", "organisation")
    if not _active_user(user, "emergency.view_responsetask"):
        return tasks.none()
    return scope_for_user(tasks, user=user)


def task_access(*, user: User, task_id: int, for_update: bool = False) -> ResponseTask:
    tasks = tasks_visible(user=user)
    if for_update:
        tasks = tasks.select_for_update(of=("self",))
    return tasks.get(pk=task_id)


def response_progress(*, responses: QuerySet[EmergencyResponse]) -> QuerySet[EmergencyResponse]:
    """Annotate each response with its task counts (all tasks, whoever looks)."""
    now = timezone.now()
    return responses.annotate(
        tasks_total=Count("tasks", filter=~Q(tasks__status=TaskStatus.CANCELLED)),
        tasks_done=Count("tasks", filter=Q(tasks__status=TaskStatus.DONE)),
        tasks_accepted=Count(
            "tasks", filter=Q(tasks__status__in=(TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS))
        ),
        tasks_overdue=Count("tasks", filter=Q(tasks__status__in=OPEN_TASK_STATUSES, tasks__deadline__lt=now)),
    )


def responses_active(*, user: User) -> QuerySet[EmergencyResponse]:
    return response_progress(responses=responses_visible(user=user).filter(status=ResponseStatus.ACTIVE))
