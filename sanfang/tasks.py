"""Celery tasks of the sanfang app. Each takes ids and calls one service (imported inside the task)."""

from __future__ import annotations

from celery import shared_task


# -- monitoring
@shared_task
def sanfang_refresh_station_statuses(station_ids: list[int] | None = None) -> list[int]:
    """Recompute station statuses (all active stations when ``station_ids`` is None); returns the
    ids whose state or signal changed."""
    from sanfang.services.monitoring import station_statuses_refresh

    return station_statuses_refresh(station_ids=station_ids).changed_ids


# (end of monitoring)
