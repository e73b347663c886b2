"""Fact provider: warning-signal colours from the warnings received in ``emergency``, and the count of
hazard points at orange or red landslide warning.

A warning counts while it is active (``WarningState.ACTIVE``). Its kind is recognised from its event
text, headline or GB/T 35965.1 event code (``WARNING_KINDS``). **Actual warnings come first; only
when no Actual warning of a kind is active do Exercise warnings count** — so a Hato replay, which
sends its signals as CAP ``Exercise`` messages, drives the recommendation in the demo, while a real
warning always wins over an exercise one in production.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q

from emergency.models.warnings import CapStatus, ReceivedWarning, WarningState
from emergency.triggers import SCALES
from gis.choices import AreaLevel
from gis.models import AdminArea
from sanfang.facts import fact_provider
from sanfang.models import HazardPoint
from sanfang.services.landslide import ALERTING, GEOLOGICAL_KINDS

# fact name → (words in the event text or headline, event codes)
WARNING_KINDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "typhoon_warning_colour": (("台风", "typhoon", "tropical cyclone"), ("11B01",)),
    "rainstorm_warning_colour": (("暴雨", "rainstorm", "heavy rain"), ("11B03",)),
    "geohazard_warning_colour": (("地质灾害", "geological", "landslide", "滑坡"), ()),
    "storm_surge_warning_colour": (("风暴潮", "storm surge"), ()),
}
COLOURS = SCALES["colour"]


def _kind_filter(words: tuple[str, ...], codes: tuple[str, ...]) -> Q:
    query = Q()
    for word in words:
        query |= Q(event__icontains=word) | Q(headline__icontains=word)
    for code in codes:
        query |= Q(event__iexact=code) | Q(infos__event_codes__contains=[["eventType", code]])
    return query


def active_warnings(at: dt.datetime | None = None):
    qs = ReceivedWarning.objects.filter(state=WarningState.ACTIVE)
    if at is not None:
        qs = qs.filter(Q(effective__isnull=True) | Q(effective__lte=at), ends_at__gt=at)
    return qs


def warning_colours(at: dt.datetime | None = None) -> dict[str, str]:
    """The highest colour per warning fact, Actual warnings first, then Exercise ones."""
    result: dict[str, str] = {}
    base = active_warnings(at).filter(colour__in=COLOURS)
    for fact, (words, codes) in WARNING_KINDS.items():
        found = base.filter(_kind_filter(words, codes))
        for status in (CapStatus.ACTUAL, CapStatus.EXERCISE):
            colours = set(found.filter(status=status).values_list("colour", flat=True))
            if colours:
                result[fact] = max(colours, key=COLOURS.index)
                break
    return result


def districts_with_red_rainstorm(at: dt.datetime | None = None) -> int:
    words, codes = WARNING_KINDS["rainstorm_warning_colour"]
    red = active_warnings(at).filter(_kind_filter(words, codes), colour="red", area__isnull=False)
    for status in (CapStatus.ACTUAL, CapStatus.EXERCISE):
        areas = list(red.filter(status=status).values_list("area", flat=True))
        if areas:
            query = Q()
            for area in areas:
                query |= Q(geom__intersects=area)
            return AdminArea.objects.filter(query, level=AreaLevel.DISTRICT).count()
    return 0


def geohazard_points_orange_or_red() -> int:
    return HazardPoint.objects.filter(
        active=True, kind__in=GEOLOGICAL_KINDS, warning_level__in=ALERTING
    ).count()


@fact_provider
def warning_facts(at: dt.datetime) -> dict[str, Any]:
    facts: dict[str, Any] = dict(warning_colours(at))
    facts["districts_with_red_rainstorm"] = districts_with_red_rainstorm(at)
    facts["geohazard_points_orange_or_red"] = geohazard_points_orange_or_red()
    return facts
