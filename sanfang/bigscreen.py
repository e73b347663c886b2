"""The big screen's "stations over threshold" panel, from the stored station statuses, refreshed
whenever statuses are recomputed."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from emergency.bigscreen import Panel, panels_refresh_on_commit, register_panel
from sanfang.choices import StationState
from sanfang.selectors.monitoring import status_counts
from sanfang.signals import station_statuses_changed

STATIONS_PANEL = "stations_over_threshold"
_ROWS = (
    (StationState.DANGER, _("Over danger level"), "#e02020"),
    (StationState.WARNING, _("Over warning level"), "#ff7a00"),
    (StationState.NORMAL, _("Normal"), "#2fbf71"),
    (StationState.NO_DATA, _("No recent reading"), "#8c9bab"),
)


def _stations_panel(user) -> dict:
    counts = status_counts()
    if not any(counts.values()):
        return {"series": []}
    return {
        "series": [
            {"name": str(label), "value": counts.get(key, 0), "colour": colour}
            for key, label, colour in _ROWS
        ]
    }


register_panel(
    Panel(
        STATIONS_PANEL,
        _("Stations over threshold"),
        "bar",
        _stations_panel,
        order=15,
        empty=_("No active stations."),
    )
)


def _refresh(sender, *, changed_ids: list[int], **kwargs) -> None:
    # Only states are counted: a refresh that changed none leaves the panel as it is.
    if changed_ids:
        panels_refresh_on_commit(STATIONS_PANEL)


station_statuses_changed.connect(_refresh, dispatch_uid="sanfang-stations-panel")
