from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from emergency.choices import ALERT_LEVEL_COLOURS, AlertKind, AlertLevel
from gis.views import map_context


def live_labels() -> dict:
    """Labels the screens show for codes pushed over the socket, in the page's language."""
    return {
        "levels": {level.value: str(level.label) for level in AlertLevel},
        "kinds": {kind.value: str(kind.label) for kind in AlertKind},
        "colours": ALERT_LEVEL_COLOURS,
    }


def live_config(request: HttpRequest) -> dict:
    return {
        "socket": "/ws/live/",
        "sync_seconds": settings.LIVE_SYNC_SECONDS,
        "can_acknowledge": request.user.has_perm("emergency.acknowledge_alert"),
        "labels": live_labels(),
    }


@login_required
def bigscreen(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "emergency/bigscreen.html",
        {"map_config": map_context(request.user), "live_config": live_config(request)},
    )
