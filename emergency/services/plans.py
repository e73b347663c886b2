"""Writing plans: import a document as a new version, put a version in force, export a version.

Versions are never edited in place: an import that changes anything makes version n+1 (a draft, or
in force at once with ``put_in_force``); putting a version in force supersedes the one before it.
An import identical to the latest version makes nothing new. Every write is audited with the acting
user (the plan models are registered with the audit log in ``emergency.apps``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit_context import audit_context
from accounts.choices import AuditAction
from accounts.models import Organisation, User
from accounts.services.audit import audit_record
from emergency.api.incident_serializers import mask_phone
from emergency.choices import PlanVersionStatus
from emergency.models import (
    IncidentType,
    Plan,
    PlanAction,
    PlanGroup,
    PlanLevel,
    PlanUnit,
    PlanVersion,
)
from emergency.selectors.plans import plan_versions_visible
from emergency.services.plan_documents import (
    plan_document_dump,
    plan_document_format,
    plan_document_parse,
    plan_document_validate,
)
from gis.models import AdminArea


def _require(user: User, perm: str, message: str) -> None:
    if not user.is_authenticated or not user.is_active or not user.has_perm(perm):
        raise PermissionDenied(message)


def plan_version_document(*, version: PlanVersion, with_phones: bool = True) -> dict[str, Any]:
    """The version as a normal-form document (what ``plan_document_validate`` returns)."""
    plan = version.plan
    units = list(version.units.select_related("organisation").order_by("order"))
    key_of = {u.pk: u.key for u in units}
    groups = list(version.groups.prefetch_related("members").order_by("order"))
    group_key_of = {g.pk: g.key for g in groups}
    levels = list(version.levels.prefetch_related("actions"))
    levels.sort(key=lambda lv: ("IV", "III", "II", "I").index(lv.level))
    return {
        "code": plan.code,
        "name": version.name,
        "kind": plan.kind,
        "response_type": plan.response_type,
        "organisation": plan.organisation.code or "",
        "approved_at": version.approved_at.isoformat() if version.approved_at else None,
        "filing_number": version.filing_number,
        "note": version.note,
        "scope": {
            "incident_types": list(
                version.incident_types.order_by("category", "order", "code").values_list("code", flat=True)
            ),
            "districts": list(version.districts.order_by("adcode").values_list("adcode", flat=True)),
        },
        "units": [
            {
                "key": u.key,
                "organisation": u.organisation.code or "",
                "name": u.name,
                "duties": u.duties,
                "responsible": u.responsible,
                "phone": u.phone if with_phones else mask_phone(u.phone),
            }
            for u in units
        ],
        "groups": [
            {
                "key": g.key,
                "name": g.name,
                "lead": key_of[g.lead_id],
                "members": [key_of[m.pk] for m in sorted(g.members.all(), key=lambda m: m.order)],
                "duties": g.duties,
            }
            for g in groups
        ],
        "levels": [
            {
                "level": lv.level,
                "name": lv.name,
                "description": lv.description,
                "trigger": lv.trigger,
                "actions": [
                    {
                        "key": a.key,
                        **({"unit": key_of[a.unit_id]} if a.unit_id else {"group": group_key_of[a.group_id]}),
                        "text": a.text,
                        "deadline": a.deadline_minutes,
                    }
                    for a in sorted(lv.actions.all(), key=lambda a: a.order)
                ],
            }
            for lv in levels
        ],
    }


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two normal-form documents say the same (the order of scope and member lists is no change)."""

    def canonical(doc: dict[str, Any]) -> dict[str, Any]:
        doc = {**doc, "scope": {k: sorted(v) for k, v in doc["scope"].items()}}
        doc["groups"] = [{**g, "members": sorted(g["members"])} for g in doc["groups"]]
        return doc

    return canonical(a) == canonical(b)


def _scoped_incident_types(codes: list[str]) -> list[IncidentType]:
    return list(IncidentType.objects.filter(code__in=codes))


@transaction.atomic
def plan_import(
    *, user: User, text: str | bytes, format: str = "", filename: str = "", put_in_force: bool = False
) -> tuple[PlanVersion, bool]:
    """Import a plan document (JSON or YAML). Returns the version and whether it is new.

    Invalid documents raise ``PlanDocumentError`` naming each field path and line.
    """
    _require(user, "emergency.manage_plan", _("You may not import plans."))
    if not format:
        sample = text[:100].decode("utf-8", "ignore") if isinstance(text, bytes) else text[:100]
        format = plan_document_format(name=filename, text=sample)
    data, lines = plan_document_parse(text=text, format=format)
    document = plan_document_validate(data, lines=lines)
    organisation = Organisation.objects.get(code=document["organisation"])
    plan = Plan.objects.select_for_update().filter(code=document["code"]).first()
    with audit_context(actor=user):
        if plan is None:
            plan = Plan(code=document["code"])
        else:
            latest = plan.versions.order_by("-number").first()
            if latest is not None and _same(plan_version_document(version=latest), document):
                if put_in_force and latest.status == PlanVersionStatus.DRAFT:
                    plan_version_put_in_force(user=user, version_id=latest.pk)
                    latest.refresh_from_db()
                return latest, False
        plan.name = document["name"]
        plan.kind = document["kind"]
        plan.response_type = document["response_type"]
        plan.organisation = organisation
        plan.save()
        number = (plan.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        version = _version_create(plan=plan, number=number, document=document, user=user)
    if put_in_force:
        plan_version_put_in_force(user=user, version_id=version.pk)
        version.refresh_from_db()
    return version, True


def _version_create(*, plan: Plan, number: int, document: dict[str, Any], user: User) -> PlanVersion:
    approved = document["approved_at"]
    version = PlanVersion.objects.create(
        plan=plan,
        number=number,
        name=document["name"],
        approved_at=dt.date.fromisoformat(approved) if approved else None,
        filing_number=document["filing_number"],
        note=document["note"],
        created_by=user,
    )
    version.incident_types.set(_scoped_incident_types(document["scope"]["incident_types"]))
    version.districts.set(AdminArea.objects.filter(adcode__in=document["scope"]["districts"]))
    organisations = {
        o.code: o
        for o in Organisation.objects.filter(code__in=[u["organisation"] for u in document["units"]])
    }
    units: dict[str, PlanUnit] = {}
    for order, unit in enumerate(document["units"]):
        units[unit["key"]] = PlanUnit.objects.create(
            version=version,
            key=unit["key"],
            organisation=organisations[unit["organisation"]],
            name=unit["name"],
            duties=unit["duties"],
            responsible=unit["responsible"],
            phone=unit["phone"],
            order=order,
        )
    groups: dict[str, PlanGroup] = {}
    for order, group in enumerate(document["groups"]):
        groups[group["key"]] = created = PlanGroup.objects.create(
            version=version,
            key=group["key"],
            name=group["name"],
            lead=units[group["lead"]],
            duties=group["duties"],
            order=order,
        )
        created.members.set([units[k] for k in group["members"]])
    for level in document["levels"]:
        plan_level = PlanLevel.objects.create(
            version=version,
            level=level["level"],
            name=level["name"],
            description=level["description"],
            trigger=level["trigger"],
        )
        for order, action in enumerate(level["actions"]):
            PlanAction.objects.create(
                level=plan_level,
                key=action["key"],
                unit=units.get(action.get("unit", "")),
                group=groups.get(action.get("group", "")),
                text=action["text"],
                deadline_minutes=action["deadline"],
                order=order,
            )
    return version


@transaction.atomic
def plan_version_put_in_force(*, user: User, version_id: int) -> PlanVersion:
    """Make a draft version the one in force; the version in force before it is superseded."""
    _require(user, "emergency.manage_plan", _("You may not put plan versions in force."))
    version = plan_versions_visible(user=user).select_for_update(of=("self",)).get(pk=version_id)
    Plan.objects.select_for_update().get(pk=version.plan_id)  # one change of the plan at a time
    if version.status == PlanVersionStatus.IN_FORCE:
        return version
    if version.status == PlanVersionStatus.SUPERSEDED:
        raise ValidationError(
            {"status": _("A superseded version cannot return to force; import it again as a new version.")}
        )
    now = timezone.now()
    with audit_context(actor=user):
        for current in PlanVersion.objects.select_for_update().filter(
            plan_id=version.plan_id, status=PlanVersionStatus.IN_FORCE
        ):
            current.status = PlanVersionStatus.SUPERSEDED
            current.in_force_until = now
            current.save(update_fields=["status", "in_force_until"])
        version.status = PlanVersionStatus.IN_FORCE
        version.in_force_from = now
        version.save(update_fields=["status", "in_force_from"])
    return version


def plan_export(*, user: User, version_id: int, format: str, with_phones: bool = False) -> str:
    """A visible version as a JSON or YAML document. Phone numbers are masked unless ``with_phones``
    is asked by someone who may manage plans; that full view is audited."""
    version = plan_versions_visible(user=user).select_related("plan", "plan__organisation").get(pk=version_id)
    if format not in ("json", "yaml"):
        raise ValidationError({"format": _("Choose one of: %(values)s.") % {"values": "json, yaml"}})
    if with_phones:
        _require(user, "emergency.manage_plan", _("You may not see the plan's phone numbers in full."))
        with audit_context(actor=user):
            audit_record(
                action=AuditAction.VIEW,
                instance=version,
                message=_("Exported the plan with full phone numbers"),
            )
    return plan_document_dump(plan_version_document(version=version, with_phones=with_phones), format=format)
