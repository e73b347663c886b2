"""Writes of stations."""

from __future__ import annotations

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Organisation
from gis.choices import AreaLevel
from gis.selectors import admin_area_containing
from sanfang.choices import StationKind
from sanfang.models import Station


@transaction.atomic
def station_upsert(
    *,
    code: str,
    name: str,
    kind: str,
    location: Point | None,
    owner: Organisation | None = None,
    source: str = "",
) -> tuple[Station, bool]:
    """Create or update the station with this code; its district follows from its location.

    Returns the station and whether it was created.
    """
    code = code.strip()
    if not code:
        raise ValidationError(_("A station needs a code."))
    if kind not in StationKind.values:
        raise ValidationError(_("Unknown station kind %(kind)s.") % {"kind": kind})
    if location is not None and location.srid is None:
        location = Point(location.x, location.y, srid=4326)
    district = (
        admin_area_containing(point=location, level=AreaLevel.DISTRICT) if location is not None else None
    )
    station, created = Station.objects.update_or_create(
        code=code,
        defaults={
            "name": name,
            "kind": kind,
            "geom": location,
            "owner": owner,
            "district": district,
            "source": source,
        },
    )
    return station, created
