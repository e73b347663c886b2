"""Response-level recommendation (三防响应等级建议): rules as data, evaluated on the live facts.

- ``ResponseRule`` rows hold a condition in the trigger language of ``emergency.triggers``;
  ``rule_save`` validates it with ``rule_errors`` (a rule naming an unknown fact is refused, naming
  the field path) and audits every change.
- ``recommendations_evaluate`` evaluates the active rules on ``sanfang.facts.live_facts()``: per
  response type, the highest level whose rules hold, with the reasons. A new
  ``ResponseRecommendation`` is stored only when the level changes (the reasons of an open
  recommendation at the same level are refreshed in place); a rise raises an alert to commanders and
  duty officers.
- **Nothing here starts a response by itself.** ``recommendation_confirm`` (permission
  ``sanfang.decide_recommendation``) starts or re-levels a response of the plan in force for the
  type, through ``emergency.services.responses`` with the recommendation's facts;
  ``recommendation_reject`` records the dismissal. Both are audited.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit_context import audit_context
from accounts.choices import AuditAction, RoleCode
from accounts.models import User
from accounts.services.audit import audit_record
from emergency.bigscreen import panels_refresh_on_commit
from emergency.choices import AlertKind, PlanVersionStatus, ResponseLevel, ResponseStatus, ResponseType
from emergency.models import EmergencyResponse
from emergency.selectors.plans import plans_visible
from emergency.services.alerts import alert_clear, alert_raise
from emergency.services.responses import response_change_level, response_start
from emergency.triggers import rule_errors, rule_evaluate
from sanfang.facts import live_facts
from sanfang.models import ResponseRecommendation, ResponseRule
from sanfang.selectors.decisions import DECISION_TYPES, level_rank, recommendation_latest, rules_active

RECOMMENDATIONS_PANEL = "sanfang_recommendations"
Status = ResponseRecommendation.Status


def _require(user: User, perm: str, message: str) -> None:
    if not user.is_authenticated or not user.is_active or not user.has_perm(perm):
        raise PermissionDenied(message)


# --- Rules --------------------------------------------------------------------------------------


def rule_clean(data: dict[str, Any]) -> dict[str, Any]:
    """Check a rule's fields; raises ``ValidationError`` keyed by field (condition errors by their
    path inside the condition, e.g. ``condition.any.1.fact``)."""
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    if "response_type" in data:
        if data["response_type"] not in ResponseType.values:
            errors["response_type"] = _("Unknown response type %(value)s.") % {"value": data["response_type"]}
        clean["response_type"] = data["response_type"]
    if "level" in data:
        if data["level"] not in ResponseLevel.values:
            errors["level"] = _("Unknown level %(level)s.") % {"level": data["level"]}
        clean["level"] = data["level"]
    if "name" in data:
        name = str(data["name"] or "").strip()
        if not name:
            errors["name"] = _("Name the rule.")
        clean["name"] = name[:200]
    if "condition" in data:
        for path, message in rule_errors(data["condition"], "condition"):
            errors.setdefault(path, message)
        clean["condition"] = data["condition"]
    if "active" in data:
        clean["active"] = bool(data["active"])
    if "source" in data:
        clean["source"] = str(data["source"] or "").strip()[:300]
    if errors:
        raise ValidationError(errors)
    return clean


REQUIRED_RULE_FIELDS = ("response_type", "level", "name", "condition")


@transaction.atomic
def rule_save(*, user: User, data: dict[str, Any], rule_id: int | None = None) -> ResponseRule:
    """Create (``rule_id`` None) or change a rule; audited."""
    if rule_id is None:
        _require(user, "sanfang.add_responserule", _("You may not add response rules."))
        missing = {f: _("This field is required.") for f in REQUIRED_RULE_FIELDS if f not in data}
        if missing:
            raise ValidationError(missing)
        rule = ResponseRule()
    else:
        _require(user, "sanfang.change_responserule", _("You may not change response rules."))
        rule = ResponseRule.objects.select_for_update().get(pk=rule_id)
    for field, value in rule_clean(data).items():
        setattr(rule, field, value)
    with audit_context(actor=user):
        rule.save()
    schedule_reevaluation()
    return rule


@transaction.atomic
def rule_delete(*, user: User, rule_id: int) -> None:
    _require(user, "sanfang.delete_responserule", _("You may not delete response rules."))
    rule = ResponseRule.objects.get(pk=rule_id)
    with audit_context(actor=user):
        rule.delete()
    schedule_reevaluation()


def response_rules_seed() -> None:
    """The default rules of migration 0005 again (idempotent), for tests and a flushed database."""
    from importlib import import_module

    from django.apps import apps

    import_module("sanfang.migrations.0005_decisions_response_rules").seed(apps, None)


# --- Evaluation ---------------------------------------------------------------------------------


def rules_evaluate(facts: dict[str, Any], rules: list[ResponseRule] | None = None) -> dict[str, dict]:
    """Per response type: the highest level whose rules hold and the rules that hold at that level
    (``{"level": "III", "matched": [{"id", "name", "level", "reasons"}]}``). Types without rules that
    hold get level "" and no rules."""
    rules = list(rules_active()) if rules is None else rules
    result: dict[str, dict] = {t: {"level": "", "matched": []} for t in DECISION_TYPES}
    for rule in rules:
        holds, reasons = rule_evaluate(rule.condition, facts)
        entry = result.setdefault(rule.response_type, {"level": "", "matched": []})
        if not holds:
            continue
        rank, current = level_rank(rule.level), level_rank(entry["level"])
        if rank > current:
            entry["level"], entry["matched"] = rule.level, []
        if rank >= current:
            entry["matched"].append(
                {"id": rule.pk, "name": rule.name, "level": rule.level, "reasons": reasons}
            )
    return result


def _dedup(rec: ResponseRecommendation) -> str:
    return f"sanfang:recommendation:{rec.pk}"


def _alert(rec: ResponseRecommendation) -> None:
    alert_raise(
        kind=AlertKind.RESPONSE,
        level=rec.level,
        title=_("Recommended: %(type)s %(level)s response, awaiting the commander")
        % {"type": rec.get_response_type_display(), "level": rec.get_level_display()},
        body="; ".join(r["name"] for r in rec.matched_rules),
        source=rec,
        targets=[f"role:{RoleCode.COMMANDER}", f"role:{RoleCode.DUTY_OFFICER}"],
        dedup_key=_dedup(rec),
    )


def _rule_ids(matched: list[dict]) -> list[int]:
    return sorted(m["id"] for m in matched)


@transaction.atomic
def recommendations_evaluate(
    *, facts: dict[str, Any] | None = None, at: dt.datetime | None = None
) -> list[ResponseRecommendation]:
    """Evaluate the rules on ``facts`` (the live facts by default) and store what changed; returns the
    recommendations written or refreshed."""
    facts = live_facts(at=at) if facts is None else facts
    written: list[ResponseRecommendation] = []
    for response_type, found in rules_evaluate(facts).items():
        latest = recommendation_latest(response_type)
        previous = latest.level if latest else ""
        if found["level"] == previous:
            if (
                latest is not None
                and latest.status == Status.OPEN
                and _rule_ids(latest.matched_rules) != _rule_ids(found["matched"])
            ):
                latest.matched_rules, latest.facts = found["matched"], facts
                latest.save(update_fields=["matched_rules", "facts"])
                written.append(latest)
            continue
        for old in ResponseRecommendation.objects.select_for_update().filter(
            response_type=response_type, status=Status.OPEN
        ):
            old.status = Status.SUPERSEDED
            old.save(update_fields=["status"])
            alert_clear(dedup_key=_dedup(old))
        rec = ResponseRecommendation.objects.create(
            response_type=response_type, level=found["level"], facts=facts, matched_rules=found["matched"]
        )
        if level_rank(rec.level) > level_rank(previous):
            _alert(rec)
        written.append(rec)
    if written:
        panels_refresh_on_commit(RECOMMENDATIONS_PANEL)
    return written


def schedule_reevaluation() -> None:
    """Re-evaluate the models and recommendations after the current transaction commits (see
    ``sanfang.tasks_decisions``)."""
    from sanfang.tasks_decisions import decisions_schedule

    decisions_schedule()


# --- The commander decides ----------------------------------------------------------------------


def _open_recommendation(user: User, recommendation_id: int) -> ResponseRecommendation:
    _require(user, "sanfang.decide_recommendation", _("You may not decide on recommended response levels."))
    rec = ResponseRecommendation.objects.select_for_update().get(pk=recommendation_id)
    if rec.status != Status.OPEN:
        raise ValidationError(
            {"status": _("This recommendation is already %(status)s.") % {"status": rec.get_status_display()}}
        )
    return rec


def _plan_for(user: User, response_type: str, level: str, plan_id: int | None):
    plans = plans_visible(user=user).filter(
        response_type=response_type,
        versions__status=PlanVersionStatus.IN_FORCE,
        versions__levels__level=level,
    )
    if plan_id is not None:
        plans = plans.filter(pk=plan_id)
    plan = plans.distinct().order_by("code").first()
    if plan is None:
        raise ValidationError(
            {
                "plan": _("No plan in force has a %(level)s %(type)s response.")
                % {"level": ResponseLevel(level).label, "type": ResponseType(response_type).label}
            }
        )
    return plan


@transaction.atomic
def recommendation_confirm(
    *,
    user: User,
    recommendation_id: int,
    reason: str = "",
    plan_id: int | None = None,
    event_name: str = "",
) -> ResponseRecommendation:
    """The commander confirms: start a response of the type's plan at the recommended level, or raise
    or lower its active response to it (kept as is when already there)."""
    rec = _open_recommendation(user, recommendation_id)
    if not rec.level:
        raise ValidationError({"level": _("No response level is recommended; dismiss it instead.")})
    _require(user, "emergency.command_response", _("You may not start emergency responses."))
    plan = _plan_for(user, rec.response_type, rec.level, plan_id)
    names = "; ".join(r["name"] for r in rec.matched_rules)
    reason = (reason or "").strip() or _("Recommended by the 三防 rules: %(rules)s") % {"rules": names}
    active = (
        EmergencyResponse.objects.filter(plan=plan, status=ResponseStatus.ACTIVE, incident__isnull=True)
        .order_by("-started_at")
        .first()
    )
    if active is None:
        response = response_start(
            user=user,
            plan_id=plan.pk,
            level=rec.level,
            event_name=(event_name or "").strip()
            or _("%(type)s %(level)s response")
            % {"type": rec.get_response_type_display(), "level": rec.get_level_display()},
            reason=reason,
            facts=rec.facts,
        )
    elif active.level != rec.level:
        response = response_change_level(
            user=user, response_id=active.pk, level=rec.level, reason=reason, facts=rec.facts
        )
    else:
        response = active
    rec.status, rec.decided_by, rec.decided_at, rec.response = (
        Status.CONFIRMED,
        user,
        timezone.now(),
        response,
    )
    with audit_context(actor=user):
        rec.save(update_fields=["status", "decided_by", "decided_at", "response"])
    alert_clear(dedup_key=_dedup(rec))
    panels_refresh_on_commit(RECOMMENDATIONS_PANEL)
    return rec


@transaction.atomic
def recommendation_reject(*, user: User, recommendation_id: int, reason: str = "") -> ResponseRecommendation:
    """The commander dismisses a recommendation; recorded and audited with the reason."""
    rec = _open_recommendation(user, recommendation_id)
    rec.status, rec.decided_by, rec.decided_at = Status.DISMISSED, user, timezone.now()
    with audit_context(actor=user):
        rec.save(update_fields=["status", "decided_by", "decided_at"])
        reason = (reason or "").strip()
        if reason:
            audit_record(
                action=AuditAction.UPDATE,
                instance=rec,
                message=_("Dismissed: %(reason)s") % {"reason": reason[:500]},
                actor=user,
            )
    alert_clear(dedup_key=_dedup(rec))
    panels_refresh_on_commit(RECOMMENDATIONS_PANEL)
    return rec
