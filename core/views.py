from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.health import health_report
from core.navigation import SECTIONS, section_by_slug


@login_required
def home(request):
    return render(request, "core/home.html", {"sections": [s for s in SECTIONS if s.slug != "admin"]})


@login_required
def section(request, slug: str):
    found = section_by_slug(slug)
    if found is None:
        raise Http404
    return render(request, "core/section_pending.html", {"section": found})


@never_cache
@require_GET
def healthz(request):
    report = health_report()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)
