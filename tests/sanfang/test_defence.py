"""Defence preparation (防御准备) and disaster handling (灾情): reports against targets, validation, scope,
audit, the big-screen panel, the API, the pages and the Excel export."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import load_workbook

from accounts.choices import OrganisationKind as K
from accounts.choices import RoleCode as R
from accounts.models import AuditEntry
from accounts.services.roles import role_assign
from emergency.bigscreen import panel_render, panels
from sanfang.models import DefenceReport, DisasterReport
from sanfang.selectors.defence import defence_progress, disaster_statistics
from sanfang.services.defence import (
    DEFENCE_PANEL,
    defence_report_submit,
    defence_target_set,
    disaster_report_submit,
)
from tests.emergency.command_fixtures import client_for, report
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

MOVED, RESETTLED, SHIPS = "people_moved", "people_resettled", "ships_in_port"


@pytest.fixture
def defence(personas):
    """A typhoon event of the bureau with targets in both districts, and member-unit staff: one in
    district A's town office, one in district B, one at the city's ocean bureau (no district)."""
    event = report(personas.duty, title="台风天鸽防御")
    ocean = OrganisationFactory(name="珠海市海洋局", kind=K.MEMBER_UNIT, parent=personas.bureau)

    def staff(username, org):
        user = UserFactory(username=username, organisation=org)
        role_assign(user=user, role_code=R.MEMBER_UNIT_STAFF)
        return user

    c = personas.commander
    a, b = personas.area_a, personas.area_b
    defence_target_set(
        user=c, incident_id=event.pk, district_id=a.pk, town="拱北", category=MOVED, target=1000
    )
    defence_target_set(
        user=c, incident_id=event.pk, district_id=b.pk, town="井岸", category=MOVED, target=500
    )
    defence_target_set(user=c, incident_id=event.pk, district_id=a.pk, town="", category=SHIPS, target=300)
    return SimpleNamespace(
        event=event,
        staff_a=staff("staff_town_a", personas.town_a),
        staff_b=staff("staff_b", personas.district_b),
        ocean=staff("staff_ocean", ocean),
    )


def submit(user, event, district, category, value, town="", note=""):
    return defence_report_submit(
        user=user,
        incident_id=event.pk,
        district_id=district.pk,
        category=category,
        value=value,
        town=town,
        note=note,
    )


def totals(user, event) -> dict:
    return {
        line.category: (line.done, line.target)
        for line in defence_progress(user=user, incident_id=event.pk)["totals"]
    }


def test_latest_report_per_unit_and_place_counts_against_targets(personas, defence):
    ev, a, b = defence.event, personas.area_a, personas.area_b
    submit(defence.staff_a, ev, a, MOVED, 300, town="拱北")
    submit(defence.staff_a, ev, a, MOVED, 650, town="拱北")  # the running total, not an increase
    submit(defence.staff_b, ev, b, MOVED, 200, town="井岸")
    submit(defence.ocean, ev, a, SHIPS, 120)
    submit(defence.ocean, ev, b, SHIPS, 80)
    submit(defence.staff_a, ev, a, RESETTLED, 600, town="拱北")
    city = totals(personas.commander, ev)
    assert city[MOVED] == (850, 1500)
    assert city[SHIPS] == (200, 300)
    assert city[RESETTLED] == (600, 0)
    progress = defence_progress(user=personas.commander, incident_id=ev.pk)
    assert progress["units"] == 3
    gongbei = next(p for p in progress["places"] if p.town == "拱北")
    assert (gongbei.lines[MOVED].done, gongbei.lines[MOVED].target, gongbei.lines[MOVED].percent) == (
        650,
        1000,
        65,
    )
    # District B's unit sees only district B.
    assert totals(defence.staff_b, ev)[MOVED] == (200, 500)
    assert totals(defence.staff_b, ev)[SHIPS] == (80, 0)


def test_validation_gives_clear_field_errors(personas, defence):
    ev, a = defence.event, personas.area_a
    with pytest.raises(ValidationError) as negative:
        submit(defence.staff_a, ev, a, MOVED, -5, town="拱北")
    assert "value" in negative.value.message_dict
    with pytest.raises(ValidationError) as text:
        submit(defence.staff_a, ev, a, MOVED, "many", town="拱北")
    assert "value" in text.value.message_dict
    with pytest.raises(ValidationError) as typo:
        submit(defence.staff_a, ev, a, MOVED, 99_000_000, town="拱北")
    assert "99000000" in typo.value.message_dict["value"][0]
    with pytest.raises(ValidationError) as category:
        submit(defence.staff_a, ev, a, "cats_rescued", 1)
    assert "category" in category.value.message_dict
    # Resettled never exceeds moved for the same unit and place.
    submit(defence.staff_a, ev, a, MOVED, 100, town="拱北")
    with pytest.raises(ValidationError) as resettled:
        submit(defence.staff_a, ev, a, RESETTLED, 101, town="拱北")
    assert "100" in resettled.value.message_dict["value"][0]
    submit(defence.staff_a, ev, a, RESETTLED, 100, town="拱北")
    # A lower running total is a correction and needs a note.
    with pytest.raises(ValidationError) as lower:
        submit(defence.staff_a, ev, a, MOVED, 90, town="拱北")
    assert "note" in lower.value.message_dict
    submit(defence.staff_a, ev, a, MOVED, 110, town="拱北", note="")
    assert DefenceReport.objects.filter(category=MOVED).count() == 2


def test_scope_permissions_and_closed_events(personas, defence):
    ev = defence.event
    with pytest.raises(ValidationError) as other_district:
        submit(defence.staff_b, ev, personas.area_a, MOVED, 10)
    assert "district" in other_district.value.message_dict
    # A city-level unit reports for any district.
    submit(defence.ocean, ev, personas.area_b, SHIPS, 5)
    with pytest.raises(PermissionDenied):
        submit(personas.grid_a, ev, personas.area_a, MOVED, 10)
    with pytest.raises(PermissionDenied):
        submit(personas.outsider, ev, personas.area_a, MOVED, 10)
    with pytest.raises(PermissionDenied):
        defence_target_set(
            user=defence.staff_a, incident_id=ev.pk, district_id=personas.area_a.pk, category=MOVED, target=5
        )
    ev.status = "closed"
    ev.save(update_fields=["status"])
    with pytest.raises(ValidationError) as closed:
        submit(defence.ocean, ev, personas.area_b, SHIPS, 6)
    assert "incident" in closed.value.message_dict


def test_reports_and_targets_are_audited_and_refresh_the_panel(
    personas, defence, django_capture_on_commit_callbacks
):
    before = AuditEntry.objects.count()
    with django_capture_on_commit_callbacks() as callbacks:
        report_row = submit(defence.staff_a, defence.event, personas.area_a, MOVED, 10, town="拱北")
    assert len(callbacks) == 1  # one panel refresh broadcast
    entry = AuditEntry.objects.order_by("-pk").first()
    assert AuditEntry.objects.count() == before + 1 and entry.actor_id == defence.staff_a.pk
    assert entry.object_id == str(report_row.pk)

    assert DEFENCE_PANEL in [p.key for p in panels()]
    panel = next(p for p in panels() if p.key == DEFENCE_PANEL)
    rows = panel_render(panel, user=personas.commander)["data"]["rows"]
    assert rows[0]["label"] == "台风天鸽防御"
    moved = next(r for r in rows if r["label"] in ("People moved", "转移人员", "已转移人员"))
    assert moved["value"].startswith("10 / 1,500") and moved["state"] == "late"
    assert panel_render(panel, user=personas.outsider)["data"]["rows"] == []


def test_disaster_reports_statistics_and_excel(personas, defence):
    ev, a, b = defence.event, personas.area_a, personas.area_b
    d = personas.duty

    def loss(district, **figures):
        return disaster_report_submit(user=d, incident_id=ev.pk, district_id=district.pk, **figures)

    loss(a, affected_people=100, deaths=1, economic_loss="12.5")
    loss(a, affected_people=150, deaths=2, injuries=5, economic_loss="20.25", relief_funds="3")
    loss(b, affected_people=40, people_relocated=35)
    with pytest.raises(ValidationError) as negative:
        loss(b, deaths=-1)
    assert "deaths" in negative.value.message_dict
    with pytest.raises(ValidationError) as money:
        loss(b, economic_loss="-3")
    assert "economic_loss" in money.value.message_dict
    with pytest.raises(ValidationError) as more_dead:
        loss(b, affected_people=2, deaths=3)
    assert "affected_people" in more_dead.value.message_dict
    assert DisasterReport.objects.count() == 3

    stats = disaster_statistics(user=personas.commander, incident_id=ev.pk)
    assert [(r["district"], r["affected_people"], r["deaths"]) for r in stats["rows"]] == [
        ("香洲区", 150, 2),
        ("斗门区", 40, 0),
    ]
    assert stats["totals"]["affected_people"] == 190 and str(stats["totals"]["economic_loss"]) == "20.25"
    assert disaster_statistics(user=personas.commander, drill=True)["rows"] == []

    client = client_for(personas.commander)
    xlsx = client.get("/sanfang/defence/losses/", {"export": "xlsx"})
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxml")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Event" and len(rows) == 4
    assert rows[1][:5] == ("台风天鸽防御", "香洲区", rows[1][2], 150, 2)
    assert rows[-1][0] == "Total" and rows[-1][3] == 190


def test_api_progress_reports_and_errors(personas, defence):
    staff = client_for(defence.staff_a)
    ok = staff.post(
        "/api/sanfang/defence/reports/",
        {
            "incident": defence.event.pk,
            "district": personas.area_a.pk,
            "town": "拱北",
            "category": MOVED,
            "value": 420,
        },
        format="json",
    )
    assert ok.status_code == 201, ok.json()
    bad = staff.post(
        "/api/sanfang/defence/reports/",
        {"incident": defence.event.pk, "district": personas.area_a.pk, "category": MOVED, "value": -1},
        format="json",
    )
    assert bad.status_code == 400 and [e["field"] for e in bad.json()["errors"]] == ["value"]
    progress = client_for(personas.commander).get(
        "/api/sanfang/defence/progress/", {"incident": defence.event.pk}
    )
    assert progress.status_code == 200
    moved = next(t for t in progress.json()["totals"] if t["category"] == MOVED)
    assert (moved["done"], moved["target"], moved["percent"]) == (420, 1500, 28)
    # The default event is the current one.
    assert client_for(personas.commander).get("/api/sanfang/defence/progress/").json()["incident"]["id"] == (
        defence.event.pk
    )
    assert client_for(personas.grid_a).get("/api/sanfang/defence/progress/").status_code == 403
    target = client_for(personas.commander).post(
        "/api/sanfang/defence/targets/",
        {"incident": defence.event.pk, "district": personas.area_b.pk, "category": SHIPS, "target": 50},
        format="json",
    )
    assert target.status_code == 201
    assert staff.post("/api/sanfang/defence/targets/", {}, format="json").status_code in (400, 403)
    loss = client_for(personas.duty).post(
        "/api/sanfang/disaster-reports/",
        {"incident": defence.event.pk, "district": personas.area_b.pk, "affected_people": 12},
        format="json",
    )
    assert loss.status_code == 201
    stats = client_for(personas.commander).get("/api/sanfang/disaster-statistics/").json()
    assert stats["rows"][0]["affected_people"] == 12
    schema = client_for(personas.commander).get("/api/schema/", {"format": "json"}).json()
    assert "/api/sanfang/defence/progress/" in schema["paths"]


def test_pages_overview_report_form_and_losses(personas, defence):
    staff = client_for(defence.staff_a)
    form = staff.get("/sanfang/defence/report/")
    assert form.status_code == 200
    page = form.content.decode()
    assert 'name="viewport"' in page and 'id="defence-report-form"' in page and "台风天鸽防御" in page
    # District B is not offered to district A's unit.
    assert "斗门区" not in page
    sent = staff.post(
        "/sanfang/defence/report/",
        {
            "incident": defence.event.pk,
            "district": personas.area_a.pk,
            "town": "拱北",
            "category": MOVED,
            "value": 300,
        },
    )
    assert sent.status_code == 302
    refused = staff.post(
        "/sanfang/defence/report/",
        {
            "incident": defence.event.pk,
            "district": personas.area_a.pk,
            "town": "拱北",
            "category": RESETTLED,
            "value": 900,
        },
    ).content.decode()
    assert 'data-field="value"' in refused
    overview = client_for(personas.commander).get("/sanfang/defence/").content.decode()
    assert 'id="defence-totals"' in overview and ">300<" in overview and ">1500<" in overview
    assert client_for(personas.grid_a).get("/sanfang/defence/").status_code == 403
    assert client_for(personas.grid_a).get("/sanfang/defence/report/").status_code == 403
    losses = client_for(personas.duty).get("/sanfang/defence/losses/").content.decode()
    assert 'id="disaster-statistics"' in losses and 'id="disaster-report-form"' in losses
    posted = (
        client_for(personas.duty)
        .post(
            "/sanfang/defence/losses/",
            {
                "loss-incident": defence.event.pk,
                "loss-district": personas.area_a.pk,
                "loss-affected_people": 5,
                "loss-deaths": 0,
                "loss-missing": 0,
                "loss-injuries": 0,
                "loss-houses_collapsed": 0,
                "loss-houses_damaged": 0,
                "loss-crops_hectares": 0,
                "loss-economic_loss": -1,
                "loss-people_relocated": 0,
                "loss-relief_funds": 0,
            },
        )
        .content.decode()
    )
    assert 'data-field="economic_loss"' in posted


def test_demo_targets_are_idempotent(personas, defence):
    from sanfang.demo_defence import defence_demo_targets

    created = defence_demo_targets(incident=defence.event)
    # The personas have districts 440402 and 440403 only; 金湾 (440404) rows are skipped.
    # Nine rows for these two; district A's ships target already existed (it is updated, not added).
    assert created == 8
    assert defence_demo_targets(incident=defence.event) == 0
    moved = totals(personas.commander, defence.event)[MOVED]
    assert moved[1] == 1000 + 500 + 3200 + 2100


def test_admin_targets_through_the_service_and_reports_read_only(personas, defence, client):
    submit(defence.staff_a, defence.event, personas.area_a, MOVED, 10, town="拱北")
    client.force_login(personas.commander)
    assert client.get("/admin/sanfang/defencereport/").status_code == 200
    assert client.get("/admin/sanfang/disasterreport/").status_code == 200
    assert "拱北" in client.get("/admin/sanfang/defencetarget/").content.decode()
    added = client.post(
        "/admin/sanfang/defencetarget/add/",
        {
            "incident": defence.event.pk,
            "district": personas.area_b.pk,
            "town": "白蕉",
            "category": SHIPS,
            "target": 70,
        },
    )
    assert added.status_code == 302
    assert totals(personas.commander, defence.event)[SHIPS] == (0, 370)
    assert client.get("/admin/sanfang/defencereport/add/").status_code == 403
