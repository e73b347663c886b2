"""Drills (演练): plan → run (a simulated incident, flagged ``drill``, through the incident service) →
evaluate → file. The order is enforced; every step is audited with the acting user."""

from __future__ import annotations

import datetime as dt

from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit_context import audit_context
from accounts.models import User
from emergency.choices import DRILL_TRANSITIONS, DrillStatus, IncidentLevel, IncidentSource, PlanVersionStatus
from emergency.models import Drill, IncidentType, PlanVersion
from emergency.selectors.drills import drill_access
from emergency.selectors.plans import plan_versions_visible
from emergency.services.incidents import incident_report

# Data, not interface text: the simulated incident's title says it is a drill in every language.
DRILL_TITLE_PREFIX = "【演练】"


class DrillTransitionError(ValidationError):
    """The drill workflow does not allow this step."""


def _require(user: User, perm: str, message: str) -> None:
    if not user.is_authenticated or not user.is_active or not user.has_perm(perm):
        raise PermissionDenied(message)


def _step(drill: Drill, status: str) -> None:
    if status not in DRILL_TRANSITIONS[drill.status]:
        message = _("A drill that is %(current)s cannot become %(wanted)s.") % {
            "current": drill.get_status_display(),
            "wanted": DrillStatus(status).label,
        }
        raise DrillTransitionError({"status": ValidationError(message, code="forbidden_transition")})
    drill.status = status


@transaction.atomic
def drill_plan(
    *,
    user: User,
    title: str,
    plan_version: PlanVersion,
    scenario: str,
    incident_type: IncidentType,
    level: str,
    geom: Point,
    scheduled_at: dt.datetime,
) -> Drill:
    """Plan a drill against a visible plan version that is not a draft."""
    _require(user, "emergency.add_drill", _("You may not plan drills."))
    errors: dict[str, str] = {}
    if not plan_versions_visible(user=user).filter(pk=plan_version.pk).exists():
        errors["plan_version"] = _("Unknown plan version.")
    elif plan_version.status == PlanVersionStatus.DRAFT:
        errors["plan_version"] = _("A drill practises a plan version that has been put in force.")
    if not (title or "").strip():
        errors["title"] = _("A drill needs a title.")
    if not (scenario or "").strip():
        errors["scenario"] = _("Describe the scenario.")
    if incident_type.parent_id is None:
        errors["incident_type"] = _("Choose a subtype (for example flood), not a whole category.")
    if level not in IncidentLevel.values:
        errors["level"] = _("Unknown level %(level)s.") % {"level": level}
    if user.organisation_id is None:
        errors["organisation"] = _("You belong to no organisation.")
    if errors:
        raise ValidationError(errors)
    drill = Drill(
        title=title.strip(),
        plan_version=plan_version,
        scenario=scenario.strip(),
        incident_type=incident_type,
        level=level,
        geom=geom,
        scheduled_at=scheduled_at,
        organisation=user.organisation,
        created_by=user,
    )
    with audit_context(actor=user):
        drill.save()
    return drill


@transaction.atomic
def drill_start(*, user: User, drill_id: int) -> Drill:
    """Run the drill: its simulated incident is reported through the incident service with ``drill``
    set (so it is shown and counted apart from real events everywhere)."""
    _require(user, "emergency.change_drill", _("You may not run drills."))
    drill = drill_access(user=user, drill_id=drill_id, for_update=True)
    _step(drill, DrillStatus.RUNNING)
    drill.incident = incident_report(
        user=user,
        title=f"{DRILL_TITLE_PREFIX}{drill.title}",
        type=drill.incident_type,
        level=drill.level,
        geom=drill.geom,
        source=IncidentSource.OTHER,
        description=drill.scenario,
        drill=True,
    )
    drill.started_at = timezone.now()
    with audit_context(actor=user):
        drill.save()
    return drill


@transaction.atomic
def drill_evaluate(*, user: User, drill_id: int, evaluation: str, score: int) -> Drill:
    """Record the evaluation (text and a score 0–100) of a running drill."""
    _require(user, "emergency.change_drill", _("You may not evaluate drills."))
    drill = drill_access(user=user, drill_id=drill_id, for_update=True)
    _step(drill, DrillStatus.EVALUATED)
    errors: dict[str, str] = {}
    if not (evaluation or "").strip():
        errors["evaluation"] = _("Write the evaluation.")
    if not isinstance(score, int) or not 0 <= score <= 100:
        errors["score"] = _("The score is a whole number from 0 to 100.")
    if errors:
        raise ValidationError(errors)
    drill.evaluation = evaluation.strip()
    drill.score = score
    drill.evaluated_at = timezone.now()
    with audit_context(actor=user):
        drill.save()
    return drill


@transaction.atomic
def drill_file(*, user: User, drill_id: int, report: str) -> Drill:
    """File the drill's report; a filed drill is final."""
    _require(user, "emergency.change_drill", _("You may not file drills."))
    drill = drill_access(user=user, drill_id=drill_id, for_update=True)
    _step(drill, DrillStatus.FILED)
    if not (report or "").strip():
        raise ValidationError({"report": _("Write the report to file.")})
    drill.report = report.strip()
    drill.filed_at = timezone.now()
    with audit_context(actor=user):
        drill.save()
    return drill
