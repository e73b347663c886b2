"""Writes on sources that are not plain edits: push tokens, pulls on demand, pushed payloads."""

from __future__ import annotations

import hmac
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.choices import AuditAction
from accounts.models import User
from accounts.services.audit import audit_record
from core.crypto import sm3_hex
from ingest import conf
from ingest.choices import PULL_TRANSPORTS, RunTrigger, Transport
from ingest.models import Run, Source
from ingest.services.runs import run_open, run_process
from ingest.tasks import ingest_pull_source

TOKEN_BYTES = 32


@transaction.atomic
def source_push_token_issue(*, source: Source, user: User | None = None) -> str:
    """Give the source a new push token and return it; only its SM3 hash is stored, so this is the
    only time anyone sees it. The previous token stops working at once."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    Source.objects.filter(pk=source.pk).update(
        push_token_hash=sm3_hex(token.encode()), push_token_hint=token[:6]
    )
    source.refresh_from_db(fields=["push_token_hash", "push_token_hint"])
    audit_record(
        action=AuditAction.UPDATE,
        instance=source,
        changes={"push_token_hash": ["***", "***"]},
        message="push token issued",
        actor=user,
    )
    return token


def source_push_token_matches(*, source: Source, token: str) -> bool:
    if not source.push_token_hash or not token:
        return False
    return hmac.compare_digest(source.push_token_hash, sm3_hex(token.encode()))


def source_pull_now(*, source: Source, user: User) -> None:
    """Queue a pull of a pull source outside its schedule."""
    if not user.has_perm("ingest.pull_source"):
        raise PermissionDenied(_("You may not start pulls."))
    if source.transport not in PULL_TRANSPORTS:
        raise ValidationError(_("%(name)s is fed by push; it cannot be pulled.") % {"name": source.name})
    transaction.on_commit(lambda: ingest_pull_source.delay(source_id=source.pk, trigger=RunTrigger.MANUAL))


def source_push(*, source: Source, payload: bytes, content_type: str = "", user: User | None = None) -> Run:
    """Ingest a payload pushed to us, exactly like a pulled one (run record, quarantine, health).

    The caller has authenticated the pusher (a session with ``ingest.push_to_source`` or the
    source's push token).
    """
    if source.transport != Transport.PUSH:
        raise ValidationError(_("%(name)s does not accept pushes.") % {"name": source.name})
    if not source.enabled:
        raise ValidationError(_("%(name)s is disabled.") % {"name": source.name})
    if len(payload) > conf.max_payload_bytes():
        raise ValidationError(
            _("The payload is larger than %(limit)s bytes.") % {"limit": conf.max_payload_bytes()}
        )
    who = (
        user.get_username()
        if user is not None and user.is_authenticated
        else _("push token %(hint)s…") % {"hint": source.push_token_hint}
    )
    run = run_open(
        source=source,
        adapter=source.adapter,
        trigger=RunTrigger.PUSH,
        origin=_("pushed by %(who)s") % {"who": who},
        user=user,
    )
    return run_process(run=run, payload=payload, content_type=content_type)
