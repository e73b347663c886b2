"""Reads of plans: who sees which plan and version.

City-wide roles see every plan. Others need the right to view plans and see the plans their
organisation subtree issued or takes part in as a member unit (of any version).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import User
from accounts.selectors.organisations import organisation_subtree, user_sees_whole_city
from emergency.choices import PlanVersionStatus
from emergency.models import Plan, PlanUnit, PlanVersion


def plans_visible(*, user: User) -> QuerySet[Plan]:
    plans = Plan.objects.select_related("organisation")
    if not user.is_authenticated or not user.is_active or not user.has_perm("emergency.view_plan"):
        return plans.none()
    if user_sees_whole_city(user=user):
        return plans
    if user.organisation_id is None:
        return plans.none()
    subtree = organisation_subtree(organisation=user.organisation).values("pk")
    member = PlanUnit.objects.filter(version__plan=OuterRef("pk"), organisation__in=subtree)
    return plans.filter(Q(organisation__in=subtree) | Exists(member))


def plan_versions_visible(*, user: User) -> QuerySet[PlanVersion]:
    return PlanVersion.objects.select_related("plan").filter(plan__in=plans_visible(user=user).values("pk"))


def plan_version_in_force(*, plan: Plan) -> PlanVersion | None:
    return plan.versions.filter(status=PlanVersionStatus.IN_FORCE).first()


def plan_versions_in_force(*, user: User) -> QuerySet[PlanVersion]:
    return (
        plan_versions_visible(user=user)
        .filter(status=PlanVersionStatus.IN_FORCE)
        .prefetch_related("levels")
        .order_by("plan__code")
    )
