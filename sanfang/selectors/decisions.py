"""Reading response rules and recommendations (scoping: the model permissions; the rules and the
recommendations are city-wide)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from emergency.choices import RESPONSE_LEVEL_RANK, ResponseType
from sanfang.models import ResponseRecommendation, ResponseRule

# The four Guangdong 三防 response types (DOMAIN.md §2.3), in display order.
DECISION_TYPES: tuple[str, ...] = (
    ResponseType.FLOOD,
    ResponseType.WIND,
    ResponseType.DROUGHT,
    ResponseType.FREEZE,
)


def _require(user: User, perm: str) -> None:
    if not user.is_authenticated or not user.is_active or not user.has_perm(perm):
        raise PermissionDenied(_("You may not see this."))


def level_rank(level: str) -> int:
    """0 for no level, 1 (Ⅳ) … 4 (Ⅰ)."""
    return RESPONSE_LEVEL_RANK.get(level, 0) if level else 0


def rules_visible(*, user: User) -> QuerySet[ResponseRule]:
    _require(user, "sanfang.view_responserule")
    return ResponseRule.objects.all()


def rules_active() -> QuerySet[ResponseRule]:
    return ResponseRule.objects.filter(active=True)


def recommendations_visible(*, user: User) -> QuerySet[ResponseRecommendation]:
    _require(user, "sanfang.view_responserecommendation")
    return ResponseRecommendation.objects.select_related("decided_by", "response")


def recommendation_latest(response_type: str) -> ResponseRecommendation | None:
    return (
        ResponseRecommendation.objects.filter(response_type=response_type)
        .order_by("-computed_at", "-pk")
        .first()
    )


def recommendations_current() -> list[ResponseRecommendation]:
    """The latest recommendation of each type that has one, in ``DECISION_TYPES`` order (then others)."""
    latest: dict[str, ResponseRecommendation] = {}
    for rec in ResponseRecommendation.objects.order_by("response_type", "-computed_at", "-pk").distinct(
        "response_type"
    ):
        latest[rec.response_type] = rec
    order = {t: i for i, t in enumerate(DECISION_TYPES)}
    return sorted(latest.values(), key=lambda r: (order.get(r.response_type, 99), r.response_type))
