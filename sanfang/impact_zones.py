"""Impact zones by kind: each part of the app turns its own input into a polygon.

``zone_resolver_register("storm", fn)`` is how the typhoon part offers a storm's forecast zone to the
impact analysis without the two importing each other. A resolver takes the request's parameters (a
dict) and returns a GEOS polygon or multipolygon in SRID 4326, or raises ``ValidationError`` naming the
bad parameter.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ZoneResolver = Callable[[dict[str, Any]], GEOSGeometry]
_RESOLVERS: dict[str, ZoneResolver] = {}


def zone_resolver_register(kind: str, resolver: ZoneResolver) -> ZoneResolver:
    _RESOLVERS[kind] = resolver
    return resolver


def zone_kinds() -> list[str]:
    return sorted(_RESOLVERS)


def zone_resolve(kind: str, params: dict[str, Any]) -> GEOSGeometry:
    resolver = _RESOLVERS.get(kind)
    if resolver is None:
        raise ValidationError(
            {
                "kind": _("Unknown zone kind %(kind)s; use one of: %(kinds)s.")
                % {"kind": kind, "kinds": ", ".join(zone_kinds())}
            }
        )
    return resolver(params)
