"""The big screen's feed-health panel."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from emergency.bigscreen import Panel, register_panel
from ingest.choices import FeedState
from ingest.selectors.sources import sources_health
from ingest.services.health import FEED_HEALTH_PANEL, lag_text

# The panel knows three states; a source without data yet counts as late until it delivers.
_PANEL_STATE = {
    FeedState.OK: "ok",
    FeedState.LATE: "late",
    FeedState.UNKNOWN: "late",
    FeedState.DOWN: "down",
}


def _feed_health(user: User) -> dict:
    now = timezone.now()
    rows = []
    for row in sources_health(now=now):
        if row.state == FeedState.DISABLED:
            continue
        rows.append({"label": row.source.name, "value": lag_text(row.lag), "state": _PANEL_STATE[row.state]})
    return {"rows": rows}


register_panel(
    Panel(
        FEED_HEALTH_PANEL,
        _("Feed health"),
        "table",
        _feed_health,
        order=40,
        empty=_("No feeds are configured."),
    )
)
