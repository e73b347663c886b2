"""Who sees which alerts, as group names shared by the database filter and the live push."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User
from accounts.selectors.organisations import user_role_codes, user_sees_whole_city
from emergency.models import Alert
from gis.choices import AreaLevel

EVERYONE = "all"
CITYWIDE = "citywide"


def target_district(adcode: str) -> str:
    return f"district:{adcode}"


def target_role(code: str) -> str:
    return f"role:{code}"


def channel_group(target: str) -> str:
    """The channel-layer group of a target (names may hold only letters, digits, ``-_.``)."""
    return "alerts." + target.replace(":", ".")


def user_district_adcode(*, user: User) -> str | None:
    """The district the user's organisation lies in: the nearest organisation up the tree with an
    area decides (an enterprise inherits its town's, a town its district's)."""
    organisation = getattr(user, "organisation", None)
    hops = 0
    while organisation is not None and organisation.admin_area_id is None and hops < 20:
        organisation = organisation.parent
        hops += 1
    area = organisation.admin_area if organisation is not None else None
    while area is not None and area.level not in (AreaLevel.DISTRICT, AreaLevel.CITY, AreaLevel.PROVINCE):
        area = area.parent
    if area is None or area.level != AreaLevel.DISTRICT:
        return None
    return area.adcode


def alert_targets_for_user(*, user: User) -> list[str]:
    """The targets whose alerts the user receives; empty for anyone not signed in and active."""
    if not user.is_authenticated or not user.is_active:
        return []
    targets = [EVERYONE]
    if user_sees_whole_city(user=user):
        targets.append(CITYWIDE)
    else:
        adcode = user_district_adcode(user=user)
        if adcode:
            targets.append(target_district(adcode))
    targets.extend(target_role(code) for code in sorted(user_role_codes(user=user)))
    return targets


def alerts_visible(*, user: User) -> QuerySet[Alert]:
    targets = alert_targets_for_user(user=user)
    if not targets:
        return Alert.objects.none()
    return Alert.objects.filter(targets__overlap=targets).select_related("acknowledged_by")


def alerts_after(*, user: User, after_id: int, limit: int) -> list[Alert]:
    """Visible alerts with an id above ``after_id``, oldest first (what a reconnecting screen missed)."""
    return list(alerts_visible(user=user).filter(id__gt=after_id).order_by("id")[:limit])


def alerts_recent(*, user: User, limit: int) -> list[Alert]:
    return list(alerts_visible(user=user).order_by("-id")[:limit])


def alert_latest_id(*, user: User) -> int:
    latest = alerts_visible(user=user).order_by("-id").values_list("id", flat=True).first()
    return latest or 0
