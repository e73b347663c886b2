"""API keys for other bureaus' systems: issued once in clear, stored as an SM3 hash, revocable.

A key reads ``cck_<prefix>_<secret>``. The prefix finds the row; the hash of the whole key is compared
in constant time. Each key has its own service user (organisation = the key's, role = API client), so
the organisation scope and role permissions apply to it as to any person.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit_context import audit_context
from accounts.choices import AuditAction, RoleCode
from accounts.models import ApiKey, ApiKeyScope, Organisation, User
from accounts.services.audit import audit_record
from accounts.services.roles import role_assign
from core.crypto import sm3_hex

KEY_PREFIX = "cck"


def api_key_hash(raw: str) -> str:
    return sm3_hex(raw.encode("utf-8"))


@transaction.atomic
def api_key_create(
    *, name: str, organisation: Organisation, scopes: Iterable[str], created_by: User | None = None
) -> tuple[ApiKey, str]:
    """Issue a key; returns the row and the clear key, which is shown once and never stored."""
    scopes = list(dict.fromkeys(scopes))
    unknown = [s for s in scopes if s not in ApiKeyScope.values]
    if unknown:
        raise ValidationError({"scopes": _("Unknown scope %(scope)s.") % {"scope": unknown[0]}})
    if not scopes:
        raise ValidationError({"scopes": _("A key needs at least one scope.")})
    prefix = secrets.token_hex(6)
    raw = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    with audit_context(actor=created_by):
        user = User(username=f"apikey-{prefix}", organisation=organisation, first_name=name[:150])
        user.set_unusable_password()
        user.save()
        role_assign(user=user, role_code=RoleCode.API_CLIENT, granted_by=created_by)
        key = ApiKey.objects.create(
            name=name,
            organisation=organisation,
            user=user,
            prefix=prefix,
            hashed=api_key_hash(raw),
            scopes=scopes,
            created_by=created_by,
        )
    return key, raw


@transaction.atomic
def api_key_revoke(*, key: ApiKey, by: User | None = None) -> ApiKey:
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        with audit_context(actor=by):
            key.save(update_fields=["revoked_at"])
            key.user.is_active = False
            key.user.save(update_fields=["is_active"])
    return key


def api_key_check(*, raw: str) -> ApiKey | None:
    """The live key matching ``raw``, or None (unknown, wrong secret, revoked or expired)."""
    parts = raw.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        return None
    key = ApiKey.objects.select_related("user", "organisation").filter(prefix=parts[1]).first()
    if key is None or not hmac.compare_digest(key.hashed, api_key_hash(raw)):
        return None
    if key.revoked_at is not None or (key.expires_at is not None and key.expires_at <= timezone.now()):
        return None
    return key


def api_key_record_use(*, key: ApiKey, method: str, path: str) -> None:
    """Audit one use of a key (every authenticated request) and remember when it was last used."""
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
    audit_record(
        action=AuditAction.API_KEY_USED, instance=key, actor=key.user, message=f"{method} {path}"[:500]
    )


def api_key_record_refused(*, raw: str, path: str) -> None:
    """Audit a refused key (unknown, revoked or expired), naming only its public prefix."""
    parts = raw.split("_", 2)
    prefix = parts[1][:16] if len(parts) == 3 else "?"
    audit_record(
        action=AuditAction.API_KEY_USED,
        success=False,
        username=f"apikey-{prefix}",
        message=f"refused {path}"[:500],
    )
