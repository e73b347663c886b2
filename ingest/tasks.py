"""Celery tasks of the ingest app. Each takes ids, re-fetches, and calls one service.

Services are imported inside the tasks: the dispatcher service enqueues ``ingest_pull_source``, so
the services import this module, not the other way round.
"""

from __future__ import annotations

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from ingest import conf

_PULL_LIMIT = conf.pull_soft_time_limit()


@shared_task
def ingest_dispatch_due_sources() -> list[int]:
    from ingest.services.dispatch import sources_dispatch_due

    return sources_dispatch_due()


@shared_task(bind=True, acks_late=True, soft_time_limit=_PULL_LIMIT, time_limit=_PULL_LIMIT + 60)
def ingest_pull_source(self, source_id: int, attempt: int = 1, trigger: str = "schedule") -> list[int]:
    """Pull one source. A transient failure is retried with growing back-off (``pull_retry_delay``);
    the run record of each attempt says when the next one comes."""
    from ingest.models import Source
    from ingest.services.pulls import TransientPullError, source_pull

    try:
        runs = source_pull(source_id=source_id, attempt=attempt, trigger=trigger)
    except Source.DoesNotExist:
        return []
    except TransientPullError as exc:
        raise self.retry(
            kwargs={"source_id": source_id, "attempt": attempt + 1, "trigger": trigger},
            countdown=exc.retry_in,
            max_retries=None,  # the source's own max_retries decides (TransientPullError is raised only then)
        ) from exc
    except SoftTimeLimitExceeded:
        # The run record was marked failed by the pipeline; the schedule brings the next pull.
        return []
    return [run.pk for run in runs]


@shared_task
def ingest_check_feed_health() -> int:
    from ingest.services.health import feeds_check_health

    return feeds_check_health()


@shared_task
def ingest_reap_stale_runs() -> int:
    from ingest.services.runs import runs_reap_stale

    return runs_reap_stale()


@shared_task
def ingest_expire_warnings() -> int:
    """CAP warnings arrive through ingest, so their expiry runs with the feeds."""
    from emergency.services.warnings import warnings_expire_due

    return warnings_expire_due()
