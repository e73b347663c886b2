"""Vector-tile responses, shared by the Django view and the lean ASGI route (``gis.asgi``)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from accounts.models import User
from gis.catalogue import layer_get, layer_visible_to
from gis.selectors.layers import TileOutOfRange, layer_tile

MVT_CONTENT_TYPE = "application/vnd.mapbox-vector-tile"


@dataclass(frozen=True)
class TileResult:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


def _error(status: int, code: str, detail: str) -> TileResult:
    body = json.dumps({"code": code, "detail": detail}, ensure_ascii=False).encode()
    return TileResult(status, body, {"Content-Type": "application/json"})


def tile_result(*, user: User, key: str, z: int, x: int, y: int, if_none_match: str = "") -> TileResult:
    """The response to ``/tiles/<key>/<z>/<x>/<y>.pbf`` for this user: a tile, a 304 or a 4xx."""
    if not user.is_authenticated or not user.is_active:
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
    headers = {
        "ETag": etag,
        # Tiles depend on the user's roles and organisation: browsers may keep them, shared caches
        # not; no-cache makes the browser revalidate each time, so live layers never show old data.
        "Cache-Control": "private, no-cache",
        "Vary": "Cookie",
    }
    if etag in if_none_match:
        return TileResult(304, b"", headers)
    return TileResult(200, body, {"Content-Type": MVT_CONTENT_TYPE, **headers})
