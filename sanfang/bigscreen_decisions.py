"""Big-screen panel: the recommended 三防 response level per type, and whether it awaits the commander."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from emergency.bigscreen import Panel, register_panel
from emergency.choices import ResponseType
from sanfang.models import ResponseRecommendation
from sanfang.selectors.decisions import DECISION_TYPES, recommendations_current
from sanfang.services.decisions import RECOMMENDATIONS_PANEL


def _rows(user: User) -> dict:
    if not user.has_perm("sanfang.view_responserecommendation"):
        return {"rows": []}
    current = {r.response_type: r for r in recommendations_current()}
    rows = []
    for response_type in DECISION_TYPES:
        rec = current.get(response_type)
        if rec is None or not rec.level:
            value, state = _("None"), "ok"
        else:
            value = f"{rec.get_level_display()} · {rec.get_status_display()}"
            state = "late" if rec.status == ResponseRecommendation.Status.OPEN else "ok"
        rows.append({"label": str(ResponseType(response_type).label), "value": value, "state": state})
    return {"rows": rows}


register_panel(
    Panel(
        RECOMMENDATIONS_PANEL,
        gettext_lazy("Recommended 三防 response levels"),
        "table",
        _rows,
        order=25,
        empty=gettext_lazy("No recommendation yet."),
    )
)
