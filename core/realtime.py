"""Push to live screens, only after the data behind the push is committed.

Every broadcast goes through ``broadcast_on_commit``: a message sent inside a transaction that later
rolls back would announce something that never happened. Delivery is best effort by design: what must
not be lost (alerts) is a database row first, and screens replay rows they missed when they reconnect,
so a Redis outage here is logged and never fails the write that caused it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)


def broadcast_now(groups: Iterable[str], message: dict) -> None:
    """Send ``message`` (a dict with a ``type``) to each group. Failures are logged, not raised."""
    layer = get_channel_layer()
    if layer is None:
        return
    groups = list(dict.fromkeys(groups))

    async def send_all() -> None:
        for group in groups:
            await layer.group_send(group, message)

    try:
        async_to_sync(send_all)()
    except Exception:
        logger.exception("broadcast of %s to %s failed", message.get("type"), groups)


def broadcast_on_commit(groups: Iterable[str], message: dict, *, using: str | None = None) -> None:
    """Broadcast once the current transaction commits; at once when none is open."""
    groups = list(groups)
    transaction.on_commit(lambda: broadcast_now(groups, message), using=using)
