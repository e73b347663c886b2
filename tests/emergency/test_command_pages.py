"""The command-core web pages: the one map's report mode, the incident page with its start-response
form, and "my tasks" with reports (accepted, in progress, done with a photo)."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from emergency.models import EmergencyResponse, ResponseTask, TaskReportAttachment
from tests.emergency.command_fixtures import report
from tests.emergency.plan_fixtures import PNG

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("incident_types")]


@pytest.fixture
def flood(personas):
    return report(personas.duty, title="前山河水位超警", type_code="flood")


def map_config(client) -> dict:
    page = client.get("/map/")
    assert page.status_code == 200
    html = page.content.decode()
    start = html.index('<script id="map-config" type="application/json">') + len(
        '<script id="map-config" type="application/json">'
    )
    return json.loads(html[start : html.index("</script>", start)])


def test_map_offers_report_mode_to_reporters_only(personas, client):
    client.force_login(personas.duty)
    config = map_config(client)["incident_report"]
    assert {"flood", "typhoon"} <= {t["code"] for t in config["types"]}
    assert [k["kind"] for k in config["kinds"]] == ["shelter", "team"]
    assert config["api"] == "/api/incidents/"
    assert b"incident-report.js" in client.get("/map/").content
    client.force_login(personas.outsider)
    assert "incident_report" not in map_config(client)


def test_incident_list_and_detail_scoped(personas, flood, client):
    client.force_login(personas.duty)
    listing = client.get("/incidents/", {"q": "水位"})
    assert listing.status_code == 200 and "前山河水位超警" in listing.content.decode()
    detail = client.get(f"/incidents/{flood.pk}/")
    assert detail.status_code == 200 and 'id="timeline"' in detail.content.decode()
    assert 'id="response-start"' not in detail.content.decode()  # duty officers do not command
    assert client.post(f"/incidents/{flood.pk}/", {"level": "IV"}).status_code == 403
    client.force_login(personas.grid_b)  # district B does not see district A's incident
    assert client.get(f"/incidents/{flood.pk}/").status_code == 404


def test_commander_starts_a_response_with_field_errors(personas, units, plan, flood, client):
    client.force_login(personas.commander)
    page = client.get(f"/incidents/{flood.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert 'id="response-start"' in page.content.decode()
    missing = client.post(f"/incidents/{flood.pk}/", {"level": "IV"}, HTTP_ACCEPT_LANGUAGE="en")
    assert missing.status_code == 200 and 'data-field="plan"' in missing.content.decode()
    started = client.post(
        f"/incidents/{flood.pk}/", {"plan": plan.plan_id, "level": "IV", "reason": "黄色预警"}
    )
    assert started.status_code == 302
    response = EmergencyResponse.objects.get()
    assert response.level == "IV" and response.tasks.count() == 4
    # A second one for the same plan and incident is refused by the service, shown on the form.
    again = client.post(
        f"/incidents/{flood.pk}/", {"plan": plan.plan_id, "level": "III"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert again.status_code == 200 and "errorlist" in again.content.decode()
    assert EmergencyResponse.objects.count() == 1
    assert "0/4" in client.get(f"/incidents/{flood.pk}/").content.decode()


def test_my_tasks_accept_progress_done_with_photo(personas, units, plan, flood, client):
    from emergency.services.responses import response_start

    response = response_start(user=personas.commander, plan_id=plan.plan_id, level="IV", incident_id=flood.pk)
    task = response.tasks.get(action_key="xz-check")
    client.force_login(units.staff_a)
    page = client.get("/tasks/").content.decode()
    assert "排查香洲低洼易涝点" in page and "排查斗门低洼易涝点" not in page  # only their own
    url = f"/tasks/{task.pk}/report/"
    assert client.post(url, {"status": "accepted"}).status_code == 302
    assert client.post(url, {"status": "in_progress", "note": "已出发"}).status_code == 302
    # Done without a note is refused with the service's message, and nothing changes.
    client.post(url, {"status": "done"}, HTTP_ACCEPT_LANGUAGE="en")
    task.refresh_from_db()
    assert task.status == "in_progress"
    refused = client.get("/tasks/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Say what was done." in refused
    photo = SimpleUploadedFile("现场.png", PNG, content_type="image/png")
    assert client.post(url, {"status": "done", "note": "已排查完毕", "photo": photo}).status_code == 302
    task.refresh_from_db()
    assert task.status == "done" and TaskReportAttachment.objects.filter(report__task=task).count() == 1
    assert "排查香洲低洼易涝点" in client.get("/tasks/?show=all").content.decode()
    # Another district's task is not theirs to report.
    other = response.tasks.get(action_key="dm-check")
    assert client.post(f"/tasks/{other.pk}/report/", {"status": "accepted"}).status_code == 404
    assert ResponseTask.objects.get(pk=other.pk).status == "pending"


def test_incidents_section_is_built(client, personas):
    from core.navigation import section_by_slug

    assert section_by_slug("incidents").built
    assert section_by_slug("incidents").url == "/incidents/"


def test_loss_statistics_by_district_and_incident_drills_apart(personas, client):
    import io

    from openpyxl import load_workbook

    from tests.emergency.command_fixtures import IN_B

    report(personas.commander, title="香洲内涝", deaths=1, injuries=2, evacuated=30, economic_loss=12)
    report(personas.commander, title="斗门山洪", point=IN_B, missing=1, economic_loss=5)
    report(personas.commander, title="演练：水库溃坝", deaths=9, economic_loss=100, drill=True)
    client.force_login(personas.commander)
    page = client.get("/incidents/losses/").content.decode()
    assert "香洲内涝" in page and "斗门山洪" in page and "演练：水库溃坝" not in page
    assert "<th>1</th>" in page and "<th>17.00</th>" in page  # totals: deaths, loss (10k yuan)
    drills = client.get("/incidents/losses/", {"drill": "on"}).content.decode()
    assert "演练：水库溃坝" in drills and "香洲内涝" not in drills and "drill-banner" in drills
    bad = client.get("/incidents/losses/", {"occurred_after": "2026-05-02", "occurred_before": "2026-05-01"})
    assert 'data-field="occurred_before"' in bad.content.decode()

    export = client.get("/incidents/losses/", {"export": "xlsx"}, HTTP_ACCEPT_LANGUAGE="en")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(export.content))
    totals, incidents = workbook.worksheets
    rows = list(totals.iter_rows(values_only=True))
    assert rows[0][0] == "District" and {r[0] for r in rows[1:]} == {"香洲区", "斗门区", "Total"}
    assert rows[-1][1:] == (2, 1, 2, 1, 30, 17.0)
    assert sorted(r[1] for r in list(incidents.iter_rows(values_only=True))[1:]) == ["斗门山洪", "香洲内涝"]
    # District B's grid inspector sees only district B's losses.
    client.force_login(personas.grid_b)
    page = client.get("/incidents/losses/").content.decode()
    assert "斗门山洪" in page and "香洲内涝" not in page


def test_contacts_masked_and_full_view_audited(personas, units, plan, client):
    from accounts.models import AuditEntry
    from emergency.models import PlanUnit

    bureau = PlanUnit.objects.get(version=plan, key="bureau")
    client.force_login(units.staff_a)
    page = client.get("/contacts/", {"q": "组织协调"}).content.decode()
    assert "075*****0001" in page and "0756-0000001" not in page and "水库巡查" not in page
    assert client.post("/contacts/", {"unit": bureau.pk}).status_code == 403
    client.force_login(personas.duty)
    assert "0756-0000001" not in client.get("/contacts/").content.decode()
    before = AuditEntry.objects.count()
    shown = client.post("/contacts/", {"unit": bureau.pk}).content.decode()
    assert "0756-0000001" in shown
    entry = AuditEntry.objects.order_by("-pk").first()
    assert (
        AuditEntry.objects.count() == before + 1
        and entry.action == "view"
        and entry.actor_id == personas.duty.pk
    )
    assert client.post("/contacts/", {"unit": 999999}).status_code == 404


def test_drills_listed_apart_from_real_incidents(personas, client):
    report(personas.duty, title="真实内涝")
    drill = report(personas.duty, title="演练：台风登陆", drill=True)
    client.force_login(personas.duty)
    real = client.get("/incidents/").content.decode()
    assert "真实内涝" in real and "演练：台风登陆" not in real
    drills = client.get("/incidents/", {"drill": "1"}).content.decode()
    assert "演练：台风登陆" in drills and "真实内涝" not in drills and "drill-banner" in drills
    assert "drill-banner" in client.get(f"/incidents/{drill.pk}/").content.decode()
