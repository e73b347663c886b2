"""Wiring of the 三防 decisions part, imported by ``SanfangConfig.ready`` (receivers, layers, panels, providers)."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from accounts.audit import audit_register
from emergency.models.warnings import ReceivedWarning
from sanfang import bigscreen_decisions, facts_warnings, layers_decisions  # noqa: F401  (panel, provider, layer)
from sanfang.models import ResponseRecommendation, ResponseRule
from sanfang.signals import station_statuses_changed, storm_track_stored
from sanfang.tasks_decisions import decisions_schedule

audit_register(ResponseRule)
audit_register(ResponseRecommendation)


@receiver(station_statuses_changed, dispatch_uid="sanfang-decisions-stations")
def _stations_changed(sender, **kwargs) -> None:
    decisions_schedule()


@receiver(storm_track_stored, dispatch_uid="sanfang-decisions-storms")
def _storm_stored(sender, **kwargs) -> None:
    decisions_schedule()


@receiver(post_save, sender=ReceivedWarning, dispatch_uid="sanfang-decisions-warnings")
def _warning_saved(sender, instance: ReceivedWarning, created: bool, **kwargs) -> None:
    # emergency sends no signal of its own for received warnings; a new one, or one whose state
    # changed (superseded, cancelled, expired), changes the signal facts.
    decisions_schedule()
