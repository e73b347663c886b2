from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from emergency.choices import ALERT_LEVEL_COLOURS, AlertKind, AlertLevel
from gis.views import map_context


def live_labels() -> dict:
    """Labels the screens show for codes pushed over the socket, in the page's language."""
    return {
        "levels": {level.value: str(level.label) for level in AlertLevel},
        "kinds": {kind.value: str(kind.label) for kind in AlertKind},
        "colours": ALERT_LEVEL_COLOURS,
    }


def live_text() -> dict:
    return {
        "state_connecting": _("Connecting…"),
        "state_open": _("Live"),
        "state_closed": _("Connection lost: reconnecting…"),
        "state_unauthorised": _("Signed out: reload the page and sign in."),
        "acknowledge": _("Acknowledge"),
        "acknowledged_by": _("Acknowledged by %(user)s at %(time)s"),
        "ack_failed": _("Could not acknowledge: %(reason)s"),
        "drill": _("Drill"),
        "no_alerts": _("No alerts."),
        "freshness": _("Data as of %(time)s"),
        "seconds_ago": _("%(n)s s ago"),
        "cleared": _("Cleared"),
    }


def live_config(request: HttpRequest) -> dict:
    """The live socket's settings for a page; also added to the one map's configuration."""
    return {
        "live": {
            "socket": "/ws/live/",
            "sync_seconds": settings.LIVE_SYNC_SECONDS,
            "can_acknowledge": request.user.has_perm("emergency.acknowledge_alert"),
            "labels": live_labels(),
            "text": live_text(),
        }
    }


@login_required
def bigscreen(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "emergency/bigscreen.html",
        {"map_config": map_context(request)},
    )
