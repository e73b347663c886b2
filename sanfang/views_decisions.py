"""The 三防 decisions page: recommended response levels with their reasons, confirm / dismiss."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from emergency.triggers import FACTS
from sanfang.facts import live_facts
from sanfang.models import ResponseRecommendation
from sanfang.selectors.decisions import recommendations_current, recommendations_visible, rules_active
from sanfang.services.decisions import recommendation_confirm, recommendation_reject
from sanfang.services.risk import risk_by_district


@login_required
def decisions(request: HttpRequest) -> HttpResponse:
    user = request.user
    history = recommendations_visible(user=user).order_by("-computed_at", "-pk")[:20]
    facts = [
        {"name": name, "label": FACTS[name].label, "value": value, "unit": FACTS[name].unit}
        for name, value in sorted(live_facts().items())
    ]
    return render(
        request,
        "sanfang/decisions.html",
        {
            "current": recommendations_current(),
            "history": history,
            "facts": facts,
            "rules": rules_active().order_by("response_type", "level"),
            "risk": [a.as_json() for a in risk_by_district()]
            if user.has_perm("sanfang.view_hazardpoint")
            else [],
            "can_decide": user.has_perm("sanfang.decide_recommendation"),
            "open": ResponseRecommendation.Status.OPEN,
        },
    )


@login_required
@require_POST
def decide(request: HttpRequest, pk: int, verdict: str) -> HttpResponse:
    reason = request.POST.get("reason", "")
    try:
        if verdict == "confirm":
            rec = recommendation_confirm(user=request.user, recommendation_id=pk, reason=reason)
            messages.success(
                request,
                _("Confirmed: %(type)s %(level)s response is active.")
                % {"type": rec.get_response_type_display(), "level": rec.get_level_display()},
            )
        else:
            rec = recommendation_reject(user=request.user, recommendation_id=pk, reason=reason)
            messages.success(request, _("The recommendation was dismissed."))
    except ResponseRecommendation.DoesNotExist:
        raise Http404 from None
    except PermissionDenied:
        raise
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("sanfang:decisions")
