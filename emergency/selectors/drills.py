"""Reads of drills: city-wide roles see all; others their organisation subtree's."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User
from accounts.selectors.organisations import scope_for_user
from emergency.models import Drill


def drills_visible(*, user: User) -> QuerySet[Drill]:
    drills = Drill.objects.select_related(
        "plan_version", "plan_version__plan", "incident_type", "incident", "organisation", "created_by"
    )
    if not user.is_authenticated or not user.is_active or not user.has_perm("emergency.view_drill"):
        return drills.none()
    return scope_for_user(drills, user=user)


def drill_access(*, user: User, drill_id: int, for_update: bool = False) -> Drill:
    drills = drills_visible(user=user)
    if for_update:
        drills = drills.select_for_update(of=("self",))
    return drills.get(pk=drill_id)
