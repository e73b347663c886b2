"""Raising, acknowledging and clearing alerts. ``alert_raise`` is the only way to raise one."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit_context import audit_context
from accounts.choices import RoleCode
from accounts.models import User
from core.realtime import broadcast_on_commit
from emergency.api.serializers import alert_payload
from emergency.bigscreen import ACTIVE_WARNINGS, panels_refresh_on_commit
from emergency.choices import AlertKind, AlertLevel
from emergency.models import Alert
from emergency.selectors.alerts import CITYWIDE, EVERYONE, alerts_visible, channel_group
from gis.models import AdminArea

ALERT_NEW = "alert.new"
ALERT_UPDATED = "alert.updated"


class AlertAlreadyAcknowledged(Exception):
    pass


def _normalise_targets(targets: Iterable[str] | None) -> list[str]:
    if targets is None:
        return [EVERYONE]
    result: list[str] = []
    for target in targets:
        kind, _sep, value = target.partition(":")
        if target == EVERYONE:
            pass
        elif kind == "district" and value:
            if not AdminArea.objects.filter(adcode=value).exists():
                raise ValidationError(_("Unknown district %(adcode)s.") % {"adcode": value})
            # City-wide roles see every district's alerts.
            result.append(CITYWIDE)
        elif kind == "role" and value:
            if value not in RoleCode.values:
                raise ValidationError(_("Unknown role %(role)s.") % {"role": value})
        else:
            raise ValidationError(_("Unknown alert target %(target)s.") % {"target": target})
        result.append(target)
    if not result:
        raise ValidationError(_("An alert needs at least one target."))
    return list(dict.fromkeys(result))


def _broadcast(alert: Alert, event: str) -> None:
    broadcast_on_commit(
        [channel_group(t) for t in alert.targets], {"type": event, "alert": alert_payload(alert)}
    )
    if alert.kind == AlertKind.WARNING:
        panels_refresh_on_commit(ACTIVE_WARNINGS)


@transaction.atomic
def alert_raise(
    *,
    kind: str,
    level: str,
    title: str,
    body: str = "",
    source: models.Model | None = None,
    geom: GEOSGeometry | None = None,
    targets: Iterable[str] | None = None,
    dedup_key: str = "",
    drill: bool = False,
) -> Alert:
    """Write an alert and push it to the screens of its targets once the transaction commits.

    ``targets``: ``"all"`` (the default), ``"district:<adcode>"`` or ``"role:<code>"``.
    ``dedup_key``: while an alert with the same key is not cleared, that alert is returned and
    nothing new is raised (a feed that stays late raises one alert, not one per check).
    """
    if kind not in AlertKind.values:
        raise ValidationError(_("Unknown alert kind %(kind)s.") % {"kind": kind})
    if level not in AlertLevel.values:
        raise ValidationError(_("Unknown alert level %(level)s.") % {"level": level})
    title = (title or "").strip()
    if not title:
        raise ValidationError(_("An alert needs a title."))
    if geom is not None:
        if geom.srid is None:
            geom.srid = 4326
        elif geom.srid != 4326:
            geom = geom.transform(4326, clone=True)
    alert = Alert(
        kind=kind,
        level=level,
        title=title[:200],
        body=body,
        geom=geom,
        targets=_normalise_targets(targets),
        dedup_key=dedup_key,
        drill=drill,
    )
    if source is not None:
        alert.source_app = source._meta.app_label
        alert.source_model = source._meta.model_name
        alert.source_id = str(source.pk)
    if dedup_key:
        existing = Alert.objects.filter(dedup_key=dedup_key, cleared_at__isnull=True).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                alert.save()
        except IntegrityError:
            # Raised at the same moment by another worker: theirs stands.
            return Alert.objects.get(dedup_key=dedup_key, cleared_at__isnull=True)
    else:
        alert.save()
    _broadcast(alert, ALERT_NEW)
    return alert


@transaction.atomic
def alert_acknowledge(*, alert_id: int, user: User) -> Alert:
    """Acknowledge a visible alert (duty officers and commanders); audited and shown on every screen."""
    if not user.has_perm("emergency.acknowledge_alert"):
        raise PermissionDenied(_("You may not acknowledge alerts."))
    alert = alerts_visible(user=user).select_for_update(of=("self",)).get(pk=alert_id)
    if alert.acknowledged_at is not None:
        raise AlertAlreadyAcknowledged(
            _("This alert was already acknowledged by %(user)s.")
            % {"user": alert.acknowledged_by.get_username() if alert.acknowledged_by else "?"}
        )
    alert.acknowledged_by = user
    alert.acknowledged_at = timezone.now()
    # save() is audited field by field (emergency.apps registers Alert with the audit log); the
    # acknowledging user is the actor whichever interface called.
    with audit_context(actor=user):
        alert.save(update_fields=["acknowledged_by", "acknowledged_at"])
    _broadcast(alert, ALERT_UPDATED)
    return alert


@transaction.atomic
def alert_clear(*, dedup_key: str = "", alert_id: int | None = None) -> Alert | None:
    """Mark the open alert with this key (or id) cleared, for example when a reading falls back.

    Returns the cleared alert, or None when none was open.
    """
    alerts = Alert.objects.select_for_update().filter(cleared_at__isnull=True)
    if alert_id is not None:
        alerts = alerts.filter(pk=alert_id)
    elif dedup_key:
        alerts = alerts.filter(dedup_key=dedup_key)
    else:
        raise ValueError("alert_clear needs a dedup_key or an alert_id")
    alert = alerts.first()
    if alert is None:
        return None
    alert.cleared_at = timezone.now()
    alert.save(update_fields=["cleared_at"])
    _broadcast(alert, ALERT_UPDATED)
    return alert
