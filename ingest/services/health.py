"""Feed health: how late each source is, and the alerts that say so.

A source is *late* when no run succeeded for ``late_after_minutes`` (counted from its creation until
its first success), and *down* when it is late and its last run failed. Turning late or down raises
one "feed" alert per source (``dedup_key``), however often the check runs; recovering clears it and
raises an "info" alert saying how long the feed was out. Every change redraws the big screen's feed
health panel.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from emergency.bigscreen import panels_refresh_on_commit
from emergency.choices import AlertKind, AlertLevel
from emergency.services.alerts import alert_clear, alert_raise
from ingest import conf
from ingest.choices import FeedState
from ingest.models import Source

FEED_HEALTH_PANEL = "feed_health"
_ALERT_LEVELS = {FeedState.LATE: AlertLevel.YELLOW, FeedState.DOWN: AlertLevel.ORANGE}
_TROUBLE = frozenset(_ALERT_LEVELS)


def feed_dedup_key(source: Source) -> str:
    return f"feed:{source.pk}"


def source_lag(source: Source, *, now: datetime) -> timedelta | None:
    """Time since the last successful run; None if there never was one."""
    return now - source.last_success_at if source.last_success_at else None


def source_state(source: Source, *, now: datetime) -> str:
    if not source.enabled:
        return FeedState.DISABLED
    last_failed = source.consecutive_failures > 0
    if source.late_after_minutes is None:
        if last_failed:
            return FeedState.DOWN
        return FeedState.OK if source.last_success_at else FeedState.UNKNOWN
    since = source.last_success_at or source.created_at
    if now - since <= timedelta(minutes=source.late_after_minutes):
        return FeedState.OK if source.last_success_at else FeedState.UNKNOWN
    return FeedState.DOWN if last_failed else FeedState.LATE


def lag_text(lag: timedelta | None) -> str:
    if lag is None:
        return _("never")
    minutes = int(lag.total_seconds() // 60)
    if minutes < 1:
        return _("just now")
    if minutes < 120:
        return _("%(minutes)s min ago") % {"minutes": minutes}
    if minutes < 48 * 60:
        return _("%(hours)s h ago") % {"hours": minutes // 60}
    return _("%(days)s days ago") % {"days": minutes // (24 * 60)}


def _raise_trouble(source: Source, state: str, now: datetime) -> None:
    lag = source_lag(source, now=now)
    if state == FeedState.DOWN:
        title = _("Feed %(name)s is down: last successful pull %(lag)s") % {
            "name": source.name,
            "lag": lag_text(lag),
        }
    else:
        title = _("Feed %(name)s is late: last successful pull %(lag)s") % {
            "name": source.name,
            "lag": lag_text(lag),
        }
    body = source.last_error or ""
    alert_raise(
        kind=AlertKind.FEED,
        level=_ALERT_LEVELS[state],
        title=title,
        body=body,
        source=source,
        targets=conf.feed_alert_targets(),
        dedup_key=feed_dedup_key(source),
    )


@transaction.atomic
def feed_health_refresh(*, source: Source, now: datetime | None = None) -> str:
    """Recompute one source's state; raise, escalate or clear its alert when the state changes."""
    now = now or timezone.now()
    source = Source.objects.select_for_update().get(pk=source.pk)
    old, new = source.health, source_state(source, now=now)
    if old == new:
        return new
    if old in _TROUBLE:
        # Escalation (late → down) or recovery: the old alert no longer says the right thing.
        alert_clear(dedup_key=feed_dedup_key(source))
    if new in _TROUBLE:
        _raise_trouble(source, new, now)
    elif old in _TROUBLE and new == FeedState.OK:
        out_since = source.health_since or now
        alert_raise(
            kind=AlertKind.FEED,
            level=AlertLevel.INFO,
            title=_("Feed %(name)s has recovered after %(minutes)s min")
            % {
                "name": source.name,
                "minutes": max(int((now - out_since).total_seconds() // 60), 0),
            },
            source=source,
            targets=conf.feed_alert_targets(),
        )
    Source.objects.filter(pk=source.pk).update(health=new, health_since=now)
    panels_refresh_on_commit(FEED_HEALTH_PANEL)
    return new


def feeds_check_health(*, now: datetime | None = None) -> int:
    """Refresh every source's health (the periodic check); returns how many changed state."""
    now = now or timezone.now()
    changed = 0
    for source in Source.objects.all():
        before = source.health
        if feed_health_refresh(source=source, now=now) != before:
            changed += 1
    return changed
