"""What the automatic model audit records: field diffs, hidden secrets, geometry summaries, M2M, and
values that must hash the same after a round trip through PostgreSQL."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.utils import timezone, translation

from accounts.audit import audit_register, json_safe
from accounts.audit_context import audit_context
from accounts.choices import AuditAction, OrganisationKind, RoleCode
from accounts.models import AuditEntry, Organisation, Role, RoleAssignment, User
from accounts.selectors.audit import audit_verify
from accounts.services.audit import HASHED_FIELDS, audit_record, entry_hash
from accounts.services.roles import role_assign, role_revoke

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Reasons and messages are compared as their English msgids; the default language is Chinese."""
    with translation.override("en"):
        yield


@pytest.fixture
def mark() -> int:
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def entries_after(mark: int, **filters) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(id__gt=mark, **filters).order_by("id"))


def square(x: float, y: float, size: float = 0.1) -> MultiPolygon:
    ring = ((x, y), (x + size, y), (x + size, y + size), (x, y + size), (x, y))
    return MultiPolygon(Polygon(ring), srid=4326)


# --- Users: secrets, noise and security fields ----------------------------------------------------


def test_passwords_are_recorded_as_changed_but_hidden(mark):
    user = User.objects.create_user("bob", password="Old-pass-2026")
    (created,) = entries_after(mark, model="user")
    assert created.changes["password"] == ["***", "***"]
    assert created.changes["username"] == [None, "bob"]
    assert "Old-pass" not in str(created.changes) and "pbkdf2" not in str(created.changes)

    mark = created.pk
    user.set_password("New-pass-2026")
    user.save()
    (changed,) = entries_after(mark, model="user")
    assert changed.action == AuditAction.UPDATE
    assert changed.changes == {"password": ["***", "***"]}


def test_last_login_is_not_audited_but_lockout_fields_are(mark):
    user = User.objects.create_user("carol", password="Some-pass-2026")
    mark = entries_after(mark)[-1].pk
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])
    assert entries_after(mark) == []

    until = dt.datetime(2026, 5, 1, 8, 30, tzinfo=dt.UTC)
    user.failed_login_count = 5
    user.locked_until = until
    user.save()
    (entry,) = entries_after(mark)
    assert entry.changes == {
        "failed_login_count": [0, 5],
        "locked_until": [None, "2026-05-01T08:30:00+00:00"],
    }


def test_a_value_assigned_as_text_is_compared_as_its_type(mark):
    user = User.objects.create_user("erin", locked_until=dt.datetime(2026, 5, 1, 8, 30, tzinfo=dt.UTC))
    mark = entries_after(mark)[-1].pk
    user.locked_until = "2026-05-01 16:30:00+08:00"  # the same instant, as an API might send it
    user.failed_login_count = "0"
    user.save()
    assert entries_after(mark) == []


def test_update_fields_limits_the_diff_to_what_was_saved(mark):
    org = Organisation.objects.create(name="甲", kind=OrganisationKind.TOWN)
    mark = entries_after(mark)[-1].pk
    org.name = "乙 (not saved)"
    org.is_active = False
    org.save(update_fields=["is_active"])
    (entry,) = entries_after(mark)
    assert entry.changes == {"is_active": [True, False]}


def test_foreign_keys_are_recorded_by_primary_key(mark):
    parent = Organisation.objects.create(name="上级", kind=OrganisationKind.DISTRICT)
    child = Organisation.objects.create(name="下级", kind=OrganisationKind.TOWN)
    mark = entries_after(mark)[-1].pk
    child.parent = parent
    child.save()
    (entry,) = entries_after(mark)
    assert entry.changes == {"parent": [None, parent.pk]}


def test_exclude_and_secret_options(mark):
    try:
        audit_register(Organisation, exclude=["kind"], secret=["code"])
        org = Organisation.objects.create(name="机密", kind=OrganisationKind.TOWN, code="91440400MA0000000X")
        (entry,) = entries_after(mark)
        assert entry.changes == {"name": [None, "机密"], "code": ["***", "***"], "is_active": [None, True]}
        mark = entry.pk
        org.kind = OrganisationKind.DISTRICT
        org.save()
        assert entries_after(mark) == []  # only an excluded field changed
    finally:
        audit_register(Organisation)


# --- Roles: assignments and many-to-many permissions ----------------------------------------------


def test_role_assignments_are_audited(mark):
    user = User.objects.create_user("dave", password="Dave-pass-2026")
    mark = entries_after(mark)[-1].pk
    role_assign(user=user, role_code=RoleCode.COMMANDER)
    assignment = RoleAssignment.objects.get(user=user)
    commander = Role.objects.get(code=RoleCode.COMMANDER)
    created = entries_after(mark, model="roleassignment")
    assert [e.action for e in created] == [AuditAction.CREATE]
    assert created[0].changes["user"] == [None, user.pk]
    assert created[0].changes["role"] == [None, commander.pk]
    # The role makes the user staff: that flag change is audited on the user.
    assert entries_after(mark, model="user")[0].changes == {"is_staff": [False, True]}

    mark = AuditEntry.objects.order_by("-id").first().pk
    role_revoke(user=user, role_code=RoleCode.COMMANDER)
    (deleted,) = entries_after(mark, model="roleassignment")
    assert deleted.action == AuditAction.DELETE
    assert deleted.object_id == str(assignment.pk)
    assert deleted.changes["role"] == [commander.pk, None]


def test_deleting_a_user_records_the_cascaded_role_assignments_too(mark):
    user = User.objects.create_user("frank", password="Frank-pass-2026")
    role_assign(user=user, role_code=RoleCode.DUTY_OFFICER)
    mark = AuditEntry.objects.order_by("-id").first().pk
    user_pk = user.pk
    user.delete()
    assert [(e.model, e.action) for e in entries_after(mark)] == [
        ("roleassignment", AuditAction.DELETE),
        ("user", AuditAction.DELETE),
    ]
    assignment_entry, user_entry = entries_after(mark)
    assert "frank" in assignment_entry.object_repr
    assert user_entry.object_id == str(user_pk)
    assert user_entry.changes["username"] == ["frank", None]
    assert user_entry.changes["password"] == ["***", "***"]


def test_role_permission_changes_are_audited_from_either_side(mark):
    role = Role.objects.get(code=RoleCode.API_CLIENT)
    role.permissions.clear()
    mark = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    view_user, view_org = (
        Permission.objects.get(content_type__app_label="accounts", codename=c)
        for c in ("view_user", "view_organisation")
    )

    role.permissions.add(view_user, view_org)
    (added,) = entries_after(mark)
    assert (added.action, added.model, added.object_id) == (AuditAction.UPDATE, "role", str(role.pk))
    assert added.changes == {"permissions": [[], sorted([view_user.pk, view_org.pk])]}

    role.permissions.add(view_user)  # already there: nothing happened
    assert entries_after(added.pk) == []

    view_org.role_set.remove(role)  # the reverse side
    (removed,) = entries_after(added.pk)
    assert removed.object_id == str(role.pk)
    assert removed.changes == {"permissions": [sorted([view_user.pk, view_org.pk]), [view_user.pk]]}

    role.permissions.clear()
    (cleared,) = entries_after(removed.pk)
    assert cleared.changes == {"permissions": [[view_user.pk], []]}


# --- Areas: geometry summaries ------------------------------------------------------------------


def test_geometries_are_summarised_not_dumped(mark):
    AdminArea = apps.get_model("geo", "AdminArea")
    area = AdminArea.objects.create(
        adcode="440499", name="测试区", level="district", geom=square(113.5, 22.2)
    )
    (created,) = entries_after(mark, model="adminarea")
    assert created.app_label == "geo"
    assert created.changes["geom"] == [
        None,
        {"type": "MultiPolygon", "points": 5, "srid": 4326, "bbox": [113.5, 22.2, 113.6, 22.3]},
    ]

    area.geom = square(113.5, 22.2).wkt  # the same shape, assigned as text
    area.save()
    assert entries_after(created.pk) == []

    area.geom = square(113.6, 22.2, 0.2)
    area.save()
    (changed,) = entries_after(created.pk)
    assert changed.changes == {
        "geom": [
            {"type": "MultiPolygon", "points": 5, "srid": 4326, "bbox": [113.5, 22.2, 113.6, 22.3]},
            {"type": "MultiPolygon", "points": 5, "srid": 4326, "bbox": [113.6, 22.2, 113.8, 22.4]},
        ]
    }
    assert "POLYGON" not in str(changed.changes)


# --- Values and the hash round trip ---------------------------------------------------------------


def test_json_safe_values():
    when = dt.datetime(2026, 7, 1, 16, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert json_safe(when) == "2026-07-01T08:00:00+00:00"
    assert json_safe(dt.date(2026, 7, 1)) == "2026-07-01"
    assert json_safe(decimal.Decimal("12.50")) == "12.50"
    assert json_safe(uuid.UUID(int=1)) == "00000000-0000-0000-0000-000000000001"
    assert json_safe(b"\x00\x01") == "<2 bytes>"
    assert json_safe(float("inf")) == "inf"
    assert json_safe("a\x00b") == "ab"
    assert json_safe({3, 1, 2}) == [1, 2, 3]
    assert json_safe(OrganisationKind.TOWN) == "town"
    assert json_safe(dt.timedelta(minutes=2)) == 120.0
    long = json_safe("x" * 5000)
    assert len(long) == 1001 and long.endswith("…")


def test_values_that_postgres_rewrites_still_hash_the_same(mark):
    tricky = {
        "big": [1e20, 2.5],  # jsonb hands 1e20 back as an integer
        "nested": {"b": [None, "台风“山竹”🌀"], "a": 0.1},
        "n": [-0.0, 3],
    }
    with audit_context(ip="::ffff:192.0.2.1"):  # PostgreSQL spells this differently from Python
        entry = audit_record(action=AuditAction.VIEW, changes=tricky, message="“引号” and emoji 🌀")
    stored = AuditEntry.objects.filter(pk=entry.pk).values(*HASHED_FIELDS, "hash").get()
    assert entry_hash(stored) == stored["hash"] == entry.hash
    assert audit_verify() == []


def test_the_hash_depends_on_the_key(settings, mark):
    entry = audit_record(action=AuditAction.VIEW)
    stored = AuditEntry.objects.filter(pk=entry.pk).values(*HASHED_FIELDS, "hash").get()
    settings.AUDIT_HMAC_KEY = "another-key-" * 4
    assert entry_hash(stored) != entry.hash
    assert any(p.entry_id == entry.pk for p in audit_verify())
