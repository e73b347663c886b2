"""Reads of the duty roster and handover log, scoped by organisation like everything else."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.selectors.organisations import scope_for_user
from emergency.models import DutyShift, HandoverLog

# An officer may still hand over this long after the shift ended; the incoming one may take over this
# long before theirs starts.
HANDOVER_WINDOW = dt.timedelta(hours=2)


def duty_shifts_visible(*, user: User) -> QuerySet[DutyShift]:
    shifts = DutyShift.objects.select_related("organisation", "person")
    if not user.is_authenticated or not user.is_active or not user.has_perm("emergency.view_dutyshift"):
        return shifts.none()
    return scope_for_user(shifts, user=user)


def duty_roster(*, user: User, start: dt.datetime, days: int = 7) -> QuerySet[DutyShift]:
    """Shifts that overlap ``days`` days from ``start``."""
    return duty_shifts_visible(user=user).filter(
        starts_at__lt=start + dt.timedelta(days=days), ends_at__gt=start
    )


def handover_shift_for(*, user: User, now: dt.datetime | None = None) -> DutyShift | None:
    """The shift the user may hand over now: theirs, running or ended within the handover window, not
    yet handed over; the latest first."""
    now = now or timezone.now()
    return (
        DutyShift.objects.filter(
            person=user, starts_at__lte=now, ends_at__gt=now - HANDOVER_WINDOW, handovers__isnull=True
        )
        .select_related("organisation")
        .order_by("-ends_at")
        .first()
    )


def handover_receivers(*, shift: DutyShift, now: dt.datetime | None = None) -> QuerySet[User]:
    """Who may receive the handover: people with a shift of the same organisation that runs now or starts
    within the window, other than the outgoing officer."""
    now = now or timezone.now()
    on_next = DutyShift.objects.filter(
        organisation=shift.organisation, ends_at__gt=now, starts_at__lte=now + HANDOVER_WINDOW
    ).exclude(person=shift.person_id)
    return User.objects.filter(pk__in=on_next.values("person")).order_by("username")


def handovers_visible(*, user: User) -> QuerySet[HandoverLog]:
    logs = HandoverLog.objects.select_related("organisation", "handed_by", "received_by", "shift")
    if not user.is_authenticated or not user.is_active or not user.has_perm("emergency.view_handoverlog"):
        return logs.none()
    return scope_for_user(logs, user=user)
