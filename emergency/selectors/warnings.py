"""Reads of received CAP warnings."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.selectors.organisations import user_sees_whole_city
from emergency.models.warnings import CapScope, ReceivedWarning, WarningArea, WarningState

WARNINGS_LAYER = "cap_warnings"


def warnings_active(*, now: datetime | None = None) -> QuerySet[ReceivedWarning]:
    """Warnings in force now: active and not yet ended (the periodic expiry may not have run yet)."""
    now = now or timezone.now()
    return ReceivedWarning.objects.filter(state=WarningState.ACTIVE, ends_at__gt=now)


def warning_areas_active(*, now: datetime | None = None) -> QuerySet[WarningArea]:
    now = now or timezone.now()
    return WarningArea.objects.filter(
        warning__state=WarningState.ACTIVE, warning__ends_at__gt=now, geom__isnull=False
    )


def warnings_visible(*, user: User) -> QuerySet[ReceivedWarning]:
    """Public warnings for everyone signed in; Restricted and Private ones for city-wide roles only."""
    if not user.is_authenticated or not user.is_active:
        return ReceivedWarning.objects.none()
    warnings = ReceivedWarning.objects.all()
    if not (user.is_superuser or user_sees_whole_city(user=user)):
        warnings = warnings.filter(scope=CapScope.PUBLIC)
    return warnings
