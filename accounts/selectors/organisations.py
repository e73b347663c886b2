"""Organisation-scoped reads: a user sees their own organisation's records and those below it,
unless one of their roles sees the whole city."""

from __future__ import annotations

from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from accounts.models import Organisation, Role, User

# The subtree is computed in the database, so the scope stays one query however deep the tree is.
_SUBTREE_SQL = """
    WITH RECURSIVE subtree(id) AS (
        SELECT id FROM accounts_organisation WHERE id = %s
        UNION
        SELECT o.id FROM accounts_organisation o JOIN subtree s ON o.parent_id = s.id
    )
    SELECT id FROM subtree
"""


def user_sees_whole_city(*, user: User) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_sees_whole_city", None)
    if cached is None:
        cached = Role.objects.filter(assignments__user=user, city_wide=True).exists()
        user._sees_whole_city = cached
    return cached


def user_role_codes(*, user: User) -> set[str]:
    """The codes of the user's roles, looked up once per user object."""
    cached = getattr(user, "_role_codes", None)
    if cached is None:
        cached = set(user.roles.values_list("code", flat=True)) if user.is_authenticated else set()
        user._role_codes = cached
    return cached


def organisation_subtree(*, organisation: Organisation) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=RawSQL(_SUBTREE_SQL, [organisation.pk]))  # noqa: S611  (constant SQL, bound parameter)


def scope_for_user(queryset: QuerySet, *, user: User, field: str = "organisation") -> QuerySet:
    """Restrict ``queryset`` to the rows whose ``field`` lies in the user's organisation subtree.

    ``field`` is the lookup path to an Organisation (``"pk"`` for the Organisation queryset itself).
    """
    if user_sees_whole_city(user=user):
        return queryset
    if not user.is_authenticated or not user.is_active or user.organisation_id is None:
        return queryset.none()
    return queryset.filter(**{f"{field}__in": RawSQL(_SUBTREE_SQL, [user.organisation_id])})  # noqa: S611


def organisations_visible(*, user: User) -> QuerySet[Organisation]:
    return scope_for_user(Organisation.objects.all(), user=user, field="pk")


def users_visible(*, user: User) -> QuerySet[User]:
    return scope_for_user(User.objects.all(), user=user)
