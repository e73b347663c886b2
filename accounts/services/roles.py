"""Granting and revoking roles, with the separation of the three administrator powers (三权分立)."""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.choices import RoleCode
from accounts.models import Role, RoleAssignment, User
from accounts.models.users import role_conflict_message
from accounts.roles import ROLE_SPECS


class RoleConflictError(Exception):
    """The user already holds a role that excludes the one being granted."""


def role_conflict(*, role: Role, held: list[Role]) -> Role | None:
    """The role among ``held`` that excludes ``role``, if any."""
    if not role.exclusive_group:
        return None
    return next((r for r in held if r.exclusive_group == role.exclusive_group and r.pk != role.pk), None)


@transaction.atomic
def role_assign(*, user: User, role_code: str | RoleCode, granted_by: User | None = None) -> RoleAssignment:
    role = Role.objects.get(code=str(role_code))
    # Lock the user row so two concurrent grants cannot both pass the check.
    User.objects.select_for_update().filter(pk=user.pk).first()
    held = list(Role.objects.filter(assignments__user=user))
    other = role_conflict(role=role, held=held)
    if other is not None:
        raise RoleConflictError(role_conflict_message(role, other))
    try:
        with transaction.atomic():
            assignment, _created = RoleAssignment.objects.get_or_create(
                user=user, role=role, defaults={"granted_by": granted_by}
            )
    except IntegrityError as exc:  # the database constraint is the last line of defence
        raise RoleConflictError(_("One person cannot hold two administrator roles.")) from exc
    user_sync_staff(user=user)
    return assignment


@transaction.atomic
def role_revoke(*, user: User, role_code: str | RoleCode) -> None:
    for assignment in RoleAssignment.objects.filter(user=user, role__code=str(role_code)):
        assignment.delete()
    user_sync_staff(user=user)


def user_sync_staff(*, user: User) -> None:
    """Admin access follows the roles: a user is staff when one of their roles uses the admin."""
    is_staff = user.is_superuser or Role.objects.filter(assignments__user=user, staff=True).exists()
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])


def roles_sync_from_specs() -> None:
    """Bring every role's flags and permissions in line with accounts.roles.ROLE_SPECS."""
    for spec in ROLE_SPECS:
        role, _created = Role.objects.get_or_create(code=spec.code.value)
        changed = (
            role.city_wide != spec.city_wide
            or role.staff != spec.staff
            or role.exclusive_group != spec.exclusive_group
        )
        if changed:
            role.city_wide, role.staff, role.exclusive_group = (
                spec.city_wide,
                spec.staff,
                spec.exclusive_group,
            )
            role.save()
        wanted = set()
        for dotted in spec.permissions:
            app_label, codename = dotted.split(".", 1)
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is None:
                raise LookupError(f"role {spec.code}: unknown permission {dotted}")
            wanted.add(permission.pk)
        current = set(role.permissions.values_list("pk", flat=True))
        if current != wanted:
            role.permissions.set(wanted)
