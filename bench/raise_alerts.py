"""Raise bench alerts from a process of its own and print, per alert, when its transaction committed.

``python -m bench.raise_alerts --count 6 --interval 1.0 --tag run1`` (DJANGO_SETTINGS_MODULE=bench.settings)
prints one JSON line per alert: ``{"id", "t_commit", "t_sent"}`` (epoch seconds). ``t_commit`` is taken by
an on-commit callback registered *before* ``alert_raise``: Django runs callbacks in order, right after
COMMIT returns, so it is the commit instant and the broadcast (alert_raise's own callback) follows it.
``t_sent`` is taken once the broadcast has been handed to Redis.
"""

from __future__ import annotations

import argparse
import json
import time

import django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=6)
    parser.add_argument("--interval", type=float, default=1.0)
    parser.add_argument("--tag", default="bench")
    args = parser.parse_args()

    django.setup()
    from django.db import transaction

    from emergency.services.alerts import alert_raise

    for i in range(args.count):
        stamp: dict[str, float] = {}
        with transaction.atomic():
            transaction.on_commit(lambda stamp=stamp: stamp.setdefault("commit", time.time()))
            alert = alert_raise(kind="test", level="yellow", title=f"bench {args.tag} #{i}")
        sent = time.time()
        print(json.dumps({"id": alert.pk, "t_commit": stamp["commit"], "t_sent": sent}), flush=True)
        if i + 1 < args.count:
            time.sleep(args.interval)


if __name__ == "__main__":
    main()
