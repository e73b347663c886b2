"""Writes of duty (应急值守): shifts in the roster and shift handovers, checked and audited."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.audit_context import audit_context
from accounts.models import Organisation, User
from accounts.selectors.organisations import organisation_subtree, organisations_visible
from emergency.choices import DutyPost
from emergency.models import DutyShift, HandoverLog
from emergency.selectors.duty import handover_receivers, handover_shift_for

MAX_SHIFT = dt.timedelta(hours=48)


@transaction.atomic
def duty_shift_create(
    *,
    user: User,
    organisation: Organisation,
    person: User,
    post: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    note: str = "",
) -> DutyShift:
    """Put a person on the roster. The organisation must be the user's to manage, the person must belong
    to it, and a person is never on two overlapping shifts."""
    if not user.has_perm("emergency.add_dutyshift"):
        raise PermissionDenied(_("You may not keep the duty roster."))
    errors: dict[str, str] = {}
    if not organisations_visible(user=user).filter(pk=organisation.pk).exists():
        errors["organisation"] = _("You may not keep the roster of this organisation.")
    elif not organisation_subtree(organisation=organisation).filter(pk=person.organisation_id).exists():
        errors["person"] = _("%(person)s does not belong to %(organisation)s.") % {
            "person": person.get_full_name() or person.username,
            "organisation": organisation.name,
        }
    if post not in DutyPost.values:
        errors["post"] = _("Unknown post %(post)s.") % {"post": post}
    if ends_at <= starts_at:
        errors["ends_at"] = _("A shift ends after it starts.")
    elif ends_at - starts_at > MAX_SHIFT:
        errors["ends_at"] = _("A shift lasts at most 48 hours.")
    if "person" not in errors and (
        DutyShift.objects.select_for_update()
        .filter(person=person, starts_at__lt=ends_at, ends_at__gt=starts_at)
        .exists()
    ):
        errors["starts_at"] = _("%(person)s is already on duty during this time.") % {
            "person": person.get_full_name() or person.username
        }
    if errors:
        raise ValidationError(errors)
    with audit_context(actor=user):
        return DutyShift.objects.create(
            organisation=organisation,
            person=person,
            post=post,
            starts_at=starts_at,
            ends_at=ends_at,
            note=note.strip()[:200],
            created_by=user,
        )


@transaction.atomic
def handover_record(*, user: User, received_by: User, summary: str, open_items: str = "") -> HandoverLog:
    """The outgoing officer hands the shift over to someone on the next (or current) shift of the same
    organisation; once per shift."""
    if not user.has_perm("emergency.add_handoverlog"):
        raise PermissionDenied(_("You may not record shift handovers."))
    shift = handover_shift_for(user=user)
    if shift is None:
        raise ValidationError(_("You have no shift to hand over now."))
    DutyShift.objects.select_for_update().filter(pk=shift.pk).first()  # one handover per shift
    if shift.handovers.exists():
        raise ValidationError(_("This shift has already been handed over."))
    errors: dict[str, str] = {}
    if not handover_receivers(shift=shift).filter(pk=received_by.pk).exists():
        errors["received_by"] = _("%(person)s is not on the next shift of %(organisation)s.") % {
            "person": received_by.get_full_name() or received_by.username,
            "organisation": shift.organisation.name,
        }
    summary = (summary or "").strip()
    if not summary:
        errors["summary"] = _("Say what happened during the shift.")
    if errors:
        raise ValidationError(errors)
    with audit_context(actor=user):
        return HandoverLog.objects.create(
            organisation=shift.organisation,
            shift=shift,
            handed_by=user,
            received_by=received_by,
            summary=summary,
            open_items=(open_items or "").strip(),
        )
