"""Web pages of defence preparation and disaster handling: the overview (totals against targets), the
phone report form for member units, and the loss and relief statistics with their Excel export."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from emergency.models import Incident
from sanfang.forms_defence import DefenceReportForm, DisasterReportForm
from sanfang.selectors.defence import (
    defence_can_view,
    defence_current_event,
    defence_event_access,
    defence_events,
    defence_progress,
    defence_reports_visible,
    disaster_statistics,
)
from sanfang.services.defence import (
    defence_report_submit,
    disaster_report_submit,
    disaster_statistics_export_xlsx,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RECENT_REPORTS = 20


def _errors_to_form(form: forms.Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(name if name in form.fields else None, " ".join(error.messages))
    else:
        for message in exc.messages:
            form.add_error(None, message)


def _chosen_event(request: HttpRequest) -> Incident | None:
    raw = request.GET.get("incident", "")
    if not raw:
        return defence_current_event(user=request.user)
    try:
        return defence_event_access(user=request.user, incident_id=int(raw))
    except (ValueError, Incident.DoesNotExist):
        raise Http404 from None


@login_required
def defence_overview(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not defence_can_view(user=user):
        raise PermissionDenied
    event = _chosen_event(request)
    progress = defence_progress(user=user, incident_id=event.pk) if event else None
    return render(
        request,
        "sanfang/defence_overview.html",
        {
            "event": event,
            "events": defence_events(user=user)[:50],
            "progress": progress,
            "can_report": user.has_perm("sanfang.add_defencereport") and bool(user.organisation_id),
            "can_see_losses": user.has_perm("sanfang.view_disasterreport"),
            "can_set_targets": user.is_staff and user.has_perm("sanfang.add_defencetarget"),
            "progress_api": reverse("sanfang-api:defence-progress"),
        },
    )


@login_required
def defence_report(request: HttpRequest) -> HttpResponse:
    """The phone form: a unit reports its running total for one place and category."""
    user = request.user
    if not user.has_perm("sanfang.add_defencereport"):
        raise PermissionDenied
    initial = {}
    current = defence_current_event(user=user)
    if current is not None:
        initial["incident"] = current.pk
    form = DefenceReportForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = defence_report_submit(
                user=user,
                incident_id=data["incident"].pk,
                district_id=data["district"].pk,
                town=data["town"],
                category=data["category"],
                value=data["value"],
                note=data["note"],
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or _("You may not report defence progress."))
        else:
            messages.success(
                request,
                _("Recorded: %(what)s %(n)s in %(place)s.")
                % {
                    "what": report.get_category_display(),
                    "n": report.value,
                    "place": report.town or report.district.name,
                },
            )
            return redirect(f"{reverse('sanfang:defence_report')}?incident={report.incident_id}")
    mine = defence_reports_visible(user=user).filter(organisation_id=user.organisation_id)[:RECENT_REPORTS]
    return render(request, "sanfang/defence_report.html", {"form": form, "mine": mine})


@login_required
def defence_losses(request: HttpRequest) -> HttpResponse:
    """Loss and relief statistics per event and district, the Excel export, and the loss report form."""
    user = request.user
    if not user.has_perm("sanfang.view_disasterreport"):
        raise PermissionDenied
    drill = request.GET.get("drill") == "1"
    incident_id = None
    if request.GET.get("incident"):
        try:
            incident_id = defence_event_access(user=user, incident_id=int(request.GET["incident"])).pk
        except (ValueError, Incident.DoesNotExist):
            raise Http404 from None
    can_report = user.has_perm("sanfang.add_disasterreport")
    form = DisasterReportForm(request.POST or None, user=user) if can_report else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                disaster_report_submit(
                    user=user,
                    incident_id=data.pop("incident").pk,
                    district_id=data.pop("district").pk,
                    **data,
                )
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                messages.success(request, _("The loss report has been recorded."))
                return redirect("sanfang:defence_losses")
    statistics = disaster_statistics(user=user, incident_id=incident_id, drill=drill)
    if request.GET.get("export") == "xlsx":
        response = HttpResponse(
            disaster_statistics_export_xlsx(statistics=statistics, drill=drill), content_type=XLSX
        )
        name = "drill-disaster" if drill else "disaster"
        response["Content-Disposition"] = f'attachment; filename="{name}-{timezone.localdate():%Y%m%d}.xlsx"'
        return response
    query = request.GET.copy()
    query["export"] = "xlsx"
    return render(
        request,
        "sanfang/defence_losses.html",
        {
            "statistics": statistics,
            "drill": drill,
            "incident_id": incident_id,
            "events": defence_events(user=user).filter(drill=drill)[:100],
            "form": form,
            "export_query": query.urlencode(),
        },
    )
