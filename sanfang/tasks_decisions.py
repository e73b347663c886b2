"""Celery task of the 三防 models: re-evaluate the landslide levels, the risk zoning, then the
recommendations.

Receivers call ``decisions_schedule()``; it runs after the current transaction commits, and a burst
of changes within ``SANFANG_DECISIONS_DEBOUNCE_SECONDS`` shares one evaluation (the first change
enqueues the task with that delay; the task frees the slot before it reads anything, so a change
during the evaluation enqueues another one).
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

PENDING_KEY = "sanfang:decisions:pending"


@shared_task(acks_late=True)
def decisions_reevaluate() -> dict:
    from sanfang.services.decisions import recommendations_evaluate
    from sanfang.services.landslide import landslide_risk_update
    from sanfang.services.risk import risk_refresh

    cache.delete(PENDING_KEY)
    counts = landslide_risk_update()
    risk = risk_refresh()
    written = recommendations_evaluate()
    return {
        "landslide": counts,
        "risk": {a.key: a.colour for a in risk},
        "recommendations": [r.pk for r in written],
    }


def _enqueue() -> None:
    delay = settings.SANFANG_DECISIONS_DEBOUNCE_SECONDS
    try:
        if not settings.SANFANG_DECISIONS_ASYNC:
            decisions_reevaluate.apply()
            return
        if delay and not cache.add(PENDING_KEY, 1, timeout=delay + 60):
            return  # an evaluation is already queued and will see this change
        decisions_reevaluate.apply_async(countdown=delay)
    except Exception:  # a broker or cache outage must not break the write that triggered this
        cache.delete(PENDING_KEY)
        logger.exception("could not schedule the 三防 decisions re-evaluation")


def decisions_schedule() -> None:
    if settings.SANFANG_DECISIONS_ON_CHANGE:
        transaction.on_commit(_enqueue)
