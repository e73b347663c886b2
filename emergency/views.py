import datetime as dt
from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from emergency.api.incident_serializers import mask_phone
from emergency.choices import (
    ALERT_LEVEL_COLOURS,
    OPEN_TASK_STATUSES,
    AlertKind,
    AlertLevel,
    IncidentLevel,
    IncidentStatus,
    IncidentUpdateKind,
    ResourceKind,
    ResponseStatus,
)
from emergency.forms import DutyShiftForm, HandoverForm, LossFilterForm, ResponseStartForm, TaskReportForm
from emergency.models import Incident, IncidentType, PlanUnit, ResponseTask
from emergency.selectors.contacts import contact_phones_allowed, contacts_visible
from emergency.selectors.duty import duty_roster, handover_receivers, handover_shift_for, handovers_visible
from emergency.selectors.incidents import (
    incident_access,
    incident_search,
    incident_statistics,
    incidents_visible,
    type_display_name,
)
from emergency.selectors.responses import response_progress, responses_visible, tasks_visible
from emergency.services.contacts import contact_phone_reveal
from emergency.services.duty import duty_shift_create, handover_record
from emergency.services.exports import losses_export_xlsx
from emergency.services.responses import response_start, task_report
from gis.views import map_context

# The one map lists this many shelters and teams within this radius of a newly reported incident.
NEAREST_RADIUS_M = 10_000
NEAREST_LIMIT = 5
# The loss statistics page lists this many incidents (the Excel export has them all).
LOSS_PAGE_ROWS = 200
CONTACTS_PAGE_ROWS = 500
DUTY_ROSTER_DAYS = 7


def live_labels() -> dict:
    """Labels the screens show for codes pushed over the socket, in the page's language."""
    return {
        "levels": {level.value: str(level.label) for level in AlertLevel},
        "kinds": {kind.value: str(kind.label) for kind in AlertKind},
        "colours": ALERT_LEVEL_COLOURS,
    }


def live_text() -> dict:
    return {
        "state_connecting": _("Connecting…"),
        "state_open": _("Live"),
        "state_closed": _("Connection lost: reconnecting…"),
        "state_unauthorised": _("Signed out: reload the page and sign in."),
        "acknowledge": _("Acknowledge"),
        "acknowledged_by": _("Acknowledged by %(user)s at %(time)s"),
        "ack_failed": _("Could not acknowledge: %(reason)s"),
        "drill": _("Drill"),
        "no_alerts": _("No alerts."),
        "freshness": _("Data as of %(time)s"),
        "seconds_ago": _("%(n)s s ago"),
        "cleared": _("Cleared"),
    }


def live_config(request: HttpRequest) -> dict:
    """The live socket's settings for a page; also added to the one map's configuration."""
    return {
        "live": {
            "socket": "/ws/live/",
            "sync_seconds": settings.LIVE_SYNC_SECONDS,
            "can_acknowledge": request.user.has_perm("emergency.acknowledge_alert"),
            "labels": live_labels(),
            "text": live_text(),
        }
    }


@login_required
def bigscreen(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "emergency/bigscreen.html",
        {"map_config": map_context(request)},
    )


# --- Command-core pages: incidents, responses, tasks ------------------------------------------------


def _errors_to_form(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: known fields by name, the rest on the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                message = " ".join(error.messages)
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def incident_report_config(request: HttpRequest) -> dict:
    """The one map's "report an incident" mode: offered to users who may report incidents."""
    user = request.user
    if not user.is_authenticated or not user.has_perm("emergency.add_incident"):
        return {}
    types = [
        {"code": t.code, "label": type_display_name(t), "category": str(t.parent)}
        for t in IncidentType.objects.filter(parent__isnull=False).select_related("parent")
    ]
    return {
        "incident_report": {
            "types": types,
            "levels": [{"value": level.value, "label": str(level.label)} for level in IncidentLevel],
            "api": reverse("incident-list"),
            "detail_url": reverse("emergency:incident_detail", args=[0]),
            "radius_m": NEAREST_RADIUS_M,
            "limit": NEAREST_LIMIT,
            "kinds": [
                {"kind": ResourceKind.SHELTER.value, "label": str(_("Nearest shelters"))},
                {"kind": ResourceKind.TEAM.value, "label": str(_("Nearest rescue teams"))},
            ],
            "text": {
                "start": _("Report an incident"),
                "cancel": _("Cancel"),
                "click_map": _("Click the map where the incident is."),
                "placed": _("Location: %(lat)s, %(lon)s (click again to move it)."),
                "title": _("Title"),
                "type": _("Type"),
                "level": _("Level"),
                "description": _("Description"),
                "address": _("Address"),
                "submit": _("Submit the report"),
                "choose": _("Choose…"),
                "no_point": _("Click the map to place the incident first."),
                "failed": _("The report was not saved: %(reason)s"),
                "saved": _("Incident recorded: %(title)s"),
                "open": _("Open the incident"),
                "none_near": _("None within %(km)s km."),
                "distance": _("%(km)s km"),
            },
        }
    }


@login_required
def incident_list(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("emergency.view_incident"):
        raise PermissionDenied
    incidents = incidents_visible(user=request.user).order_by("-reported_at")
    q = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    drill = request.GET.get("drill") == "1"  # drills are listed apart from real events, never mixed
    incidents = incidents.filter(drill=drill)
    if q:
        incidents = incident_search(incidents, q=q)
    if status in IncidentStatus.values:
        incidents = incidents.filter(status=status)
    page = Paginator(incidents, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "emergency/incident_list.html",
        {"page": page, "q": q, "status": status, "statuses": IncidentStatus.choices, "drill": drill},
    )


@login_required
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    try:
        incident = incident_access(user=user, incident_id=pk)
    except Incident.DoesNotExist:
        raise Http404 from None
    can_command = user.has_perm("emergency.command_response")
    form = ResponseStartForm(request.POST or None, user=user) if can_command else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                response = response_start(
                    user=user,
                    plan_id=form.cleaned_data["plan"].pk,
                    level=form.cleaned_data["level"],
                    incident_id=incident.pk,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                messages.success(
                    request,
                    _("%(level)s response started: %(n)d tasks sent to the units.")
                    % {"level": response.get_level_display(), "n": response.tasks.count()},
                )
                return redirect("emergency:incident_detail", pk=incident.pk)
    responses = response_progress(responses=responses_visible(user=user).filter(incident=incident)).order_by(
        "-started_at"
    )
    updates = list(
        incident.updates.select_related("author").prefetch_related("attachments").order_by("created")
    )
    labels = {
        IncidentUpdateKind.STATUS: dict(IncidentStatus.choices),
        IncidentUpdateKind.LEVEL: dict(IncidentLevel.choices),
    }.get
    for update in updates:  # codes in the timeline shown by their labels
        names = labels(update.kind) or {}
        update.old_label = names.get(update.old_value, update.old_value)
        update.new_label = names.get(update.new_value, update.new_value)
    return render(
        request,
        "emergency/incident_detail.html",
        {"incident": incident, "updates": updates, "responses": responses, "form": form},
    )


@login_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.has_perm("emergency.view_responsetask"):
        raise PermissionDenied
    show = request.GET.get("show", "open")
    tasks = tasks_visible(user=user).select_related("response__incident", "response__plan")
    if show == "open":
        tasks = tasks.filter(status__in=OPEN_TASK_STATUSES, response__status=ResponseStatus.ACTIVE)
    tasks = tasks.prefetch_related("reports__author", "reports__attachments").order_by("deadline", "pk")
    return render(
        request,
        "emergency/my_tasks.html",
        {
            "tasks": tasks,
            "show": show,
            "can_report": user.has_perm("emergency.report_task"),
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def task_report_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    form = TaskReportForm(request.POST, request.FILES)
    if form.is_valid():
        files = [form.cleaned_data["photo"]] if form.cleaned_data.get("photo") else []
        try:
            task_report(
                user=user,
                task_id=pk,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                files=files,
            )
        except ResponseTask.DoesNotExist:
            raise Http404 from None
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Your report has been recorded."))
            return redirect(f"{reverse('emergency:my_tasks')}#task-{pk}")
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)
    return redirect(f"{reverse('emergency:my_tasks')}#task-{pk}")


@login_required
def loss_statistics(request: HttpRequest) -> HttpResponse:
    """Loss statistics (灾情统计) per district and per incident, for a period; drills apart."""
    if not request.user.has_perm("emergency.view_incident"):
        raise PermissionDenied
    form = LossFilterForm(request.GET or None)
    incidents = incidents_visible(user=request.user).filter(drill=False)
    drill = False
    if form.is_bound and form.is_valid():
        drill = form.cleaned_data["drill"]
        incidents = incidents_visible(user=request.user).filter(drill=drill)
        zone = timezone.get_current_timezone()
        if form.cleaned_data["occurred_after"]:
            start = dt.datetime.combine(form.cleaned_data["occurred_after"], dt.time.min, tzinfo=zone)
            incidents = incidents.filter(occurred_at__gte=start)
        if form.cleaned_data["occurred_before"]:
            end = dt.datetime.combine(form.cleaned_data["occurred_before"], dt.time.max, tzinfo=zone)
            incidents = incidents.filter(occurred_at__lte=end)
    by_district = incident_statistics(queryset=incidents, by="district")
    incidents = incidents.order_by("-occurred_at", "-pk")
    if request.GET.get("export") == "xlsx" and not form.errors:
        body = losses_export_xlsx(by_district=by_district, incidents=incidents, drill=drill)
        response = HttpResponse(
            body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        name = "drill-losses" if drill else "losses"
        response["Content-Disposition"] = f'attachment; filename="{name}-{timezone.localdate():%Y%m%d}.xlsx"'
        return response
    totals = {
        key: sum(row[key] for row in by_district)
        for key in ("count", "deaths", "injuries", "missing", "evacuated")
    }
    totals["economic_loss"] = sum(Decimal(row["economic_loss"]) for row in by_district)
    query = request.GET.copy()
    query["export"] = "xlsx"
    return render(
        request,
        "emergency/loss_statistics.html",
        {
            "form": form,
            "drill": drill,
            "by_district": by_district,
            "totals": totals,
            "incidents": incidents[:LOSS_PAGE_ROWS],
            "more": max(0, incidents.count() - LOSS_PAGE_ROWS),
            "export_query": query.urlencode(),
        },
    )


@login_required
def contacts(request: HttpRequest) -> HttpResponse:
    """The contacts directory: masked numbers; commanders and duty officers may reveal one (audited)."""
    user = request.user
    q = request.GET.get("q", "").strip()[:100]
    allowed = contact_phones_allowed(user=user)
    revealed: dict[int, str] = {}
    if request.method == "POST":
        if not allowed:
            raise PermissionDenied
        try:
            unit_id = int(request.POST.get("unit", ""))
            revealed[unit_id] = contact_phone_reveal(user=user, unit_id=unit_id)
        except (ValueError, PlanUnit.DoesNotExist):
            raise Http404 from None
    units = list(contacts_visible(user=user, q=q)[:CONTACTS_PAGE_ROWS])
    for unit in units:
        unit.phone_shown = revealed.get(unit.pk) or mask_phone(unit.phone)
        unit.revealed = unit.pk in revealed
    return render(request, "emergency/contacts.html", {"units": units, "q": q, "can_reveal": allowed})


@login_required
def duty(request: HttpRequest) -> HttpResponse:
    """Duty (应急值守): the week's roster, who is on duty now, adding shifts, handing a shift over."""
    user = request.user
    if not user.has_perm("emergency.view_dutyshift"):
        raise PermissionDenied
    now = timezone.now()
    can_keep = user.has_perm("emergency.add_dutyshift")
    outgoing = handover_shift_for(user=user) if user.has_perm("emergency.add_handoverlog") else None
    action = request.POST.get("action") if request.method == "POST" else None
    shift_form = DutyShiftForm(request.POST if action == "shift" else None, user=user) if can_keep else None
    handover_form = (
        HandoverForm(
            request.POST if action == "handover" else None, receivers=handover_receivers(shift=outgoing)
        )
        if outgoing
        else None
    )
    if action == "shift":
        if shift_form is None:
            raise PermissionDenied
        if shift_form.is_valid():
            try:
                duty_shift_create(user=user, **shift_form.cleaned_data)
            except ValidationError as exc:
                _errors_to_form(shift_form, exc)
            else:
                messages.success(request, _("The shift is on the roster."))
                return redirect("emergency:duty")
    elif action == "handover":
        if handover_form is None:
            messages.error(request, _("You have no shift to hand over now."))
            return redirect("emergency:duty")
        if handover_form.is_valid():
            try:
                handover_record(user=user, **handover_form.cleaned_data)
            except ValidationError as exc:
                _errors_to_form(handover_form, exc)
            else:
                messages.success(request, _("The shift has been handed over."))
                return redirect("emergency:duty")
    start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    roster = list(duty_roster(user=user, start=start, days=DUTY_ROSTER_DAYS))
    for shift in roster:
        shift.now = shift.starts_at <= now < shift.ends_at
        shift.day = timezone.localtime(shift.starts_at).date()
    return render(
        request,
        "emergency/duty.html",
        {
            "roster": roster,
            "on_duty": [s for s in roster if s.now],
            "shift_form": shift_form,
            "handover_form": handover_form,
            "outgoing": outgoing,
            "handovers": handovers_visible(user=user)[:20],
            "days": DUTY_ROSTER_DAYS,
        },
    )
