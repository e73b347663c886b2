"""Stamps every request with its audit context: interface, client address and the request itself.

The user is deliberately not read here: it is resolved from ``request.user`` when an entry is recorded
(see ``accounts.audit_context.resolve_actor``), so logins and DRF authentication later in the request
are picked up.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

from accounts.audit_context import audit_context, client_ip
from accounts.choices import AuditInterface


def request_interface(path: str) -> str:
    if path.startswith("/admin/"):
        return AuditInterface.ADMIN
    if path.startswith("/api/"):
        return AuditInterface.API
    return AuditInterface.WEB


def request_audit_context(request: HttpRequest) -> dict[str, Any]:
    """Every field is set, so nothing leaks in from an enclosing context (a dev server started by a
    management command would otherwise stamp requests with the command's OS user)."""
    return {
        "interface": request_interface(request.path_info),
        "ip": client_ip(request.META, getattr(settings, "AUDIT_TRUSTED_PROXIES", [])),
        "actor": None,
        "username": "",
        "request": request,
        "note": "",
    }


class AuditContextMiddleware:
    sync_capable = True
    async_capable = True

    def __init__(
        self, get_response: Callable[[HttpRequest], HttpResponseBase | Awaitable[HttpResponseBase]]
    ) -> None:
        self.get_response = get_response
        self.async_mode = iscoroutinefunction(get_response)
        if self.async_mode:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        if self.async_mode:
            return self.__acall__(request)
        with audit_context(**request_audit_context(request)):
            return self.get_response(request)

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        with audit_context(**request_audit_context(request)):
            return await self.get_response(request)  # type: ignore[misc]
