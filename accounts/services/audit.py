"""Writing the audit log: one append-only, HMAC-SM3 hash-chained table (等保 安全审计, DOMAIN.md §4.1, §4.3).

Each entry's hash covers every field, its own id and the previous entry's hash, keyed with
``settings.AUDIT_HMAC_KEY``. Changing, inserting or deleting an entry in the database therefore breaks
the chain in a way ``accounts.selectors.audit.audit_verify`` reports, unless the attacker also holds
the key, which is kept outside the database for that reason.

Writers are serialised with a transaction-level advisory lock: the chain needs a total order, and the
lock is held until the surrounding transaction ends, so a second writer reads the tip only after the
first writer's entry is committed (or rolled back, in which case its entry never existed).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import connections, models, router, transaction
from django.utils import timezone

from accounts.audit_context import get_audit_context, normalise_ip, resolve_actor
from accounts.models import AuditEntry
from core.crypto import hmac_sm3_hex

if TYPE_CHECKING:
    from accounts.models import User

GENESIS_HASH = "0" * 64
# Any constant works as long as nothing else in the database uses it: "audit" in ASCII.
AUDIT_LOCK_KEY = 0x6175646974

# The fields the hash covers, in no particular order (the canonical JSON sorts them).
HASHED_FIELDS = (
    "id",
    "at",
    "actor_id",
    "actor_username",
    "interface",
    "ip",
    "action",
    "success",
    "app_label",
    "model",
    "object_id",
    "object_repr",
    "changes",
    "message",
    "prev_hash",
)


def _canonical_value(value: Any) -> Any:
    """Normalise a value so that what PostgreSQL hands back hashes the same as what was written.

    jsonb keeps numbers as ``numeric``: a float 1e20 comes back as the integer 100000000000000000000,
    so integral floats are hashed as integers. Key order is fixed by ``sort_keys``.
    """
    if isinstance(value, dict):
        return {str(key): _canonical_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical_value(item) for item in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def canonical_json(fields: dict[str, Any]) -> str:
    """The exact text that is hashed for one entry, from its field values (as written or as read)."""
    at = fields["at"]
    if not isinstance(at, dt.datetime) or at.tzinfo is None:
        raise ValueError("audit entries need an aware datetime")
    data = {name: fields[name] for name in HASHED_FIELDS}
    # PostgreSQL keeps microseconds and hands timestamptz back in UTC: write exactly that.
    data["at"] = at.astimezone(dt.UTC).isoformat(timespec="microseconds")
    # inet comes back in PostgreSQL's spelling (e.g. "::ffff:1.2.3.4"); parse both sides the same way.
    data["ip"] = normalise_ip(fields["ip"])
    data["actor_id"] = None if fields["actor_id"] is None else int(fields["actor_id"])
    data["id"] = int(fields["id"])
    data["success"] = bool(fields["success"])
    data["changes"] = _canonical_value(fields["changes"] or {})
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def entry_hash(fields: dict[str, Any]) -> str:
    key = settings.AUDIT_HMAC_KEY
    key_bytes = key.encode("utf-8") if isinstance(key, str) else bytes(key)
    return hmac_sm3_hex(key_bytes, canonical_json(fields).encode("utf-8"))


def _object_repr(instance: models.Model) -> str:
    try:
        return str(instance)
    except ObjectDoesNotExist:
        # A deleted object whose __str__ follows a relation that is already gone.
        return f"{instance._meta.verbose_name} {instance.pk}"


def audit_record(
    *,
    action: str,
    instance: models.Model | None = None,
    changes: dict | None = None,
    success: bool = True,
    message: str = "",
    actor: User | None = None,
    username: str = "",
) -> AuditEntry:
    """Append one entry to the audit log and return it.

    ``actor`` defaults to the acting user of the audit context (the request's user, if any).
    ``username`` names the actor when there is no user (a failed login of an unknown name), falling
    back to the context's name ("os:root" for a command). ``changes`` must be JSON-safe; model
    changes come from ``accounts.audit`` as ``{field: [old, new]}``.
    """
    context = get_audit_context()
    if actor is None:
        actor = resolve_actor(context)
    if actor is not None:
        actor_id: int | None = actor.pk
        actor_username = actor.get_username()
    else:
        actor_id = None
        actor_username = username or context.username

    fields: dict[str, Any] = {
        "actor_id": actor_id,
        "actor_username": actor_username[:150],
        "interface": context.interface,
        "ip": normalise_ip(context.ip),
        "action": str(action),
        "success": bool(success),
        "app_label": instance._meta.app_label if instance is not None else "",
        "model": instance._meta.model_name if instance is not None else "",
        "object_id": str(instance.pk)[:64] if instance is not None and instance.pk is not None else "",
        "object_repr": _object_repr(instance)[:200] if instance is not None else "",
        "changes": changes or {},
        "message": str(message or context.note)[:500],
    }

    using = router.db_for_write(AuditEntry)
    with transaction.atomic(using=using):
        with connections[using].cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_LOCK_KEY])
            # The id is taken before the insert so that it is part of the hashed content: moving an
            # entry to another id breaks its hash.
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [AuditEntry._meta.db_table])
            (entry_id,) = cursor.fetchone()
        prev_hash = (
            AuditEntry.objects.using(using).order_by("-id").values_list("hash", flat=True).first()
            or GENESIS_HASH
        )
        # Taken under the lock, so times never run backwards along the chain.
        fields.update(id=entry_id, at=timezone.now(), prev_hash=prev_hash)
        fields["hash"] = entry_hash(fields)
        entry = AuditEntry(**fields)
        entry.save(using=using, force_insert=True)
    return entry
