"""The contacts directory (通讯录): member units of the plans in force, with duties, responsible persons
and phone numbers. Numbers are shown masked except to the roles that call people (commanders and duty
officers), and even they see a full number only by asking for it, which is audited."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.choices import RoleCode
from accounts.models import User
from emergency.models import PlanUnit
from emergency.selectors.alerts import user_role_codes
from emergency.selectors.plans import plan_versions_in_force

# The roles whose work needs full phone numbers; everyone else sees them masked (138****5678).
CONTACT_PHONE_ROLES = frozenset({RoleCode.COMMANDER, RoleCode.DUTY_OFFICER})


def contacts_visible(*, user: User, q: str = "") -> QuerySet[PlanUnit]:
    """Member units of the plans in force that the user may see, by plan and order."""
    units = PlanUnit.objects.select_related("organisation", "version__plan").filter(
        version__in=plan_versions_in_force(user=user).values("pk")
    )
    for term in q.split()[:5]:
        units = units.filter(
            Q(name__icontains=term)
            | Q(organisation__name__icontains=term)
            | Q(responsible__icontains=term)
            | Q(duties__icontains=term)
        )
    return units.order_by("version__plan__code", "order", "pk")


def contact_phones_allowed(*, user: User) -> bool:
    return user.is_authenticated and user.is_active and bool(user_role_codes(user=user) & CONTACT_PHONE_ROLES)
