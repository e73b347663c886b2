"""Who may push to a source: the source's own push token, or a signed-in user with
``ingest.push_to_source`` (API keys for other bureaus' systems arrive with the API-key issue)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import BasePermission

from ingest.models import Source
from ingest.services.sources import source_push_token_matches

TOKEN_HEADER = "HTTP_X_INGEST_TOKEN"  # noqa: S105  (a header name, not a secret)


class PushTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer <token>`` (or ``X-Ingest-Token: <token>``) for the source in the URL.

    It authenticates the source, not a person: ``request.auth`` is the Source, the user is anonymous.
    """

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        token = (
            header[7:].strip()
            if header[:7].lower() == "bearer "
            else request.META.get(TOKEN_HEADER, "").strip()
        )
        if not token:
            return None
        slug = (request.parser_context or {}).get("kwargs", {}).get("slug", "")
        source = Source.objects.filter(slug=slug).first()
        if source is None or not source_push_token_matches(source=source, token=token):
            raise AuthenticationFailed(_("Invalid push token for this source."))
        return AnonymousUser(), source

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="ingest"'


class CanPushToSource(BasePermission):
    def has_permission(self, request, view) -> bool:
        if isinstance(request.auth, Source):
            return request.auth.slug == view.kwargs.get("slug")
        return bool(
            request.user and request.user.is_authenticated and request.user.has_perm("ingest.push_to_source")
        )
