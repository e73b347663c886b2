"""Full phone numbers from the contacts directory: only for the roles that need them, always audited."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts.audit_context import audit_context
from accounts.choices import AuditAction
from accounts.models import User
from accounts.services.audit import audit_record
from emergency.selectors.contacts import contact_phones_allowed, contacts_visible


def contact_phone_reveal(*, user: User, unit_id: int) -> str:
    """The full phone number of a visible member unit (``PlanUnit.DoesNotExist`` when hidden); the view
    is written to the audit log."""
    if not contact_phones_allowed(user=user):
        raise PermissionDenied(_("Your role does not need full phone numbers."))
    unit = contacts_visible(user=user).get(pk=unit_id)
    with audit_context(actor=user):
        audit_record(
            action=AuditAction.VIEW,
            instance=unit,
            message=_("Viewed the full phone number of %(unit)s") % {"unit": unit.name},
        )
    return unit.phone
