"""The impact analysis page (/sanfang/impact/): the same panel as the one map, on its own map."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sanfang.ready_impact import impact_panel_config


@login_required
def impact_page(request: HttpRequest) -> HttpResponse:
    config = impact_panel_config(request).get("sanfang_impact")
    if config is None:
        raise PermissionDenied
    center = getattr(settings, "LEAFLET_CONFIG", {}).get("DEFAULT_CENTER", (22.25, 113.45))
    config = {**config, "center": list(center), "zoom": 10}
    return render(request, "sanfang/impact.html", {"impact_config": config})
