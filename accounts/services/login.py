"""Login security: lockout after repeated failures (等保 level 2, DOMAIN.md §4.1).

The numbers are settings: LOGIN_FAILURE_LIMIT failures in a row lock the account for
LOGIN_LOCKOUT_MINUTES. A successful login resets the count.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.choices import AuditAction
from accounts.models import User
from accounts.services.audit import audit_record


def login_locked_until(*, user: User) -> datetime | None:
    """When the account unlocks, or None when it is not locked now."""
    if user.locked_until and user.locked_until > timezone.now():
        return user.locked_until
    return None


@transaction.atomic
def login_failure_register(*, user: User | None, username: str) -> datetime | None:
    """Count a failed attempt; lock the account at the limit. Returns the lock end when locked."""
    audit_record(
        action=AuditAction.LOGIN_FAILED,
        success=False,
        username=username,
        instance=user,
        message="unknown user" if user is None else "wrong password",
    )
    if user is None:
        return None
    # F() keeps concurrent failures from losing counts.
    User.objects.filter(pk=user.pk).update(failed_login_count=F("failed_login_count") + 1)
    user.refresh_from_db(fields=["failed_login_count", "locked_until"])
    if user.failed_login_count >= settings.LOGIN_FAILURE_LIMIT:
        until = timezone.now() + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
        User.objects.filter(pk=user.pk).update(locked_until=until, failed_login_count=0)
        user.locked_until = until
        audit_record(
            action=AuditAction.LOCKED,
            instance=user,
            username=username,
            message=f"locked until {until.isoformat()} after {settings.LOGIN_FAILURE_LIMIT} failures",
        )
        return until
    return None


def login_success_register(*, user: User) -> None:
    if user.failed_login_count or user.locked_until:
        User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
        user.failed_login_count, user.locked_until = 0, None
    audit_record(action=AuditAction.LOGIN, instance=user, actor=user)


def logout_register(*, user: User) -> None:
    audit_record(action=AuditAction.LOGOUT, instance=user, actor=user)
