"""DRF authentication with API keys, and the permission that holds a key to its scopes.

Send ``Authorization: Api-Key cck_…`` (or ``X-Api-Key: cck_…``). Views say which scope their reads and
writes need with ``api_key_scopes = {"read": "...", "write": "..."}``; a key may not use a view that
declares none. Session users are not affected by scopes.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions, permissions

from accounts.models import ApiKey
from accounts.services.api_keys import api_key_check, api_key_record_refused, api_key_record_use

KEYWORD = "Api-Key"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        raw = request.META.get("HTTP_X_API_KEY", "")
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not raw and header.startswith(KEYWORD + " "):
            raw = header[len(KEYWORD) + 1 :].strip()
        if not raw:
            return None
        key = api_key_check(raw=raw)
        if key is None or not key.user.is_active:
            api_key_record_refused(raw=raw, path=request.path)
            raise exceptions.AuthenticationFailed(_("The API key is unknown, revoked or expired."))
        api_key_record_use(key=key, method=request.method, path=request.get_full_path())
        return key.user, key

    def authenticate_header(self, request):
        return KEYWORD


class ApiKeyScopes(permissions.BasePermission):
    message = _("This API key's scopes do not allow this request.")

    def has_permission(self, request, view):
        key = request.auth
        if not isinstance(key, ApiKey):
            return True
        needed = getattr(view, "api_key_scopes", {}).get(
            "read" if request.method in permissions.SAFE_METHODS else "write"
        )
        return needed is not None and needed in key.scopes


try:
    from drf_spectacular.extensions import OpenApiAuthenticationExtension

    class ApiKeyScheme(OpenApiAuthenticationExtension):
        target_class = "accounts.authentication.ApiKeyAuthentication"
        name = "apiKey"

        def get_security_definition(self, auto_schema):
            return {
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "description": "Api-Key cck_<prefix>_<secret>",
            }
except ImportError:  # pragma: no cover  (drf-spectacular is a dependency; keep auth usable without it)
    pass
