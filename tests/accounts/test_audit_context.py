"""Who, from where and through which interface: the request middleware and the audit context."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync, iscoroutinefunction, sync_to_async
from django.contrib.auth import login
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.authentication import BaseAuthentication
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from accounts.audit_context import audit_context, client_ip, get_audit_context, resolve_actor
from accounts.choices import AuditAction, AuditInterface, OrganisationKind
from accounts.middleware import AuditContextMiddleware, request_interface
from accounts.models import AuditEntry, User
from accounts.services.audit import audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Reasons and messages are compared as their English msgids; the default language is Chinese."""
    with translation.override("en"):
        yield


PASSWORD = "Ctx-test-pass-2026"


@pytest.fixture
def mark() -> int:
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


@pytest.fixture
def alice() -> User:
    return User.objects.create_user("alice", password=PASSWORD, password_changed_at=timezone.now())


def entries_after(mark: int, **filters) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(id__gt=mark, **filters).order_by("id"))


# --- Interface and address ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "interface"),
    [
        ("/admin/", "admin"),
        ("/admin/accounts/user/", "admin"),
        ("/api/v1/warnings/", "api"),
        ("/", "web"),
        ("/administration/", "web"),
        ("/apiary/", "web"),
    ],
)
def test_interface_follows_the_path(path, interface):
    assert request_interface(path) == interface


@pytest.mark.parametrize(
    ("meta", "trusted", "expected"),
    [
        # No trusted proxy: the header is the client's word and is ignored.
        ({"REMOTE_ADDR": "203.0.113.9", "HTTP_X_FORWARDED_FOR": "1.1.1.1"}, [], "203.0.113.9"),
        # From our proxy: the right-most address the proxy appended, not what the client wrote.
        (
            {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 198.51.100.7"},
            ["10.0.0.1"],
            "198.51.100.7",
        ),
        # A chain of our proxies (given as a network) is skipped from the right.
        (
            {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.7, 10.0.0.2"},
            ["10.0.0.0/8"],
            "198.51.100.7",
        ),
        # A proxy address that is not trusted: REMOTE_ADDR, whatever the header says.
        ({"REMOTE_ADDR": "10.0.0.9", "HTTP_X_FORWARDED_FOR": "1.1.1.1"}, ["10.0.0.1"], "10.0.0.9"),
        # Garbage in the header: unknown rather than a guess.
        ({"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "1.1.1.1, unknown"}, ["10.0.0.1"], None),
        # Trusted proxy without the header: the proxy's own address.
        ({"REMOTE_ADDR": "10.0.0.1"}, ["10.0.0.1"], "10.0.0.1"),
        ({"REMOTE_ADDR": "2001:DB8::1"}, [], "2001:db8::1"),
        ({"REMOTE_ADDR": "not-an-ip"}, [], None),
        ({}, [], None),
    ],
)
def test_client_ip(meta, trusted, expected):
    assert client_ip(meta, trusted) == expected


def test_the_forwarded_address_reaches_the_entry_behind_a_trusted_proxy(client, alice, mark, settings):
    settings.AUDIT_TRUSTED_PROXIES = ["10.0.0.1"]
    client.post(
        reverse("accounts:login"),
        {"username": "alice", "password": "wrong-password"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7",
    )
    (entry,) = entries_after(mark, action=AuditAction.LOGIN_FAILED)
    assert entry.ip == "198.51.100.7"
    assert entry.interface == AuditInterface.WEB


# --- The actor ----------------------------------------------------------------------------------


def test_a_web_login_is_recorded_with_the_user_ip_and_interface(client, alice, mark):
    response = client.post(reverse("accounts:login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    (entry,) = entries_after(mark, action=AuditAction.LOGIN)
    assert (entry.actor_id, entry.actor_username) == (alice.pk, "alice")
    assert (entry.interface, entry.ip) == (AuditInterface.WEB, "127.0.0.1")
    # last_login is excluded from the user's audit: the login entry already says it.
    assert entries_after(mark, model="user", action=AuditAction.UPDATE) == []


def test_a_failed_login_of_an_unknown_name_records_that_name(client, mark):
    client.post(reverse("accounts:login"), {"username": "ghost", "password": "whatever-123"})
    (entry,) = entries_after(mark, action=AuditAction.LOGIN_FAILED)
    assert entry.actor_id is None
    assert entry.actor_username == "ghost"
    assert entry.success is False


def _stack(view):
    """The request side of settings.MIDDLEWARE that matters here, in the same order."""
    return SessionMiddleware(AuthenticationMiddleware(AuditContextMiddleware(view)))


def test_a_login_during_the_request_is_picked_up(alice, mark):
    def view(request):
        audit_record(action=AuditAction.VIEW, message="before login")
        login(request, alice, backend="accounts.backends.RoleModelBackend")
        audit_record(action=AuditAction.VIEW, message="after login")
        return HttpResponse()

    _stack(view)(RequestFactory().get("/reports/"))
    before, after = entries_after(mark, action=AuditAction.VIEW)
    assert (before.message, before.actor_id) == ("before login", None)
    assert (after.message, after.actor_id, after.actor_username) == ("after login", alice.pk, "alice")
    assert after.interface == AuditInterface.WEB


class HeaderTokenAuthentication(BaseAuthentication):
    """Stands in for an API-key scheme: DRF sets request._request.user once it has authenticated."""

    def authenticate(self, request):
        username = request.META.get("HTTP_X_TEST_USER")
        return (User.objects.get(username=username), None) if username else None


class ProbeAPIView(APIView):
    authentication_classes = [HeaderTokenAuthentication]
    permission_classes = []

    def post(self, request):
        entry = audit_record(action=AuditAction.VIEW, message="api probe")
        return Response({"id": entry.pk})


def test_drf_authentication_inside_the_view_is_picked_up(alice, mark):
    request = APIRequestFactory().post("/api/probe/", {}, format="json", HTTP_X_TEST_USER="alice")
    response = _stack(ProbeAPIView.as_view())(request)
    assert response.status_code == 200
    (entry,) = entries_after(mark, action=AuditAction.VIEW)
    assert (entry.actor_id, entry.interface, entry.ip) == (alice.pk, AuditInterface.API, "127.0.0.1")


def test_async_requests_carry_the_context_into_sync_code(alice, mark):
    seen = {}

    async def view(request):
        seen["async"] = get_audit_context()
        await sync_to_async(audit_record)(action=AuditAction.VIEW, message="async probe")
        return HttpResponse()

    middleware = AuditContextMiddleware(view)
    assert iscoroutinefunction(middleware)
    request = RequestFactory().get("/admin/", REMOTE_ADDR="192.0.2.4")
    request.user = alice  # what AuthenticationMiddleware would have put there
    async_to_sync(middleware)(request)

    assert seen["async"].interface == AuditInterface.ADMIN
    (entry,) = entries_after(mark, action=AuditAction.VIEW)
    assert (entry.actor_id, entry.interface, entry.ip) == (alice.pk, AuditInterface.ADMIN, "192.0.2.4")
    assert get_audit_context().interface == AuditInterface.SYSTEM


def test_the_request_context_ends_with_the_request():
    def view(request):
        assert get_audit_context().request is request
        return HttpResponse()

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    AuditContextMiddleware(view)(request)
    assert get_audit_context().request is None
    assert get_audit_context().interface == AuditInterface.SYSTEM


def test_a_request_does_not_inherit_an_outer_commands_actor(alice):
    """A dev server started by a command must not stamp requests with the command's OS user."""
    captured = {}

    def view(request):
        captured["context"] = get_audit_context()
        return HttpResponse()

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with audit_context(interface=AuditInterface.COMMAND, username="os:root", actor=alice):
        AuditContextMiddleware(view)(request)
    assert captured["context"].username == ""
    assert captured["context"].interface == AuditInterface.WEB
    assert resolve_actor(captured["context"]) is None


# --- The context itself -------------------------------------------------------------------------


def test_nested_contexts_inherit_what_they_do_not_set(alice):
    with audit_context(interface=AuditInterface.TASK, username="task:x", ip="192.0.2.1"):
        with audit_context(actor=alice):
            inner = get_audit_context()
            assert (inner.interface, inner.ip, inner.actor) == (AuditInterface.TASK, "192.0.2.1", alice)
        assert get_audit_context().actor is None
    assert get_audit_context().interface == AuditInterface.SYSTEM


def test_an_explicit_actor_and_username(alice, mark):
    from accounts.models import Organisation

    org = Organisation.objects.create(name="审计单位", kind=OrganisationKind.TOWN)
    with audit_context(username="os:deploy"):
        by_name = audit_record(action=AuditAction.VIEW, instance=org)
        by_user = audit_record(action=AuditAction.VIEW, instance=org, actor=alice)
        by_param = audit_record(action=AuditAction.LOGIN_FAILED, username="mallory", success=False)
    assert (by_name.actor_id, by_name.actor_username) == (None, "os:deploy")
    assert (by_user.actor_id, by_user.actor_username) == (alice.pk, "alice")
    assert by_param.actor_username == "mallory"
    assert (by_name.app_label, by_name.model, by_name.object_id, by_name.object_repr) == (
        "accounts",
        "organisation",
        str(org.pk),
        "审计单位",
    )
