"""The big screen's defence-progress panel: totals against targets for the current event, refreshed on
every committed report (``sanfang.services.defence`` calls ``panels_refresh_on_commit``)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import User
from emergency.bigscreen import Panel, register_panel
from sanfang.selectors.defence import defence_can_view, defence_current_event, defence_progress
from sanfang.services.defence import DEFENCE_PANEL


def _defence_panel(user: User) -> dict:
    if not defence_can_view(user=user):
        return {"rows": []}
    event = defence_current_event(user=user)
    if event is None:
        return {"rows": []}
    progress = defence_progress(user=user, incident_id=event.pk)
    title = f"{_('Drill')} · {event.title}" if event.drill else event.title
    rows = [
        {
            "label": title,
            "value": ngettext("%(n)d unit reporting", "%(n)d units reporting", progress["units"])
            % {"n": progress["units"]},
            "state": "ok",
        }
    ]
    for line in progress["totals"]:
        if not line.target and not line.done:
            continue
        value = f"{line.done:,} / {line.target:,}" if line.target else f"{line.done:,}"
        if line.percent is not None:
            value += f" ({line.percent}%)"
        rows.append({"label": line.label, "value": value, "state": "ok" if line.complete else "late"})
    return {"rows": rows, "incident": event.pk}


register_panel(
    Panel(
        DEFENCE_PANEL,
        gettext_lazy("Defence progress against targets"),
        "table",
        _defence_panel,
        order=35,
        empty=gettext_lazy("No defence targets or reports for an open event."),
    )
)
