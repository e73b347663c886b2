"""The one-map page and the vector tiles."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from gis.api.views import layer_catalogue_json
from gis.catalogue import layers_for_user, map_page_extras
from gis.choices import AreaLevel
from gis.models import AdminArea
from gis.tiles import tile_result


def tile(request: HttpRequest, key: str, z: int, x: int, y: int) -> HttpResponse:
    """``/tiles/<layer>/<z>/<x>/<y>.pbf`` through Django (tests, WSGI); under Daphne the same
    answer comes from the lean route in ``gis.asgi``."""
    result = tile_result(
        user=request.user, key=key, z=z, x=x, y=y, if_none_match=request.headers.get("If-None-Match", "")
    )
    response = HttpResponse(result.body, status=result.status)
    for name, value in result.headers.items():
        response[name] = value
    return response


def map_text() -> dict:
    """Words the map's script shows, in the page's language."""
    return {
        "open_record": _("Open the record"),
        "popup_error": _("The details could not be loaded."),
        "live": _("live"),
        "min_zoom": _("from zoom %s"),
        "no_results": _("Nothing found."),
    }


def map_context(request: HttpRequest) -> dict:
    districts = [
        {"adcode": a.adcode, "name": a.name, "id": a.pk}
        for a in AdminArea.objects.filter(level=AreaLevel.DISTRICT).order_by("adcode")
    ]
    return {
        "catalogue": [layer_catalogue_json(layer) for layer in layers_for_user(user=request.user)],
        "districts": districts,
        "basemap": settings.BASEMAP_TILE_URL,
        "text": map_text(),
        **map_page_extras(request),
    }


@login_required
def onemap(request: HttpRequest) -> HttpResponse:
    return render(request, "gis/onemap.html", {"map_config": map_context(request)})
