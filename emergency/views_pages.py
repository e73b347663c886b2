"""More command-core web pages: digital plans (list, detail, export), resources (teams, depots with
stock, dispatch), the library search and the drills list. Thin views: selectors read, services write."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from emergency.choices import DrillStatus, PlanVersionStatus, ResourceKind, TeamStatus
from emergency.forms import DispatchForm, LibrarySearchForm
from emergency.models import Dispatch, PlanAction, PlanLevel
from emergency.selectors.drills import drills_visible
from emergency.selectors.incidents import incidents_visible
from emergency.selectors.library import library_entries_visible, library_filter, library_search
from emergency.selectors.plans import plan_versions_visible, plans_visible
from emergency.selectors.resources import resources_visible, stock_items_visible
from emergency.services.plans import plan_export
from emergency.services.resources import DISPATCHABLE_INCIDENT_STATUSES, dispatch_create
from emergency.views import _errors_to_form

EXPORT_TYPES = {"yaml": "application/yaml", "json": "application/json"}
LIBRARY_PAGE_ROWS = 30
RECENT_DISPATCHES = 20


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("emergency.view_plan"):
        raise PermissionDenied
    plans = (
        plans_visible(user=request.user)
        .annotate(version_count=Count("versions"))
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=plan_versions_visible(user=request.user).filter(status=PlanVersionStatus.IN_FORCE),
                to_attr="in_force",
            )
        )
        .order_by("code")
    )
    return render(request, "emergency/plan_list.html", {"plans": plans})


def _version(request: HttpRequest, pk: int):
    versions = plan_versions_visible(user=request.user).filter(plan_id=pk)
    number = request.GET.get("version", "")
    if number:
        if not number.isdigit():
            raise Http404
        version = versions.filter(number=int(number)).first()
    else:
        version = (
            versions.filter(status=PlanVersionStatus.IN_FORCE).first() or versions.order_by("-number").first()
        )
    if version is None:
        raise Http404
    return version, versions.order_by("-number")


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A plan's version (in force by default): scope, member units, groups, levels and their actions."""
    if not request.user.has_perm("emergency.view_plan"):
        raise PermissionDenied
    version, versions = _version(request, pk)
    levels = PlanLevel.objects.filter(version=version).prefetch_related(
        Prefetch("actions", queryset=PlanAction.objects.select_related("unit", "group").order_by("order"))
    )
    return render(
        request,
        "emergency/plan_detail.html",
        {
            "plan": version.plan,
            "version": version,
            "versions": versions,
            "units": version.units.select_related("organisation").order_by("order"),
            "groups": version.groups.select_related("lead").prefetch_related("members").order_by("order"),
            "levels": levels,
            "incident_types": version.incident_types.all(),
            "districts": version.districts.all(),
        },
    )


@login_required
def plan_export_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Download the version as YAML or JSON in the import format (phone numbers masked)."""
    if not request.user.has_perm("emergency.view_plan"):
        raise PermissionDenied
    fmt = request.GET.get("as", "yaml")
    if fmt not in EXPORT_TYPES:
        raise Http404
    version, _versions = _version(request, pk)
    text = plan_export(user=request.user, version_id=version.pk, format=fmt)
    response = HttpResponse(text, content_type=f"{EXPORT_TYPES[fmt]}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{version.plan.code}-v{version.number}.{fmt}"'
    return response


@login_required
def resources(request: HttpRequest) -> HttpResponse:
    """Rescue teams with their status, depots with their stock (low stock marked), and dispatching."""
    user = request.user
    teams = resources_visible(user=user, kind=ResourceKind.TEAM).annotate(member_count=Count("members"))
    depots = resources_visible(user=user, kind=ResourceKind.DEPOT).prefetch_related(
        Prefetch("items", queryset=stock_items_visible(user=user).order_by("name"))
    )
    if not (user.has_perm("emergency.view_rescueteam") or user.has_perm("emergency.view_depot")):
        raise PermissionDenied
    form = None
    if user.has_perm("emergency.add_dispatch"):
        form = DispatchForm(
            request.POST or None,
            incidents=incidents_visible(user=user)
            .filter(status__in=DISPATCHABLE_INCIDENT_STATUSES)
            .order_by("-reported_at"),
            teams=teams.filter(status=TeamStatus.READY).order_by("name"),
            experts=resources_visible(user=user, kind=ResourceKind.EXPERT)
            .filter(available=True)
            .order_by("name"),
            items=stock_items_visible(user=user).filter(quantity__gt=0).order_by("depot__name", "name"),
        )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            kind, resource_id = data["kind"], data["resource_id"]
            target = {"team": "team_id", "expert": "expert_id", "stock": "stock_item_id"}.get(kind)
            if target is None or resource_id is None:
                form.add_error("resource", _("Choose a resource."))
            else:
                try:
                    dispatch = dispatch_create(
                        user=user,
                        incident_id=data["incident"].pk,
                        note=data["note"],
                        quantity=data.get("quantity") or 0,
                        **{target: resource_id},
                    )
                except ValidationError as exc:
                    _errors_to_form(form, exc)
                except ObjectDoesNotExist:
                    form.add_error("resource", _("This resource is not yours to dispatch."))
                else:
                    messages.success(
                        request,
                        _("Dispatched to %(incident)s.") % {"incident": dispatch.incident.title},
                    )
                    return redirect("emergency:resources")
    dispatches = (
        Dispatch.objects.filter(incident__in=incidents_visible(user=user).values("pk"))
        .select_related("incident", "team", "expert", "stock_item")
        .order_by("-pk")[:RECENT_DISPATCHES]
        if user.has_perm("emergency.view_dispatch")
        else []
    )
    low = stock_items_visible(user=user).filter(quantity__lt=F("minimum")).count()
    return render(
        request,
        "emergency/resources.html",
        {
            "teams": teams.order_by("name"),
            "experts": resources_visible(user=user, kind=ResourceKind.EXPERT).order_by("name"),
            "shelters": resources_visible(user=user, kind=ResourceKind.SHELTER).order_by("-is_open", "name"),
            "depots": depots.order_by("name"),
            "form": form,
            "dispatches": dispatches,
            "low_stock": low,
        },
    )


@login_required
def library(request: HttpRequest) -> HttpResponse:
    """Search the knowledge, case and document library (Chinese substring search, by kind)."""
    if not request.user.has_perm("emergency.view_libraryentry"):
        raise PermissionDenied
    form = LibrarySearchForm(request.GET or None)
    entries = library_entries_visible(user=request.user)
    q = kind = ""
    if form.is_bound and form.is_valid():
        q, kind = form.cleaned_data["q"].strip(), form.cleaned_data["kind"]
        entries = library_search(library_filter(entries, kind=kind), q=q)
    page = Paginator(entries.order_by("-updated", "-pk"), LIBRARY_PAGE_ROWS).get_page(request.GET.get("page"))
    return render(request, "emergency/library.html", {"form": form, "page": page, "q": q, "kind": kind})


@login_required
def drill_list(request: HttpRequest) -> HttpResponse:
    """Drills, always apart from real events: planned, running, evaluated and filed."""
    if not request.user.has_perm("emergency.view_drill"):
        raise PermissionDenied
    drills = drills_visible(user=request.user).order_by("-scheduled_at", "-pk")
    status = request.GET.get("status", "")
    if status in DrillStatus.values:
        drills = drills.filter(status=status)
    return render(
        request,
        "emergency/drill_list.html",
        {"drills": drills[:200], "status": status, "statuses": DrillStatus.choices},
    )
