"""Demo defence targets (and a few first reports) for a typhoon event, so the defence pages and the
big-screen panel have something to show. The figures were made up by the project for the demo; they
are not official statistics.

Registered from ``sanfang/ready_defence.py`` as the ``defence targets`` loader of ``make demo``; the Hato
replay then reports progress on the demo event step by step (``defence_demo_progress``).
"""

from __future__ import annotations

from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Organisation, User
from core.demo import DemoContext, register_demo_loader
from emergency.models import Incident, IncidentType
from emergency.services.incidents import incident_report
from gis.models import AdminArea
from sanfang.choices import DefenceCategory as C
from sanfang.models import DefenceReport, DefenceTarget
from sanfang.services.defence import defence_report_submit

DEMO_EVENT_TITLE = "台风防御（演示事件）"
# (district adcode, town, category, target) — made up for the demo.
DEMO_TARGETS: list[tuple[str, str, str, int]] = [
    ("440402", "拱北街道", C.PEOPLE_MOVED, 3200),
    ("440402", "拱北街道", C.PEOPLE_RESETTLED, 3200),
    ("440402", "", C.SHIPS_IN_PORT, 450),
    ("440402", "", C.PEOPLE_ASHORE, 1800),
    ("440402", "", C.HAZARD_POINTS_INSPECTED, 60),
    ("440402", "", C.TARGETS_CHECKED, 40),
    ("440403", "井岸镇", C.PEOPLE_MOVED, 2100),
    ("440403", "井岸镇", C.PEOPLE_RESETTLED, 2100),
    ("440403", "", C.HAZARD_POINTS_INSPECTED, 45),
    ("440404", "三灶镇", C.PEOPLE_MOVED, 2600),
    ("440404", "三灶镇", C.PEOPLE_RESETTLED, 2600),
    ("440404", "", C.SHIPS_IN_PORT, 620),
    ("440404", "", C.PEOPLE_ASHORE, 2400),
    ("440404", "", C.TARGETS_CHECKED, 25),
]
# First reports by the demo water bureau (unit code, adcode, town, category, value so far).
DEMO_REPORTS: list[tuple[str, str, str, str, int]] = [
    ("demo-water", "440402", "", C.HAZARD_POINTS_INSPECTED, 22),
    ("demo-water", "440403", "", C.HAZARD_POINTS_INSPECTED, 18),
]


def defence_demo_targets(*, incident: Incident) -> int:
    """Set the demo targets on ``incident`` (idempotent); returns how many were created."""
    areas = {a.adcode: a for a in AdminArea.objects.filter(adcode__in={row[0] for row in DEMO_TARGETS})}
    created = 0
    for adcode, town, category, target in DEMO_TARGETS:
        area = areas.get(adcode)
        if area is None:
            continue
        _row, was_created = DefenceTarget.objects.update_or_create(
            incident=incident, district=area, town=town, category=category, defaults={"target": target}
        )
        created += was_created
    return created


def _demo_event() -> Incident | None:
    existing = Incident.objects.filter(title=DEMO_EVENT_TITLE).first()
    if existing is not None:
        return existing
    commander = User.objects.filter(username="commander").first()
    kind = IncidentType.objects.filter(code="typhoon").first()
    if commander is None or kind is None:
        return None
    return incident_report(
        user=commander,
        title=DEMO_EVENT_TITLE,
        type=kind,
        level="III",
        geom=Point(113.576, 22.271, srid=4326),
        source="other",
        description="演示用台风防御事件，数据为项目自拟。",
    )


@register_demo_loader("defence targets", order=60)
def load_defence(ctx: DemoContext) -> None:
    event = _demo_event()
    if event is None:
        ctx.say("defence targets skipped: no commander or typhoon type yet")
        return
    created = defence_demo_targets(incident=event)
    units = {o.code: o for o in Organisation.objects.filter(code__in={row[0] for row in DEMO_REPORTS})}
    reporter = User.objects.filter(username="unitstaff").first()
    reports = 0
    for code, adcode, town, category, value in DEMO_REPORTS:
        area = AdminArea.objects.filter(adcode=adcode).first()
        if reporter is None or area is None or code not in units:
            continue
        # Reports are a history (the latest counts); a first one only where the unit has none yet,
        # so loading again after a replay has reported keeps the replay's figures.
        key = {
            "incident": event,
            "organisation": units[code],
            "district": area,
            "town": town,
            "category": category,
        }
        if DefenceReport.objects.filter(**key).exists():
            continue
        DefenceReport.objects.create(**key, value=value, reporter=reporter, note="演示数据")
        reports += 1
    ctx.say(f"defence: {created} targets and {reports} reports for {DEMO_EVENT_TITLE}")


DEMO_REPORTER = "unitstaff"


def defence_demo_progress(*, fraction: float) -> int:
    """Report the demo event's progress at ``fraction`` (0–1) of every target, through the service,
    as the demo member unit's staff would: the Hato replay calls it as the storm closes in, so the
    defence pages and the big screen fill while the demo runs. Returns how many reports it sent."""
    event = Incident.objects.filter(title=DEMO_EVENT_TITLE).first()
    reporter = User.objects.filter(username=DEMO_REPORTER, is_active=True).first()
    if event is None or reporter is None:
        return 0
    fraction = min(max(fraction, 0.0), 1.0)
    sent = 0
    for row in DefenceTarget.objects.filter(incident=event).order_by("category"):
        value = round(row.target * fraction)
        try:
            defence_report_submit(
                user=reporter,
                incident_id=event.pk,
                district_id=row.district_id,
                category=row.category,
                value=value,
                town=row.town,
                note="演示数据（推演合成）",
            )
        except (PermissionDenied, ValidationError):
            # A figure the service refuses (for example resettled ahead of moved) waits for the
            # next step; the demo never writes around the checks.
            continue
        sent += 1
    return sent
