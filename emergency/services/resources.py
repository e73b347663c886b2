"""Moving stock and dispatching resources to incidents.

Stock never goes negative, even when two dispatches race for the last items: the decrement is one
conditional UPDATE (``quantity >= n``), which PostgreSQL re-checks on the locked row after a concurrent
writer commits, and the CHECK constraint ``stockitem_quantity_not_negative`` is the last line of
defence. Every movement is a row (audited) with the quantity after it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit_context import audit_context
from accounts.choices import AuditAction
from accounts.models import User
from accounts.services.audit import audit_record
from emergency.bigscreen import panels_refresh_on_commit
from emergency.choices import (
    DISPATCH_TRANSITIONS,
    DispatchStatus,
    IncidentStatus,
    ResourceKind,
    StockMovementKind,
    TeamStatus,
)
from emergency.models import Dispatch, Expert, RescueTeam, StockItem, StockMovement
from emergency.selectors.incidents import incident_access
from emergency.selectors.resources import resources_visible, stock_items_visible
from gis.catalogue import layer_changed_on_commit

RESOURCES_READY = "resources_ready"
DISPATCHABLE_INCIDENT_STATUSES = (IncidentStatus.VERIFIED, IncidentStatus.RESPONDING)


class InsufficientStock(ValidationError):
    pass


def _require(user: User, perm: str, message: str) -> None:
    if not user.is_authenticated or not user.is_active or not user.has_perm(perm):
        raise PermissionDenied(message)


def _stock_change(
    *, item: StockItem, delta: int, kind: str, user: User, note: str = "", dispatch: Dispatch | None = None
) -> StockMovement:
    if delta == 0:
        raise ValidationError({"quantity": _("The quantity must not be zero.")})
    items = StockItem.objects.filter(pk=item.pk)
    if delta < 0:
        items = items.filter(quantity__gte=-delta)
    if items.update(quantity=F("quantity") + delta) != 1:
        current = StockItem.objects.filter(pk=item.pk).values_list("quantity", flat=True).first() or 0
        message = _("Only %(available)d %(unit)s of %(name)s left; %(wanted)d requested.") % {
            "available": current,
            "unit": item.unit,
            "name": item.name,
            "wanted": -delta,
        }
        raise InsufficientStock({"quantity": ValidationError(message, code="insufficient_stock")})
    # Our UPDATE holds the row lock until commit, so this read is exactly what we left.
    after = StockItem.objects.values_list("quantity", flat=True).get(pk=item.pk)
    with audit_context(actor=user):
        movement = StockMovement.objects.create(
            item=item,
            kind=kind,
            delta=delta,
            quantity_after=after,
            dispatch=dispatch,
            note=note[:200],
            user=user,
        )
    panels_refresh_on_commit(RESOURCES_READY)
    return movement


@transaction.atomic
def stock_move(*, user: User, item_id: int, delta: int, kind: str, note: str = "") -> StockMovement:
    """Put stock in (positive ``delta``) or take it out (negative) of a depot the user may manage."""
    _require(user, "emergency.add_stockmovement", _("You may not move stock."))
    if kind not in (StockMovementKind.IN, StockMovementKind.OUT, StockMovementKind.ADJUST):
        raise ValidationError({"kind": _("Dispatches and returns are recorded by the dispatch itself.")})
    if (kind == StockMovementKind.IN and delta <= 0) or (kind == StockMovementKind.OUT and delta >= 0):
        raise ValidationError({"delta": _("Stock in is positive, stock out negative.")})
    item = stock_items_visible(user=user).get(pk=item_id)
    return _stock_change(item=item, delta=delta, kind=kind, user=user, note=note)


@transaction.atomic
def dispatch_create(
    *,
    user: User,
    incident_id: int,
    team_id: int | None = None,
    expert_id: int | None = None,
    stock_item_id: int | None = None,
    quantity: int = 0,
    note: str = "",
) -> Dispatch:
    """Assign one resource to a verified or responding incident: a ready team, an available expert,
    or ``quantity`` of a stock item (taken out of its depot at once)."""
    _require(user, "emergency.add_dispatch", _("You may not dispatch resources."))
    incident = incident_access(user=user, incident_id=incident_id)
    if incident.status not in DISPATCHABLE_INCIDENT_STATUSES:
        raise ValidationError(
            {"incident": _("Resources can only be dispatched to verified or responding incidents.")}
        )
    chosen = [x for x in (team_id, expert_id, stock_item_id) if x is not None]
    if len(chosen) != 1:
        raise ValidationError({"resource": _("Choose exactly one team, expert or stock item.")})
    dispatch = Dispatch(incident=incident, note=note[:300], dispatched_by=user)
    if team_id is not None:
        team = resources_visible(user=user, kind=ResourceKind.TEAM).get(pk=team_id)
        # Conditional update: of two concurrent dispatches of one team only one succeeds.
        if not RescueTeam.objects.filter(pk=team.pk, status=TeamStatus.READY).update(
            status=TeamStatus.DISPATCHED
        ):
            raise ValidationError(
                {"team": ValidationError(_("%(team)s is not ready.") % {"team": team.name}, code="not_ready")}
            )
        dispatch.team = team
        _audit_status(user, team, "status", TeamStatus.READY, TeamStatus.DISPATCHED)
    elif expert_id is not None:
        expert = resources_visible(user=user, kind=ResourceKind.EXPERT).get(pk=expert_id)
        if not Expert.objects.filter(pk=expert.pk, available=True).update(available=False):
            raise ValidationError(
                {
                    "expert": ValidationError(
                        _("%(expert)s is not available.") % {"expert": expert.name}, code="not_ready"
                    )
                }
            )
        dispatch.expert = expert
        _audit_status(user, expert, "available", True, False)
    else:
        if quantity <= 0:
            raise ValidationError({"quantity": _("Dispatch at least one unit.")})
        item = stock_items_visible(user=user).get(pk=stock_item_id)
        dispatch.stock_item = item
        dispatch.quantity = quantity
    with audit_context(actor=user):
        dispatch.save()
    if dispatch.stock_item_id:
        _stock_change(
            item=dispatch.stock_item,
            delta=-quantity,
            kind=StockMovementKind.DISPATCH,
            user=user,
            dispatch=dispatch,
        )
    panels_refresh_on_commit(RESOURCES_READY)
    return dispatch


@transaction.atomic
def dispatch_advance(*, user: User, dispatch_id: int, status: str, returned_quantity: int = 0) -> Dispatch:
    """Track a dispatch: on scene, returned (the team is ready again, unused stock goes back) or
    cancelled before arrival (everything goes back)."""
    _require(user, "emergency.change_dispatch", _("You may not update dispatches."))
    dispatch = (
        Dispatch.objects.select_for_update(of=("self",))
        .select_related("team", "expert", "stock_item")
        .get(pk=dispatch_id, incident__in=incident_access_ids(user))
    )
    if status not in DISPATCH_TRANSITIONS.get(dispatch.status, ()):
        wanted = DispatchStatus(status).label if status in DispatchStatus.values else status
        message = _("A dispatch that is %(current)s cannot become %(wanted)s.") % {
            "current": DispatchStatus(dispatch.status).label,
            "wanted": wanted,
        }
        raise ValidationError({"status": ValidationError(message, code="forbidden_transition")})
    now = timezone.now()
    dispatch.status = status
    if status == DispatchStatus.ON_SCENE:
        dispatch.arrived_at = now
    else:
        dispatch.returned_at = now
        if dispatch.stock_item_id:
            back = dispatch.quantity if status == DispatchStatus.CANCELLED else returned_quantity
            if not 0 <= back <= dispatch.quantity:
                raise ValidationError(
                    {"returned_quantity": _("Return between 0 and the quantity dispatched.")}
                )
            dispatch.returned_quantity = back
            if back:
                _stock_change(
                    item=dispatch.stock_item,
                    delta=back,
                    kind=StockMovementKind.RETURN,
                    user=user,
                    dispatch=dispatch,
                )
        if dispatch.team_id:
            RescueTeam.objects.filter(pk=dispatch.team_id, status=TeamStatus.DISPATCHED).update(
                status=TeamStatus.READY
            )
        if dispatch.expert_id:
            Expert.objects.filter(pk=dispatch.expert_id).update(available=True)
    with audit_context(actor=user):
        dispatch.save()
    panels_refresh_on_commit(RESOURCES_READY)
    return dispatch


def _audit_status(user: User, instance, field: str, old, new) -> None:
    """Status flips are conditional UPDATEs (no model signals), so they are audited here, and the
    maps redraw the team layer after commit."""
    audit_record(action=AuditAction.UPDATE, instance=instance, changes={field: [old, new]}, actor=user)
    if isinstance(instance, RescueTeam):
        layer_changed_on_commit("rescue_teams")


def incident_access_ids(user: User):
    from emergency.selectors.incidents import incidents_visible

    return incidents_visible(user=user).values("pk")
