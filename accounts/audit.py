"""Automatic audit of model writes, and the hooks that tell the audit log which interface is acting.

``audit_register(model)`` makes every save and delete of ``model`` (and changes to its plain
many-to-many fields) leave an audit entry with the changed fields as ``{field: [old, new]}``. Apps
register their models from their own ``AppConfig.ready()``::

    from accounts.audit import audit_register
    audit_register(Incident, exclude=["search_vector"], secret=["api_token"])

``exclude`` drops fields from the record (derived or noisy fields); ``secret`` records that the field
changed but hides both values as "***". Fields called ``password`` and encrypted fields are secret
without being named. Geometries are summarised (type, point count, rounded bounding box).

Limits, by design of Django signals: ``QuerySet.update()``, ``bulk_create()``/``bulk_update()`` and raw
SQL send no signals, so services that use them must call ``audit_record`` themselves.

``audit_setup()`` (run once from ``AccountsConfig.ready()``) registers the accounts models and
``geo.AdminArea``, wraps ``BaseCommand.execute`` so management commands act as "command" with the OS
user as actor, and connects Celery's task signals so tasks act as "task".
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import enum
import getpass
import os
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from celery.signals import task_postrun, task_prerun
from django.apps import apps
from django.contrib.gis.db.models import GeometryField
from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.db import connections, models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.db.utils import DatabaseError

from accounts.audit_context import (
    AuditContext,
    audit_context,
    get_audit_context,
    pop_audit_context,
    push_audit_context,
)
from accounts.choices import AuditAction, AuditInterface
from accounts.models import Organisation, Role, RoleAssignment, User
from accounts.services.audit import audit_record

HIDDEN = "***"
# Long text would bloat the log; the start is enough to see what changed.
MAX_TEXT = 1000
ALWAYS_SECRET_NAMES = frozenset({"password"})
# Commands that serve requests for hours: their requests and consumers set their own context, and
# anything else they do is not an operator's command.
SERVER_COMMANDS = frozenset({"runserver", "runworker", "testserver"})
# Lets ``manage.py flush`` (and so Django's TransactionTestCase) truncate the log; see migration 0003.
TRUNCATE_SETTING = "accounts.audit_truncate"


@dataclass(frozen=True)
class _Registration:
    exclude: frozenset[str]
    secret: frozenset[str]


_registry: dict[type[models.Model], _Registration] = {}


def audit_register(
    model: type[models.Model], *, exclude: Iterable[str] = (), secret: Iterable[str] = ()
) -> None:
    """Audit every create, update and delete of ``model``. Registering again replaces the options."""
    _registry[model._meta.concrete_model or model] = _Registration(
        exclude=frozenset(exclude), secret=frozenset(secret)
    )
    _connect_receivers()


def _connect_receivers() -> None:
    # Connected for every sender and filtered by the registry: a proxy model's save is sent with the
    # proxy as sender, and a per-sender connection would miss it. The lookup costs a dict access.
    pre_save.connect(_pre_save, dispatch_uid="accounts.audit.pre_save")
    post_save.connect(_post_save, dispatch_uid="accounts.audit.post_save")
    post_delete.connect(_post_delete, dispatch_uid="accounts.audit.post_delete")
    m2m_changed.connect(_m2m_changed, dispatch_uid="accounts.audit.m2m_changed")


def audit_registered(model: type[models.Model]) -> bool:
    return (model._meta.concrete_model or model) in _registry


# --- Turning field values into JSON -------------------------------------------------------------


def _is_geometry(field: models.Field) -> bool:
    return isinstance(field, GeometryField)


def _is_secret(field: models.Field, registration: _Registration) -> bool:
    return (
        field.name in ALWAYS_SECRET_NAMES
        or field.name in registration.secret
        # SM4-encrypted personal data (phone, ID numbers) must not reappear in clear in the log.
        or "encrypted" in type(field).__name__.lower()
    )


def _geometry_summary(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    geom = value if isinstance(value, GEOSGeometry) else GEOSGeometry(value)
    return {
        "type": geom.geom_type,
        "points": geom.num_points,
        "srid": geom.srid,
        "bbox": [round(c, 5) for c in geom.extent] if not geom.empty else None,
    }


def json_safe(value: Any) -> Any:
    """A value the audit log can store in jsonb and read back unchanged."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, enum.Enum):
        return json_safe(value.value)
    if isinstance(value, str):
        text = value.replace("\x00", "")  # jsonb refuses NUL
        return text if len(text) <= MAX_TEXT else text[:MAX_TEXT] + "…"
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else str(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return f"<{len(bytes(value))} bytes>"
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [json_safe(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    if hasattr(value, "name") and hasattr(value, "storage"):  # FieldFile
        return value.name or None
    return str(value)


def _comparable(field: models.Field, value: Any) -> Any:
    """Make an in-memory value comparable with the same column read from the database (a form may
    leave a Decimal as text, a geometry may be assigned as WKT)."""
    if value is None:
        return None
    if _is_geometry(field):
        geom = value if isinstance(value, GEOSGeometry) else GEOSGeometry(value)
        return bytes(geom.ewkb)
    target = field.target_field if field.is_relation else field
    try:
        return target.to_python(value)
    except (ValidationError, TypeError, ValueError):
        # A value the field cannot parse is compared as it is.
        return value


def _audited_fields(model: type[models.Model], registration: _Registration) -> list[models.Field]:
    return [
        field
        for field in model._meta.concrete_fields
        if not field.primary_key
        and field.name not in registration.exclude
        # auto_now(_add) timestamps change on every save and repeat the entry's own time.
        and not getattr(field, "auto_now", False)
        and not getattr(field, "auto_now_add", False)
    ]


def _record_value(field: models.Field, value: Any) -> Any:
    if _is_geometry(field):
        return _geometry_summary(value)
    return json_safe(value)


def _registration_for(sender: type[models.Model]) -> _Registration | None:
    return _registry.get(sender._meta.concrete_model or sender)


# --- Receivers ----------------------------------------------------------------------------------


def _pre_save(sender, instance, raw=False, using=None, update_fields=None, **kwargs) -> None:
    registration = _registration_for(sender)
    if registration is None:
        return
    # Fixture loads (raw) are audited too: they change data like any other write.
    instance._audit_old = None
    if instance.pk is None:
        return
    fields = _audited_fields(sender, registration)
    if update_fields is not None:
        fields = [f for f in fields if f.name in update_fields or f.attname in update_fields]
    if not fields:
        instance._audit_old = {}
        return
    # values() gives raw column values (FK ids, GEOS geometries) without building a model instance.
    old = (
        sender._base_manager.using(using).filter(pk=instance.pk).values(*[f.attname for f in fields]).first()
    )
    instance._audit_old = old  # None: a new row with a preset primary key


def _change(field, registration, before: Any, after: Any) -> list[Any]:
    """The recorded ``[old, new]`` pair of one field; a missing side (create, delete) is None."""
    if _is_secret(field, registration):
        return [HIDDEN, HIDDEN]
    return [
        None if before is None else _record_value(field, before),
        None if after is None else _record_value(field, after),
    ]


def _post_save(sender, instance, created, raw=False, using=None, update_fields=None, **kwargs) -> None:
    registration = _registration_for(sender)
    if registration is None:
        return
    old = getattr(instance, "_audit_old", None)
    instance._audit_old = None
    fields = _audited_fields(sender, registration)
    changes: dict[str, list[Any]] = {}
    if created or old is None:
        for field in fields:
            new = getattr(instance, field.attname)
            if new is None:
                continue
            changes[field.name] = _change(field, registration, None, new)
        audit_record(action=AuditAction.CREATE, instance=instance, changes=changes)
        return
    for field in fields:
        if field.attname not in old:
            continue  # not among update_fields
        before, after = old[field.attname], getattr(instance, field.attname)
        if _comparable(field, before) == _comparable(field, after):
            continue
        changes[field.name] = _change(field, registration, before, after)
    if changes:  # a save that changed nothing is not an event
        audit_record(action=AuditAction.UPDATE, instance=instance, changes=changes)


def _post_delete(sender, instance, using=None, origin=None, **kwargs) -> None:
    registration = _registration_for(sender)
    if registration is None:
        return
    changes: dict[str, list[Any]] = {}
    for field in _audited_fields(sender, registration):
        value = getattr(instance, field.attname)
        if value is None:
            continue
        changes[field.name] = _change(field, registration, value, None)
    audit_record(action=AuditAction.DELETE, instance=instance, changes=changes)


def _m2m_field(
    through: type[models.Model], model: type[models.Model], registration: _Registration
) -> models.ManyToManyField | None:
    """The registered model's plain (auto-created through) M2M field that ``through`` belongs to."""
    for field in model._meta.many_to_many:
        if (
            field.remote_field.through is through
            and through._meta.auto_created
            and field.name not in registration.exclude
        ):
            return field
    return None


def _m2m_links(through: type[models.Model], source: str, target: str, owners: Iterable[Any]) -> dict:
    links: dict[Any, set[Any]] = {owner: set() for owner in owners}
    rows = through._base_manager.filter(**{f"{source}__in": list(links)}).values_list(source, target)
    for owner, linked in rows:
        links[owner].add(linked)
    return links


def _m2m_changed(sender, instance, action, reverse, model, pk_set, using=None, **kwargs) -> None:
    """Plain many-to-many changes as ``{field: [old pks, new pks]}`` on the registered side.

    Compares the through table before and after, so add, remove, clear and reverse-side changes all
    come out the same way.
    """
    if action not in {"pre_add", "pre_remove", "pre_clear", "post_add", "post_remove", "post_clear"}:
        return
    owner_model = model if reverse else type(instance)
    registration = _registration_for(owner_model)
    if registration is None:
        return
    field = _m2m_field(sender, owner_model, registration)
    if field is None:
        return
    source = f"{field.m2m_field_name()}_id"
    target = f"{field.m2m_reverse_field_name()}_id"
    state_key = f"_audit_m2m_{field.name}"
    if action.startswith("pre_"):
        if reverse:
            owners = (
                list(pk_set)
                if pk_set is not None
                else list(sender._base_manager.filter(**{target: instance.pk}).values_list(source, flat=True))
            )
        else:
            owners = [instance.pk]
        setattr(instance, state_key, _m2m_links(sender, source, target, owners))
        return
    before = getattr(instance, state_key, None)
    if before is None:
        return
    setattr(instance, state_key, None)
    after = _m2m_links(sender, source, target, before)
    changed = [owner for owner in before if before[owner] != after[owner]]
    if not changed:
        return
    owners = owner_model._base_manager.in_bulk(changed) if reverse else {instance.pk: instance}
    for owner_pk in changed:
        owner = owners.get(owner_pk)
        if owner is None:
            continue
        if _is_secret(field, registration):
            value = [HIDDEN, HIDDEN]
        else:
            value = [sorted(before[owner_pk], key=repr), sorted(after[owner_pk], key=repr)]
            value = [json_safe(value[0]), json_safe(value[1])]
        audit_record(action=AuditAction.UPDATE, instance=owner, changes={field.name: value})


# --- Management commands and Celery tasks -------------------------------------------------------


def os_username() -> str:
    try:
        return f"os:{getpass.getuser()}"
    except (KeyError, OSError):
        # A container user without a passwd entry.
        return f"os:uid{os.getuid()}"


def _command_name(command: BaseCommand) -> str:
    return type(command).__module__.rsplit(".", 1)[-1]


def _inherit_person(outer: AuditContext) -> bool:
    """A command or an eager task started inside a request or an explicit context acts for that
    person; one started from a shell or by the worker has nobody but the OS user or the task."""
    return outer.actor is not None or outer.request is not None


def _set_truncate_allowed(using: str, allowed: bool) -> None:
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, false)", [TRUNCATE_SETTING, "on" if allowed else "off"])


def _wrap_command_execute() -> None:
    if getattr(BaseCommand.execute, "_audit_wrapped", False):
        return
    original = BaseCommand.execute

    def execute(self: BaseCommand, *args: Any, **options: Any) -> Any:
        name = _command_name(self)
        if name in SERVER_COMMANDS:
            return original(self, *args, **options)
        outer = get_audit_context()
        person = (
            {}
            if _inherit_person(outer)
            else {"actor": None, "request": None, "ip": None, "username": os_username()}
        )
        with audit_context(interface=AuditInterface.COMMAND, note=f"command {name}", **person):
            if name != "flush":
                return original(self, *args, **options)
            # flush wipes every table on purpose (and Django's TransactionTestCase runs it after each
            # test); the append-only trigger lets TRUNCATE through only when this session says so.
            using = options.get("database") or "default"
            _set_truncate_allowed(using, True)
            try:
                return original(self, *args, **options)
            finally:
                # In an aborted transaction this fails, and the rollback undoes the setting anyway.
                with contextlib.suppress(DatabaseError):
                    _set_truncate_allowed(using, False)

    execute._audit_wrapped = True  # type: ignore[attr-defined]
    BaseCommand.execute = execute  # type: ignore[method-assign]


_task_tokens: dict[str, object] = {}


def _task_prerun(sender=None, task_id=None, task=None, **kwargs) -> None:
    name = getattr(task, "name", None) or getattr(sender, "name", "") or "?"
    outer = get_audit_context()
    if _inherit_person(outer):
        context = replace(outer, interface=AuditInterface.TASK, note=f"task {name}")
    else:
        context = AuditContext(
            interface=AuditInterface.TASK, username=f"task:{name}"[:150], note=f"task {name}"
        )
    _task_tokens[task_id] = push_audit_context(context)


def _task_postrun(sender=None, task_id=None, **kwargs) -> None:
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        pop_audit_context(token)


def _connect_celery() -> None:
    task_prerun.connect(_task_prerun, weak=False, dispatch_uid="accounts.audit.task_prerun")
    task_postrun.connect(_task_postrun, weak=False, dispatch_uid="accounts.audit.task_postrun")


def audit_setup() -> None:
    """Run when ``AccountsConfig.ready()`` imports this module (below). Safe to call again."""
    # last_login changes at every login, which the login entries already record; the lockout fields
    # are security-relevant and stay.
    audit_register(User, exclude=["last_login"])
    audit_register(Organisation)
    audit_register(Role)
    audit_register(RoleAssignment)
    # accounts must not import the gis package (dependencies point one way): look the model up.
    if apps.is_installed("gis"):
        audit_register(apps.get_model("geo", "AdminArea"))
    _wrap_command_execute()
    _connect_celery()


# AccountsConfig.ready() imports this module, the way it imports accounts.signals; importing it before
# the app registry is ready fails loudly here rather than leaving writes unaudited.
audit_setup()
