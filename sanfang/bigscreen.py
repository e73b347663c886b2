"""The big screen's "stations over threshold" panel, refreshed whenever readings are stored."""

from __future__ import annotations

from collections import Counter

from django.utils.translation import gettext_lazy as _

from emergency.bigscreen import Panel, panels_refresh_on_commit, register_panel
from sanfang.selectors.thresholds import DANGER, NO_DATA, NORMAL, WARNING, station_states
from sanfang.signals import readings_stored

STATIONS_PANEL = "stations_over_threshold"
_ROWS = (
    (DANGER, _("Over danger level"), "#e02020"),
    (WARNING, _("Over warning level"), "#ff7a00"),
    (NORMAL, _("Normal"), "#2fbf71"),
    (NO_DATA, _("No recent reading"), "#8c9bab"),
)


def _stations_panel(user) -> dict:
    states = station_states()
    if not states:
        return {"series": []}
    counts = Counter(s.state for s in states)
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
        empty=_("No station has warning levels set."),
    )
)


def _refresh(sender, **kwargs) -> None:
    panels_refresh_on_commit(STATIONS_PANEL)


readings_stored.connect(_refresh, dispatch_uid="sanfang-stations-panel")
