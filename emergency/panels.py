"""The command core's big-screen panels: today's incidents, the resources ready to go, and the active
responses with their task progress."""

from __future__ import annotations

from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from emergency.bigscreen import Panel, register_panel
from emergency.choices import IncidentStatus, ResourceKind, ResponseLevel, TeamStatus
from emergency.selectors.incidents import incidents_visible, type_display_name
from emergency.selectors.resources import resources_visible, stock_items_visible
from emergency.selectors.responses import responses_active
from emergency.services.incidents import INCIDENTS_TODAY
from emergency.services.resources import RESOURCES_READY
from emergency.services.responses import ACTIVE_RESPONSES


def _incidents_today(user: User) -> dict:
    """One row per incident type reported today (local time), with its count per status."""
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    counts = (
        incidents_visible(user=user)
        .filter(reported_at__gte=start)
        .order_by()
        .values("type", "status")
        .annotate(n=Count("id"))
    )
    by_type: dict[int, dict[str, int]] = {}
    for row in counts:
        by_type.setdefault(row["type"], {})[row["status"]] = row["n"]
    from emergency.models import IncidentType

    types = {t.pk: t for t in IncidentType.objects.filter(pk__in=by_type)}
    rows = []
    for type_id, statuses in sorted(by_type.items(), key=lambda kv: -sum(kv[1].values())):
        parts = [f"{IncidentStatus(s).label} {n}" for s, n in statuses.items()]
        open_count = sum(
            n for s, n in statuses.items() if s in (IncidentStatus.REPORTED, IncidentStatus.VERIFIED)
        )
        rows.append(
            {
                "label": f"{type_display_name(types[type_id])} · {sum(statuses.values())}",
                "value": " / ".join(parts),
                "state": "late" if open_count else "ok",
            }
        )
    return {"rows": rows}


def _resources_ready(user: User) -> dict:
    teams = resources_visible(user=user, kind=ResourceKind.TEAM).aggregate(
        total=Count("id"), ready=Count("id", filter=Q(status=TeamStatus.READY))
    )
    experts = resources_visible(user=user, kind=ResourceKind.EXPERT).aggregate(
        total=Count("id"), ready=Count("id", filter=Q(available=True))
    )
    shelters = (
        resources_visible(user=user, kind=ResourceKind.SHELTER)
        .filter(is_open=True)
        .aggregate(n=Count("id"), capacity=Sum("capacity"), occupancy=Sum("occupancy"))
    )
    items = stock_items_visible(user=user)
    low = items.filter(quantity__lt=F("minimum")).count()
    rows = [
        {
            "label": _("Rescue teams ready"),
            "value": f"{teams['ready']} / {teams['total']}",
            "state": "ok" if teams["ready"] else "late",
        },
        {
            "label": _("Experts available"),
            "value": f"{experts['ready']} / {experts['total']}",
            "state": "ok" if experts["ready"] else "late",
        },
        {
            "label": _("Open shelters, free places"),
            "value": f"{shelters['n']} · {(shelters['capacity'] or 0) - (shelters['occupancy'] or 0)}",
            "state": "ok",
        },
        {
            "label": _("Stock items below minimum"),
            "value": f"{low} / {items.count()}",
            "state": "late" if low else "ok",
        },
    ]
    return {"rows": rows}


register_panel(
    Panel(
        INCIDENTS_TODAY,
        gettext_lazy("Today's incidents by type and status"),
        "table",
        _incidents_today,
        order=20,
        empty=gettext_lazy("No incidents reported today."),
    )
)
register_panel(Panel(RESOURCES_READY, gettext_lazy("Resources ready"), "table", _resources_ready, order=30))


def _active_responses(user: User) -> dict:
    """One row per active response: plan, level and subject; tasks done / total, and overdue ones."""
    rows = []
    for response in responses_active(user=user).order_by("-level_since")[:12]:
        subject = response.event_name or (response.incident.title if response.incident_id else "")
        value = _("%(done)d/%(total)d tasks done") % {
            "done": response.tasks_done,
            "total": response.tasks_total,
        }
        if response.tasks_overdue:
            value += " · " + _("%(n)d overdue") % {"n": response.tasks_overdue}
        drill = f"[{_('Drill')}] " if response.drill else ""
        rows.append(
            {
                "label": f"{drill}{response.plan_version.name} {ResponseLevel(response.level).label} · {subject}",
                "value": value,
                "state": "late" if response.tasks_overdue else "ok",
            }
        )
    return {"rows": rows}


register_panel(
    Panel(
        ACTIVE_RESPONSES,
        gettext_lazy("Active responses and task progress"),
        "table",
        _active_responses,
        order=15,
        empty=gettext_lazy("No response is active."),
    )
)
