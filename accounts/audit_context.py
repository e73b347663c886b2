"""Who is acting, from where and through which interface: the context every audit entry is stamped with.

The context lives in a ``ContextVar`` so it follows the code that runs on behalf of one request, command
or task: across ``await`` in ASGI views, and into ``sync_to_async`` threads (asgiref copies the context).
It is set by ``AuditContextMiddleware`` for requests, by the ``BaseCommand.execute`` wrapper for
management commands and by Celery's task signals for tasks (see ``accounts.audit.audit_setup``).
Nothing set means the "system" interface.

The actor is resolved lazily from the request at record time, not when the request starts: a login
during the request, and DRF authentication (which sets ``request._request.user`` inside the view), both
happen after the middleware ran.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from accounts.choices import AuditInterface

if TYPE_CHECKING:
    from django.http import HttpRequest

    from accounts.models import User


@dataclass(frozen=True)
class AuditContext:
    interface: str = AuditInterface.SYSTEM
    ip: str | None = None
    # An explicit actor wins over the request's user.
    actor: User | None = None
    # Shown as the actor when there is no user: "os:root" for commands, "task:<name>" for tasks.
    username: str = ""
    request: HttpRequest | None = None
    # Where the change came from beyond the interface (command or task name); becomes the entry's
    # message when the caller gives none.
    note: str = ""


_DEFAULT = AuditContext()
_current: ContextVar[AuditContext] = ContextVar("accounts_audit_context", default=_DEFAULT)

# Distinguishes "not given" (inherit from the enclosing context) from an explicit None.
_INHERIT: Any = object()


def get_audit_context() -> AuditContext:
    return _current.get()


@contextmanager
def audit_context(
    *,
    interface: str = _INHERIT,
    ip: str | None = _INHERIT,
    actor: User | None = _INHERIT,
    username: str = _INHERIT,
    request: HttpRequest | None = _INHERIT,
    note: str = _INHERIT,
) -> Iterator[AuditContext]:
    """Set the audit context for the block. Arguments not given are inherited from the enclosing one,
    so a task can say ``audit_context(actor=user)`` and stay on the "task" interface."""
    given = {
        "interface": interface,
        "ip": ip,
        "actor": actor,
        "username": username,
        "request": request,
        "note": note,
    }
    context = replace(_current.get(), **{k: v for k, v in given.items() if v is not _INHERIT})
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


def push_audit_context(context: AuditContext) -> object:
    """Set the context without a ``with`` block (for signal pairs like Celery's task_prerun/postrun).
    Returns a token for ``pop_audit_context``."""
    return _current.set(context)


def pop_audit_context(token: object) -> None:
    try:
        _current.reset(token)  # type: ignore[arg-type]
    except ValueError:
        # The token came from another Context (a pool that runs postrun elsewhere): fall back to
        # the default rather than leak the task's context into whatever runs next.
        _current.set(_DEFAULT)


def resolve_actor(context: AuditContext | None = None) -> User | None:
    """The acting user now: the explicit actor, else the request's authenticated user, else None."""
    context = context or _current.get()
    if context.actor is not None:
        return context.actor
    if context.request is None:
        return None
    user = getattr(context.request, "user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        return user
    return None


def normalise_ip(value: str | None) -> str | None:
    """A valid address in canonical text, or None (GenericIPAddressField and the hash need both)."""
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def _in_networks(address: str, networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network]) -> bool:
    parsed = ipaddress.ip_address(address)
    return any(parsed in network for network in networks)


def client_ip(meta: dict[str, Any], trusted_proxies: Iterable[str]) -> str | None:
    """The client address: REMOTE_ADDR, unless that is a trusted proxy, in which case the right-most
    X-Forwarded-For address that is not a trusted proxy.

    Only the right-most untrusted hop is believable: anything left of it was written by the client.
    ``trusted_proxies`` holds addresses or networks ("10.0.0.5", "10.0.0.0/8").
    """
    remote = normalise_ip(meta.get("REMOTE_ADDR"))
    networks = []
    for entry in trusted_proxies:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            continue
    if remote is None or not _in_networks(remote, networks):
        return remote
    hops = [part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    for raw in reversed(hops):
        hop = normalise_ip(raw)
        if hop is None:
            # Garbage where an address should be: nothing left of it can be trusted either.
            return None
        if not _in_networks(hop, networks):
            return hop
    # No header, or every hop is one of our proxies: the left-most is the closest thing to a client.
    return normalise_ip(hops[0]) if hops else remote
