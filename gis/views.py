"""The one-map page and the vector tiles.

Tiles are a plain Django view: it is the hot path, and DRF's negotiation would only add cost.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from gis.api.views import layer_catalogue_json
from gis.catalogue import layer_get, layer_visible_to, layers_for_user, map_page_extras
from gis.choices import AreaLevel
from gis.models import AdminArea
from gis.selectors.layers import TileOutOfRange, layer_tile

MVT_CONTENT_TYPE = "application/vnd.mapbox-vector-tile"


def _error(status: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse({"code": code, "detail": detail}, status=status)


def tile(request: HttpRequest, key: str, z: int, x: int, y: int) -> HttpResponse:
    """``/tiles/<layer>/<z>/<x>/<y>.pbf``: one Mapbox vector tile, made by ST_AsMVT."""
    user = request.user
    if not user.is_authenticated:
        return _error(401, "not_authenticated", _("Sign in to see map layers."))
    layer = layer_get(key)
    if layer is None:
        return _error(404, "unknown_layer", _("There is no layer called %(key)s.") % {"key": key})
    if not layer_visible_to(layer, user=user):
        return _error(403, "forbidden", _("You may not see this layer."))
    try:
        body = layer_tile(layer, user=user, z=z, x=x, y=y)
    except TileOutOfRange as exc:
        return _error(400, "bad_tile", str(exc))
    # The ETag is the content's hash: a changed feature changes it at once, so a revalidated tile is
    # never stale, and an unchanged one costs a 304 instead of the bytes.
    etag = '"' + hashlib.md5(body, usedforsecurity=False).hexdigest() + '"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type=MVT_CONTENT_TYPE)
    response["ETag"] = etag
    # Tiles depend on the user's roles and organisation: browsers may keep them, shared caches not;
    # no-cache makes the browser revalidate each time, so live layers never show old data.
    response["Cache-Control"] = "private, no-cache"
    response["Vary"] = "Cookie"
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
