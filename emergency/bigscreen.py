"""The big screen's panels, declared by the apps that own their data.

An app registers a panel from its ``AppConfig.ready()``; the screen draws what the registry holds,
in ``order``. A panel's ``data(user)`` returns its figures scoped to the user::

    {"series": [{"name": "蓝色", "value": 3, "colour": "#1e6fd9"}, ...]}      # chart "pie" or "bar"
    {"rows": [{"label": "...", "value": "...", "state": "ok" | "late" | "down"}]}   # chart "table"

When the data behind a panel changes, the owning service calls ``panels_refresh_on_commit(key)``;
each connected screen then recomputes that panel for its user and gets it pushed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.realtime import broadcast_on_commit
from emergency.choices import ALERT_LEVEL_COLOURS, AlertKind, AlertLevel
from emergency.selectors.alerts import alerts_visible

BIGSCREEN_GROUP = "bigscreen"
PANELS_CHANGED = "panels.changed"
CHARTS = ("pie", "bar", "table")


@dataclass(frozen=True)
class Panel:
    key: str
    title: Promise
    chart: str
    data: Callable[[User], dict]
    order: int = 100
    empty: Promise | None = None


_PANELS: dict[str, Panel] = {}


def register_panel(panel: Panel) -> Panel:
    if panel.chart not in CHARTS:
        raise ValueError(f"panel {panel.key}: chart must be one of {CHARTS}")
    _PANELS[panel.key] = panel
    return panel


def panels() -> list[Panel]:
    return sorted(_PANELS.values(), key=lambda p: (p.order, p.key))


def panel_render(panel: Panel, *, user: User) -> dict:
    return {
        "key": panel.key,
        "title": str(panel.title),
        "chart": panel.chart,
        "empty": str(panel.empty or _("Nothing to show.")),
        "data": panel.data(user),
        "updated": timezone.now().isoformat(),
    }


def panels_render(*, user: User, keys: list[str] | None = None) -> list[dict]:
    return [panel_render(p, user=user) for p in panels() if keys is None or p.key in keys]


def panels_refresh_on_commit(*keys: str) -> None:
    broadcast_on_commit([BIGSCREEN_GROUP], {"type": PANELS_CHANGED, "keys": list(keys)})


WARNING_COLOURS = (AlertLevel.BLUE, AlertLevel.YELLOW, AlertLevel.ORANGE, AlertLevel.RED)


def _active_warnings(user: User) -> dict:
    counts = dict(
        alerts_visible(user=user)
        .filter(kind=AlertKind.WARNING, cleared_at__isnull=True, level__in=WARNING_COLOURS)
        .values_list("level")
        .annotate(n=Count("id"))
        .values_list("level", "n")
    )
    return {
        "series": [
            {
                "name": str(AlertLevel(level).label),
                "value": counts.get(level, 0),
                "colour": ALERT_LEVEL_COLOURS[level],
            }
            for level in WARNING_COLOURS
        ]
    }


ACTIVE_WARNINGS = "active_warnings"

register_panel(
    Panel(
        ACTIVE_WARNINGS,
        _("Active warnings by colour"),
        "pie",
        _active_warnings,
        order=10,
        empty=_("No active warnings."),
    )
)
