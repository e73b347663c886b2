"""The live socket of the one map and the big screen: ``/ws/live/``.

Protocol (JSON both ways):

- client → ``{"type": "sync", "last_id": <int|null>, "panels": <bool>}`` on (re)connect and every
  ``LIVE_SYNC_SECONDS``: the server answers with the recent alerts (``snapshot``, which also carries
  acknowledgements made while the screen was away), every visible alert after ``last_id``
  (``alert`` messages, oldest first), the panels if asked, then ``synced`` with the newest id.
  The periodic sync also heals a push lost to a Redis restart.
- server → ``alert`` (new or changed alert), ``layer`` (a live layer changed: redraw it),
  ``panels`` (fresh panel data), ``synced``.

Groups: ``alerts.all``, ``alerts.citywide``, ``alerts.district.<adcode>``, ``alerts.role.<code>``
(see ``emergency.selectors.alerts``), ``map.layers`` and ``bigscreen``.
"""

from __future__ import annotations

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from emergency.api.serializers import alert_payload
from emergency.bigscreen import BIGSCREEN_GROUP, panels_render
from emergency.selectors.alerts import (
    alert_latest_id,
    alert_targets_for_user,
    alerts_after,
    alerts_recent,
    channel_group,
)
from gis.catalogue import LAYERS_GROUP

UNAUTHORISED = 4401
# Events that forward a ready-made payload and touch no database.
PUSH_ONLY = frozenset({"alert.new", "alert.updated", "layer.changed"})


# Serialised alerts, shared by every socket of this process: when many screens reconnect at once
# (after a restart) each would otherwise serialise the same recent alerts again, one after another
# on Channels' single database thread. An alert's payload changes only when it is acknowledged or
# cleared, so those are part of the key.
_PAYLOADS: dict[tuple, dict] = {}
_PAYLOADS_MAX = 5000


def cached_payload(alert) -> dict:
    key = (alert.pk, alert.acknowledged_at, alert.cleared_at)
    payload = _PAYLOADS.get(key)
    if payload is None:
        if len(_PAYLOADS) >= _PAYLOADS_MAX:
            _PAYLOADS.clear()
        payload = _PAYLOADS[key] = alert_payload(alert)
    return payload


class LiveConsumer(AsyncJsonWebsocketConsumer):
    groups_joined: list[str]
    wants_panels = False

    async def connect(self) -> None:
        self.groups_joined = []
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close(code=UNAUTHORISED)
            return
        self.user = user
        targets = await database_sync_to_async(alert_targets_for_user)(user=user)
        # Join before any replay, so nothing raised meanwhile falls between the two.
        for group in [*(channel_group(t) for t in targets), LAYERS_GROUP, BIGSCREEN_GROUP]:
            await self.channel_layer.group_add(group, self.channel_name)
            self.groups_joined.append(group)
        await self.accept()

    async def dispatch(self, message: dict) -> None:
        # Channels runs close_old_connections on its single database thread before every handler; for
        # a push to 1,000 screens that queues 1,000 hops before the last frame leaves (measured in
        # bench/: p95 1.24 s → 0.64 s). Push-only events need no database, so they skip it.
        if message.get("type") in PUSH_ONLY:
            await getattr(self, get_handler_name(message))(message)
            return
        await super().dispatch(message)

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content, **kwargs) -> None:
        if not isinstance(content, dict) or content.get("type") != "sync":
            await self.send_json({"type": "error", "detail": "unknown message"})
            return
        last_id = content.get("last_id")
        if last_id is not None and (not isinstance(last_id, int) or isinstance(last_id, bool) or last_id < 0):
            await self.send_json({"type": "error", "detail": "last_id must be a non-negative integer"})
            return
        self.wants_panels = bool(content.get("panels"))
        await self.send_json(await self._sync_reply(last_id))

    @database_sync_to_async
    def _sync_reply(self, last_id: int | None) -> dict:
        recent = alerts_recent(user=self.user, limit=settings.LIVE_SNAPSHOT_ALERTS)
        missed = []
        if last_id is not None:
            missed = alerts_after(user=self.user, after_id=last_id, limit=settings.LIVE_REPLAY_LIMIT)
        return {
            "type": "synced",
            "snapshot": [cached_payload(a) for a in reversed(recent)],
            "missed": [cached_payload(a) for a in missed],
            "latest_id": alert_latest_id(user=self.user),
            "panels": panels_render(user=self.user) if self.wants_panels else None,
        }

    async def alert_new(self, event: dict) -> None:
        await self.send_json({"type": "alert", "alert": event["alert"], "new": True})

    async def alert_updated(self, event: dict) -> None:
        await self.send_json({"type": "alert", "alert": event["alert"], "new": False})

    async def layer_changed(self, event: dict) -> None:
        await self.send_json({"type": "layer", "layer": event["layer"]})

    async def panels_changed(self, event: dict) -> None:
        if not self.wants_panels:
            return
        data = await database_sync_to_async(panels_render)(user=self.user, keys=event.get("keys") or None)
        await self.send_json({"type": "panels", "panels": data})
