"""The default rain thresholds and signal rules of migration 0004, seeded again for tests that run
after a transactional test flushed the tables."""

from __future__ import annotations

import importlib

import pytest

from sanfang.models import RainfallThreshold, RainstormSignalRule

_SEED = importlib.import_module("sanfang.migrations.0004_seed_rain_rules")


def seed_rain_rules() -> None:
    for colour, window, mm in _SEED.SIGNALS:
        RainstormSignalRule.objects.get_or_create(
            colour=colour, window_hours=window, defaults={"threshold_mm": mm}
        )
    for window, warning, danger in _SEED.THRESHOLDS:
        RainfallThreshold.objects.get_or_create(
            station=None, window_hours=window, defaults={"warning_mm": warning, "danger_mm": danger}
        )


@pytest.fixture(autouse=True)
def rain_rules(db):
    seed_rain_rules()
