"""Writes of the impact registries (people to move, hazard points, protected targets, info officers).

Each write checks the model's add/change/delete permission and the scope: a user who does not see
the whole city may only write rows of their own organisation subtree or of districts it governs.
The models are registered with the audit log (``sanfang.ready_impact``), so every write is audited
(phone numbers are encrypted, so recorded as changed but hidden). Viewing the people registry is
audited by ``registry_people_viewed``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.audit_context import audit_context
from accounts.choices import AuditAction
from accounts.models import Organisation, User
from accounts.selectors.organisations import organisation_subtree, user_sees_whole_city
from accounts.services.audit import audit_record
from sanfang.models import PersonToMove
from sanfang.selectors.impact import REGISTRY_MODELS, registry_access

# Fields a client may set; the rest (risk fields of hazard points) are the models' own.
WRITABLE: dict[str, tuple[str, ...]] = {
    "common": (
        "name",
        "geom",
        "district",
        "town",
        "organisation",
        "address",
        "contact_name",
        "contact_phone",
        "active",
        "notes",
    ),
    "people": ("category", "people"),
    "hazards": ("kind", "susceptibility", "people_threatened"),
    "targets": ("kind", "occupants"),
    "officers": ("kind",),
}


def _require(user: User, key: str, action: str) -> None:
    model = REGISTRY_MODELS[key]
    if (
        not user.is_authenticated
        or not user.is_active
        or not user.has_perm(f"sanfang.{action}_{model._meta.model_name}")
    ):
        raise PermissionDenied(_("You may not change this registry."))


def _check_scope(user: User, values: dict[str, Any]) -> None:
    """A user who does not see the whole city writes only rows of their subtree or district."""
    if user_sees_whole_city(user=user):
        return
    if user.organisation_id is None:
        raise PermissionDenied(_("You may not change this registry."))
    subtree = organisation_subtree(organisation=user.organisation)
    organisation: Organisation | None = values.get("organisation")
    district = values.get("district")
    in_subtree = organisation is not None and subtree.filter(pk=organisation.pk).exists()
    governs = district is not None and subtree.filter(admin_area=district).exists()
    if not (in_subtree or governs):
        raise ValidationError({"organisation": _("Choose your own organisation or one below it.")})


def _clean_save(obj) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from None
    obj.save()


def _allowed(key: str, values: dict[str, Any]) -> dict[str, Any]:
    names = set(WRITABLE["common"]) | set(WRITABLE[key])
    unknown = set(values) - names
    if unknown:
        raise ValidationError({name: _("This field cannot be set.") for name in sorted(unknown)})
    return values


@transaction.atomic
def registry_create(*, user: User, key: str, values: dict[str, Any]):
    _require(user, key, "add")
    values = _allowed(key, values)
    _check_scope(user, values)
    obj = REGISTRY_MODELS[key](**values)
    with audit_context(actor=user):
        _clean_save(obj)
    return obj


@transaction.atomic
def registry_update(*, user: User, key: str, pk: int, values: dict[str, Any]):
    _require(user, key, "change")
    values = _allowed(key, values)
    obj = registry_access(user=user, key=key, pk=pk, for_update=True)
    for name, value in values.items():
        setattr(obj, name, value)
    _check_scope(user, {"organisation": obj.organisation, "district": obj.district})
    with audit_context(actor=user):
        _clean_save(obj)
    return obj


@transaction.atomic
def registry_delete(*, user: User, key: str, pk: int) -> None:
    _require(user, key, "delete")
    obj = registry_access(user=user, key=key, pk=pk, for_update=True)
    with audit_context(actor=user):
        obj.delete()


def registry_people_viewed(*, user: User, what: str, count: int, obj: PersonToMove | None = None) -> None:
    """Record that the user saw named people to move (a page of the registry or one household)."""
    with audit_context(actor=user):
        audit_record(
            action=AuditAction.VIEW,
            instance=obj if obj is not None else PersonToMove(name=""),
            changes={"what": what, "count": count},
            message=_("Viewed the people-to-move registry (%(what)s): %(n)d rows")
            % {"what": what, "n": count},
        )
