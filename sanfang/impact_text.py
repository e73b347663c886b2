"""The words of the impact panel and page, translated once in Python so the script has no strings."""

from __future__ import annotations

from django.utils.translation import gettext as _

from sanfang.selectors.impact import IMPACT_LISTS


def impact_panel_text() -> dict[str, object]:
    return {
        "title": _("Impact analysis"),
        "kind": _("Zone"),
        "kinds": {
            "polygon": _("Drawn polygon"),
            "rain": _("Rainfall over a threshold"),
            "storm": _("Typhoon forecast"),
        },
        "draw": _("Draw the polygon"),
        "draw_hint": _("Click the map to add corners; double-click or press Finish to close the polygon."),
        "finish": _("Finish"),
        "clear": _("Clear"),
        "window": _("Window"),
        "min_mm": _("Rainfall above (mm)"),
        "storm": _("Storm code"),
        "hours": _("Forecast hours"),
        "analyse": _("Analyse"),
        "analysing": _("Analysing…"),
        "export": _("Export to Excel"),
        "send": _("Send as tasks"),
        "response": _("Active response"),
        "no_response": _("There is no active response to send tasks through."),
        "sent": _("%(n)s tasks sent."),
        "total": _("Total"),
        "count": _("Count"),
        "hidden": _("Your role may not see this list."),
        "empty": _("Nothing in the zone."),
        "more": _("More…"),
        "area": _("Zone area: %(area)s km²"),
        "error": _("The analysis failed."),
        "no_town": _("(no town)"),
        "no_district": _("(no district)"),
        "lists": {key: str(item.label) for key, item in IMPACT_LISTS.items()},
        "measures": {key: str(item.measure_label or "") for key, item in IMPACT_LISTS.items()},
    }
