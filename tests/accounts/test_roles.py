import pytest
from django.db import IntegrityError, transaction

from accounts.choices import RoleCode
from accounts.models import Role, RoleAssignment
from accounts.roles import ROLE_SPECS
from accounts.services.roles import RoleConflictError, role_assign, role_revoke
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ADMIN_ROLES = [RoleCode.SYSTEM_ADMIN, RoleCode.SECURITY_ADMIN, RoleCode.AUDIT_ADMIN]


def test_migration_creates_every_role():
    assert set(Role.objects.values_list("code", flat=True)) == set(RoleCode.values)
    assert len(RoleCode.values) == 12


def test_role_permissions_follow_the_declaration():
    audit = Role.objects.get(code=RoleCode.AUDIT_ADMIN)
    assert set(audit.permissions.values_list("codename", flat=True)) == {"view_auditentry"}
    sysadmin = Role.objects.get(code=RoleCode.SYSTEM_ADMIN)
    codenames = set(sysadmin.permissions.values_list("codename", flat=True))
    assert "change_user" in codenames
    assert "view_auditentry" not in codenames  # the system administrator cannot read the audit log
    assert len(ROLE_SPECS) == Role.objects.count()


@pytest.mark.parametrize("first", ADMIN_ROLES)
@pytest.mark.parametrize("second", ADMIN_ROLES)
def test_administrator_roles_are_mutually_exclusive(first, second):
    user = UserFactory()
    role_assign(user=user, role_code=first)
    if first == second:
        role_assign(user=user, role_code=second)  # granting the same role again is harmless
        assert user.assignments.count() == 1
    else:
        with pytest.raises(RoleConflictError):
            role_assign(user=user, role_code=second)
        assert list(user.roles.values_list("code", flat=True)) == [first]


def test_business_roles_combine_with_an_administrator_role():
    user = UserFactory()
    role_assign(user=user, role_code=RoleCode.SYSTEM_ADMIN)
    role_assign(user=user, role_code=RoleCode.COMMANDER)
    role_assign(user=user, role_code=RoleCode.DUTY_OFFICER)
    assert user.roles.count() == 3


def test_database_refuses_two_administrator_roles_even_bypassing_the_service():
    user = UserFactory()
    RoleAssignment.objects.create(user=user, role=Role.objects.get(code=RoleCode.AUDIT_ADMIN))
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=user, role=Role.objects.get(code=RoleCode.SYSTEM_ADMIN))


def test_staff_flag_follows_roles():
    user = UserFactory()
    role_assign(user=user, role_code=RoleCode.GRID_INSPECTOR)
    user.refresh_from_db()
    assert not user.is_staff
    role_assign(user=user, role_code=RoleCode.AUDIT_ADMIN)
    user.refresh_from_db()
    assert user.is_staff
    role_revoke(user=user, role_code=RoleCode.AUDIT_ADMIN)
    user.refresh_from_db()
    assert not user.is_staff


def test_permissions_come_from_roles():
    user = UserFactory()
    assert not user.has_perm("accounts.view_auditentry")
    role_assign(user=user, role_code=RoleCode.AUDIT_ADMIN)
    user = type(user).objects.get(pk=user.pk)  # fresh object: permission caches are per instance
    assert user.has_perm("accounts.view_auditentry")
    assert not user.has_perm("accounts.change_user")


def test_admin_refuses_a_second_administrator_role(client, django_user_model):
    superuser = django_user_model.objects.create_superuser("root", password="Root-pass-2026")
    target = UserFactory()
    role_assign(user=target, role_code=RoleCode.SYSTEM_ADMIN)
    existing = target.assignments.get()
    client.force_login(superuser)
    url = f"/admin/accounts/user/{target.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k not in ("password", "groups")}
    data.update(
        {
            "username": target.username,
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
            "assignments-TOTAL_FORMS": "2",
            "assignments-INITIAL_FORMS": "1",
            "assignments-0-id": str(existing.pk),
            "assignments-0-user": str(target.pk),
            "assignments-0-role": str(existing.role_id),
            "assignments-1-user": str(target.pk),
            "assignments-1-role": str(Role.objects.get(code=RoleCode.AUDIT_ADMIN).pk),
        }
    )
    data.pop("organisation", None)
    response = client.post(url, data)
    assert response.status_code == 200, "the form must be shown again with an error"
    assert (
        "one person cannot hold both" in response.content.decode().lower()
        or "不能同时" in response.content.decode()
    )
    assert list(target.roles.values_list("code", flat=True)) == [RoleCode.SYSTEM_ADMIN]
