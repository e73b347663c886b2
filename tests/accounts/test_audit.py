"""The audit log end to end: admin writes with field diffs, commands and tasks, the read-only admin."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.core.management.base import BaseCommand
from django.db import DatabaseError, connection, transaction
from django.test import AsyncClient
from django.urls import reverse
from django.utils import timezone, translation

from accounts.audit_context import audit_context, get_audit_context
from accounts.choices import AuditAction, AuditInterface, OrganisationKind, RoleCode
from accounts.models import AuditEntry, Organisation, Role, User
from accounts.selectors.audit import audit_verify
from accounts.services.audit import audit_record
from accounts.services.roles import role_assign
from config.celery import app as celery_app

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Reasons and messages are compared as their English msgids; the default language is Chinese."""
    with translation.override("en"):
        yield


def entries_after(mark: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(id__gt=mark).order_by("id"))


@pytest.fixture
def mark() -> int:
    """The id of the last entry before the test: whatever migrations or other setup left is ignored."""
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


@pytest.fixture
def superuser() -> User:
    return User.objects.create_superuser(
        "root_admin", password="Sup3r-secret-pw", password_changed_at=timezone.now()
    )


@pytest.fixture
def auditor() -> User:
    user = User.objects.create_user("auditor", password="Aud1t-secret-pw", password_changed_at=timezone.now())
    role_assign(user=user, role_code=RoleCode.AUDIT_ADMIN)
    # The post-migrate sync gives the role its permission; make the test independent of that.
    Role.objects.get(code=RoleCode.AUDIT_ADMIN).permissions.add(
        Permission.objects.get(content_type__app_label="accounts", codename="view_auditentry")
    )
    user.refresh_from_db()
    return user


# --- Writes through the admin -------------------------------------------------------------------


def test_admin_create_update_delete_record_actor_ip_interface_and_exact_diffs(client, superuser, mark):
    client.force_login(superuser)
    mark = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()  # after the login

    add_url = reverse("admin:accounts_organisation_add")
    response = client.post(
        add_url, {"name": "应急测试单位", "kind": OrganisationKind.MEMBER_UNIT, "code": "", "is_active": "on"}
    )
    assert response.status_code == 302, response.content[:2000]
    org = Organisation.objects.get(name="应急测试单位")

    change_url = reverse("admin:accounts_organisation_change", args=[org.pk])
    response = client.post(
        change_url,
        {"name": "应急测试单位二", "kind": OrganisationKind.MEMBER_UNIT, "code": "", "is_active": "on"},
    )
    assert response.status_code == 302, response.content[:2000]

    delete_url = reverse("admin:accounts_organisation_delete", args=[org.pk])
    response = client.post(delete_url, {"post": "yes"})
    assert response.status_code == 302
    assert not Organisation.objects.filter(pk=org.pk).exists()

    created, updated, deleted = [e for e in entries_after(mark) if e.model == "organisation"]
    for entry in (created, updated, deleted):
        assert entry.actor_id == superuser.pk
        assert entry.actor_username == "root_admin"
        assert entry.ip == "127.0.0.1"
        assert entry.interface == AuditInterface.ADMIN
        assert entry.app_label == "accounts"
        assert entry.object_id == str(org.pk)
        assert entry.success is True

    assert created.action == AuditAction.CREATE
    # code is stored as NULL for an empty unique code, so it is not part of the new values.
    assert created.changes == {
        "name": [None, "应急测试单位"],
        "kind": [None, "member_unit"],
        "is_active": [None, True],
    }
    assert updated.action == AuditAction.UPDATE
    assert updated.changes == {"name": ["应急测试单位", "应急测试单位二"]}  # untouched fields are absent
    assert updated.object_repr == "应急测试单位二"
    assert deleted.action == AuditAction.DELETE
    assert deleted.changes == {
        "name": ["应急测试单位二", None],
        "kind": ["member_unit", None],
        "is_active": [True, None],
    }
    assert audit_verify() == []


def test_admin_save_without_changes_records_nothing(client, superuser):
    org = Organisation.objects.create(name="不变单位", kind=OrganisationKind.TOWN)
    client.force_login(superuser)
    mark = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    response = client.post(
        reverse("admin:accounts_organisation_change", args=[org.pk]),
        {"name": "不变单位", "kind": OrganisationKind.TOWN, "code": "", "is_active": "on"},
    )
    assert response.status_code == 302
    assert [e for e in entries_after(mark) if e.model == "organisation"] == []


# --- Default, command and task contexts -----------------------------------------------------------


def test_outside_any_request_command_or_task_the_interface_is_system(mark):
    assert get_audit_context().interface == AuditInterface.SYSTEM
    Organisation.objects.create(name="系统单位", kind=OrganisationKind.TOWN)
    (entry,) = entries_after(mark)
    assert entry.interface == AuditInterface.SYSTEM
    assert entry.actor_id is None
    assert entry.actor_username == ""
    assert entry.ip is None


class ProbeCommand(BaseCommand):
    """A stand-in management command that writes an audited model."""

    seen: list = []

    def handle(self, *args, **options):
        ProbeCommand.seen.append(get_audit_context())
        Organisation.objects.create(name="命令单位", kind=OrganisationKind.TOWN)


def test_a_management_command_acts_as_command_with_the_os_user(mark):
    ProbeCommand.seen.clear()
    call_command(ProbeCommand())
    (context,) = ProbeCommand.seen
    assert context.interface == AuditInterface.COMMAND
    (entry,) = entries_after(mark)
    assert entry.interface == AuditInterface.COMMAND
    assert entry.actor_username.startswith("os:") and len(entry.actor_username) > 3
    assert entry.actor_id is None
    assert entry.message == f"command {__name__.rsplit('.', 1)[-1]}"
    # Back to system once the command is over.
    assert get_audit_context().interface == AuditInterface.SYSTEM


def test_a_command_run_for_a_known_person_keeps_that_person(superuser, mark):
    ProbeCommand.seen.clear()
    with audit_context(actor=superuser, interface=AuditInterface.ADMIN):
        call_command(ProbeCommand())
    (entry,) = entries_after(mark)
    assert entry.interface == AuditInterface.COMMAND
    assert entry.actor_id == superuser.pk


def test_audit_verify_runs_as_a_command(monkeypatch):
    from accounts.management.commands import audit_verify as command_module

    seen = []
    real = command_module.audit_verify_report

    def spy(**kwargs):
        seen.append(get_audit_context().interface)
        return real(**kwargs)

    monkeypatch.setattr(command_module, "audit_verify_report", spy)
    call_command("audit_verify", verbosity=0)
    assert seen == [AuditInterface.COMMAND]


@celery_app.task(name="tests.accounts.audit_probe")
def audit_probe_task(name: str) -> str:
    Organisation.objects.create(name=name, kind=OrganisationKind.TOWN)
    return get_audit_context().interface


def test_a_celery_task_acts_as_task(mark):
    result = audit_probe_task.apply(args=["任务单位"])
    assert result.successful(), result.traceback
    assert result.get() == AuditInterface.TASK
    (entry,) = entries_after(mark)
    assert entry.interface == AuditInterface.TASK
    assert entry.actor_username == "task:tests.accounts.audit_probe"
    assert entry.message == "task tests.accounts.audit_probe"
    assert get_audit_context().interface == AuditInterface.SYSTEM


def test_a_failing_task_still_restores_the_context():
    @celery_app.task(name="tests.accounts.audit_failing_probe")
    def failing():
        raise RuntimeError("boom")

    result = failing.apply()
    assert result.failed()
    assert get_audit_context().interface == AuditInterface.SYSTEM


# --- The chain ----------------------------------------------------------------------------------


def record_three(mark: int) -> list[AuditEntry]:
    for n in range(3):
        audit_record(action=AuditAction.VIEW, message=f"probe {n}")
    entries = entries_after(mark)
    assert len(entries) == 3
    return entries


def as_attacker(sql: str, params: list) -> None:
    """What a database owner can do: switch the append-only triggers off for the statement."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        cursor.execute("SET LOCAL session_replication_role = origin")


def test_the_chain_links_each_entry_to_the_one_before(mark):
    first, second, third = record_three(mark)
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    assert len({first.hash, second.hash, third.hash}) == 3
    assert audit_verify() == []


def test_a_changed_entry_is_detected(mark):
    _first, second, _third = record_three(mark)
    as_attacker("UPDATE accounts_auditentry SET message = %s WHERE id = %s", ["nothing happened", second.pk])
    problems = audit_verify()
    assert [(p.entry_id, p.reason) for p in problems] == [
        (second.pk, "hash mismatch (entry changed or forged)")
    ]


def test_a_deleted_entry_is_detected(mark):
    _first, second, third = record_three(mark)
    as_attacker("DELETE FROM accounts_auditentry WHERE id = %s", [second.pk])
    problems = audit_verify()
    assert [(p.entry_id, p.reason) for p in problems] == [
        (third.pk, "chain broken before this entry (entry inserted or deleted)")
    ]


def test_an_inserted_forged_entry_is_detected(mark):
    first, second, third = record_three(mark)
    # A forger who links the entry correctly but lacks the HMAC key: inserted between first and second
    # by taking an id freed up for it (the real second entry is moved up one place).
    as_attacker(
        "UPDATE accounts_auditentry SET id = id + 1000000 WHERE id IN (%s, %s)", [second.pk, third.pk]
    )
    as_attacker(
        """INSERT INTO accounts_auditentry (id, at, actor_username, interface, action, success, app_label,
               model, object_id, object_repr, changes, message, prev_hash, hash)
           VALUES (%s, now(), 'root_admin', 'admin', 'login', true, '', '', '', '', '{}', '', %s, %s)""",
        [second.pk, first.hash, "f" * 64],
    )
    problems = {(p.entry_id, p.reason) for p in audit_verify()}
    assert (second.pk, "hash mismatch (entry changed or forged)") in problems
    # The moved entries no longer hash (the id is hashed), and the real second no longer links.
    assert (second.pk + 1000000, "chain broken before this entry (entry inserted or deleted)") in problems
    assert (second.pk + 1000000, "hash mismatch (entry changed or forged)") in problems


def test_an_appended_forged_entry_is_detected(mark):
    *_rest, last = record_three(mark)
    forged_id = last.pk + 10
    as_attacker(
        """INSERT INTO accounts_auditentry (id, at, actor_username, interface, action, success, app_label,
               model, object_id, object_repr, changes, message, prev_hash, hash)
           VALUES (%s, now(), 'x', 'web', 'login', true, '', '', '', '', '{}', '', %s, %s)""",
        [forged_id, last.hash, "0" * 63 + "1"],
    )
    assert [(p.entry_id, p.reason) for p in audit_verify()] == [
        (forged_id, "hash mismatch (entry changed or forged)")
    ]


def truncate_log() -> None:
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE accounts_auditentry")


def test_the_orm_cannot_update_or_delete_an_entry(mark):
    entry = audit_record(action=AuditAction.VIEW, message="keep me")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(message="changed")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        entry.message = "changed"
        entry.save()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        truncate_log()
    entry.refresh_from_db()
    assert entry.message == "keep me"


def test_flush_may_still_truncate_the_log(mark):
    # Django's TransactionTestCase flushes after every test: the trigger must let that through.
    audit_record(action=AuditAction.VIEW)
    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    assert not AuditEntry.objects.exists()
    # ...and only for the flush itself.
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        truncate_log()


# --- The admin is read-only ---------------------------------------------------------------------


def test_the_audit_administrator_can_read_but_not_write(client, auditor):
    entry = audit_record(action=AuditAction.VIEW, message="read me")
    assert auditor.is_staff
    client.force_login(auditor)

    changelist = client.get(reverse("admin:accounts_auditentry_changelist"))
    assert changelist.status_code == 200
    assert "read me" not in changelist.content.decode()  # messages are on the detail page
    assert f"/admin/accounts/auditentry/{entry.pk}/change/" in changelist.content.decode()
    assert b"delete_selected" not in changelist.content

    change_url = reverse("admin:accounts_auditentry_change", args=[entry.pk])
    detail = client.get(change_url)
    assert detail.status_code == 200
    assert "read me" in detail.content.decode()
    assert b'name="message"' not in detail.content  # shown, not editable

    assert client.get(reverse("admin:accounts_auditentry_add")).status_code == 403
    assert client.post(reverse("admin:accounts_auditentry_add"), {"message": "x"}).status_code == 403
    delete_url = reverse("admin:accounts_auditentry_delete", args=[entry.pk])
    assert client.get(delete_url).status_code == 403
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert client.post(change_url, {"message": "rewritten"}).status_code == 403
    entry.refresh_from_db()
    assert entry.message == "read me"


def test_not_even_a_superuser_can_change_entries_in_the_admin(client, superuser):
    entry = audit_record(action=AuditAction.VIEW, message="read me")
    client.force_login(superuser)
    assert client.get(reverse("admin:accounts_auditentry_add")).status_code == 403
    assert (
        client.post(reverse("admin:accounts_auditentry_delete", args=[entry.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert (
        client.post(
            reverse("admin:accounts_auditentry_change", args=[entry.pk]), {"message": "rewritten"}
        ).status_code
        == 403
    )
    response = client.post(
        reverse("admin:accounts_auditentry_changelist"),
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )
    assert AuditEntry.objects.filter(pk=entry.pk, message="read me").exists()
    assert response.status_code in (200, 302)


def test_staff_without_the_audit_role_cannot_read_the_log(client):
    admin = User.objects.create_user("sysadmin", password="Sys-adm1n-pw", password_changed_at=timezone.now())
    role_assign(user=admin, role_code=RoleCode.SYSTEM_ADMIN)
    admin.refresh_from_db()
    assert admin.is_staff
    client.force_login(admin)
    assert client.get(reverse("admin:accounts_auditentry_changelist")).status_code == 403


# --- The verify command -------------------------------------------------------------------------


def test_audit_verify_command_reports_ok_and_exits_zero(mark, capsys):
    record_three(mark)
    call_command("audit_verify")
    out = capsys.readouterr().out
    count = AuditEntry.objects.count()
    assert f"OK: {count} entries, chain intact" in out


def test_audit_verify_command_fails_on_a_broken_chain(mark, capsys):
    _first, second, _third = record_three(mark)
    as_attacker("UPDATE accounts_auditentry SET success = false WHERE id = %s", [second.pk])
    with pytest.raises(CommandError, match="1 problem"):
        call_command("audit_verify")
    assert f"entry {second.pk}: hash mismatch" in capsys.readouterr().err


def test_audit_verify_command_exit_status_from_the_shell():
    """The real process exit code, which is what a cron job or monitoring check sees. The subprocess
    sees only what is committed in the test database (not this test's transaction)."""
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DATABASE_URL": f"postgis://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
    }
    ok = subprocess.run(
        [sys.executable, "manage.py", "audit_verify"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.strip()  # the OK line, in the default language
    bad = subprocess.run(
        [sys.executable, "manage.py", "audit_verify", "--anchor", f"999999999:{'a' * 64}"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert bad.returncode != 0
    assert "entry 999999999:" in bad.stderr


def test_admin_writes_through_the_asgi_handler_are_audited_too(superuser, mark):
    """The full async middleware chain (as under Daphne), not only the WSGI-style test client."""
    client = AsyncClient()
    client.force_login(superuser)
    mark = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    response = async_to_sync(client.post)(
        reverse("admin:accounts_organisation_add"),
        {"name": "异步单位", "kind": OrganisationKind.TOWN, "code": "", "is_active": "on"},
    )
    assert response.status_code == 302
    (entry,) = [e for e in entries_after(mark) if e.model == "organisation"]
    assert (entry.action, entry.interface, entry.actor_id) == (
        AuditAction.CREATE,
        AuditInterface.ADMIN,
        superuser.pk,
    )
    assert entry.ip == "127.0.0.1"
