"""Response activation: proposal from facts, start → tasks → reports → raise → lower → end with task
adjustment, alerts, the log and the audit, scoping with personas from two districts and an enterprise,
API keys, the big-screen panel and the admin."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import AuditEntry
from accounts.services.api_keys import api_key_create
from emergency.choices import ResponseStatus, TaskStatus
from emergency.models import Alert, EmergencyResponse, ResponseTask
from emergency.services.incidents import incident_transition
from emergency.services.responses import (
    response_change_level,
    response_end,
    response_propose,
    response_start,
    task_report,
)
from tests.emergency.command_fixtures import client_for, report
from tests.emergency.plan_fixtures import PNG

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("incident_types")]


@pytest.fixture
def flood(personas):
    incident = report(personas.duty, title="前山河水位超警", type_code="flood")
    incident_transition(user=personas.duty, incident_id=incident.pk, status="verified")
    return incident


def live(response) -> dict[str, str]:
    return dict(response.tasks.exclude(status=TaskStatus.CANCELLED).values_list("action_key", "status"))


def statuses(response) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, status in response.tasks.order_by("id").values_list("action_key", "status"):
        out.setdefault(key, []).append(status)
    return out


def test_proposal_from_facts_never_starts_anything(personas, plan, flood):
    (proposal,) = response_propose(
        user=personas.commander, facts={"rain_3h_mm": 85, "water_level_over_warning_m": 0.3}
    )
    assert proposal["level"] == "III" and proposal["advice"] == "start" and len(proposal["reasons"]) == 2
    assert (
        response_propose(user=personas.commander, facts={"rainstorm_warning_colour": "red"})[0]["level"]
        == "II"
    )
    assert response_propose(user=personas.commander, facts={"rain_3h_mm": 10})[0]["level"] is None
    assert not EmergencyResponse.objects.exists()

    response_start(
        user=personas.commander, plan_id=plan.plan_id, level="IV", incident_id=flood.pk, reason="暴雨黄色预警"
    )
    assert (
        response_propose(user=personas.commander, facts={"rainstorm_warning_colour": "orange"})[0]["advice"]
        == "raise"
    )
    assert response_propose(user=personas.commander, facts={"rain_3h_mm": 55})[0]["advice"] == "keep"
    assert response_propose(user=personas.commander, facts={})[0]["advice"] == "review_end"

    api = client_for(personas.duty).post(
        "/api/responses/propose/", {"facts": {"rainstorm_warning_colour": "orange"}}, format="json"
    )
    assert api.status_code == 200 and api.json()[0]["level"] == "III"
    bad = client_for(personas.duty).post("/api/responses/propose/", {"facts": {"moon": 1}}, format="json")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "facts.moon"
    vocabulary = client_for(personas.duty).get("/api/responses/facts/").json()
    assert {"rain_3h_mm", "typhoon_warning_colour", "tc_class"} <= {f["name"] for f in vocabulary}


def test_activation_tasks_feedback_raise_lower_end(personas, units, plan, flood):
    before = timezone.now()
    response = response_start(
        user=personas.commander, plan_id=plan.plan_id, level="IV", incident_id=flood.pk, reason="暴雨黄色预警"
    )
    flood.refresh_from_db()
    assert flood.status == "responding"
    assert live(response) == dict.fromkeys(["duty", "patrol", "xz-check", "dm-check"], "pending")
    duty = response.tasks.get(action_key="duty")
    assert duty.organisation == personas.bureau and duty.group_name == "综合协调组"
    patrol = response.tasks.get(action_key="patrol")
    assert patrol.organisation == units.water
    assert before + dt.timedelta(hours=2) <= patrol.deadline <= timezone.now() + dt.timedelta(hours=2)
    alert = Alert.objects.get(kind="response", source_id=str(response.pk))
    assert alert.level == "IV" and "district:440402" in alert.targets

    # District A reports on its task: accepted, in progress, done with a note and a photo.
    xz = response.tasks.get(action_key="xz-check")
    task_report(user=units.staff_a, task_id=xz.pk, status="accepted")
    task_report(user=units.staff_a, task_id=xz.pk, status="in_progress", note="已排查 12 处")
    with pytest.raises(ValidationError) as caught:
        task_report(user=units.staff_a, task_id=xz.pk, status="done")
    assert "note" in caught.value.message_dict
    done = task_report(
        user=units.staff_a,
        task_id=xz.pk,
        status="done",
        note="已排查 20 处易涝点，设置警示",
        files=[SimpleUploadedFile("现场.png", PNG, content_type="image/png")],
    )
    assert done.attachments.get().content_type == "image/png"
    with pytest.raises(ValidationError) as caught:
        task_report(user=units.staff_a, task_id=xz.pk, status="in_progress")
    assert caught.value.error_dict["status"][0].code == "forbidden_transition"
    with pytest.raises(ValidationError) as caught:
        task_report(
            user=units.staff_water,
            task_id=response.tasks.get(action_key="patrol").pk,
            status="in_progress",
            note="x",
            files=[SimpleUploadedFile("fake.png", b"not a png", content_type="image/png")],
        )
    assert "files" in caught.value.message_dict
    # District B cannot report on district A's task (it does not even exist for them).
    with pytest.raises(ResponseTask.DoesNotExist):
        task_report(user=units.staff_b, task_id=response.tasks.get(action_key="duty").pk, status="accepted")

    # Raise to Ⅲ: one new task, nothing cancelled, a new alert.
    response = response_change_level(
        user=personas.commander, response_id=response.pk, level="III", reason="橙色预警"
    )
    assert live(response)["xz-evacuate"] == "pending" and live(response)["xz-check"] == "done"
    assert Alert.objects.filter(kind="response", level="III", cleared_at__isnull=True).count() == 1
    assert Alert.objects.get(level="IV", kind="response").cleared_at is not None

    # Lower to Ⅳ: the Ⅲ-only task is cancelled; the done one stays done.
    response = response_change_level(
        user=personas.commander, response_id=response.pk, level="IV", reason="雨势减弱"
    )
    assert statuses(response)["xz-evacuate"] == ["cancelled"] and live(response)["xz-check"] == "done"

    # Raise to Ⅱ: Ⅳ-only open tasks are cancelled, evacuation tasks are (re)created.
    response = response_change_level(
        user=personas.commander, response_id=response.pk, level="II", reason="红色预警"
    )
    assert statuses(response) == {
        "duty": ["pending"],
        "patrol": ["cancelled"],
        "xz-check": ["done"],
        "dm-check": ["cancelled"],
        "xz-evacuate": ["cancelled", "pending"],
        "dm-evacuate": ["pending"],
    }
    with pytest.raises(ValidationError):
        response_change_level(user=personas.commander, response_id=response.pk, level="II", reason="same")

    response = response_end(user=personas.commander, response_id=response.pk, reason="降雨结束，险情解除")
    assert response.status == ResponseStatus.ENDED
    assert set(live(response).values()) == {"done"}
    assert not Alert.objects.filter(kind="response", cleared_at__isnull=True).exists()
    log = list(response.log.values_list("change", "old_level", "new_level", "tasks_added", "tasks_cancelled"))
    assert log == [
        ("start", "", "IV", 4, 0),
        ("raise", "IV", "III", 1, 0),
        ("lower", "III", "IV", 0, 1),
        ("raise", "IV", "II", 2, 2),
        ("end", "II", "", 0, 3),
    ]
    with pytest.raises(ValidationError):
        response_end(user=personas.commander, response_id=response.pk, reason="again")
    with pytest.raises(ValidationError):
        task_report(
            user=personas.commander, task_id=response.tasks.get(action_key="duty").pk, status="accepted"
        )
    audited = AuditEntry.objects.filter(model="emergencyresponse", object_id=str(response.pk))
    assert audited.filter(action="create", actor_id=personas.commander.pk).exists()
    assert audited.filter(action="update").count() >= 4
    assert AuditEntry.objects.filter(model="taskreport", actor_id=units.staff_a.pk).count() == 3


def test_only_commanders_command_and_plan_rules_hold(personas, units, plan, flood):
    for user in (personas.duty, units.staff_a, personas.enterprise, personas.grid_a):
        with pytest.raises(PermissionDenied):
            response_start(user=user, plan_id=plan.plan_id, level="IV", incident_id=flood.pk)
    with pytest.raises(ValidationError) as caught:
        response_start(user=personas.commander, plan_id=plan.plan_id, level="IV")
    assert "event_name" in caught.value.message_dict
    traffic = report(personas.duty, title="斗门大道交通事故", type_code="traffic")
    with pytest.raises(ValidationError) as caught:
        response_start(user=personas.commander, plan_id=plan.plan_id, level="IV", incident_id=traffic.pk)
    assert "incident" in caught.value.message_dict
    response_start(user=personas.commander, plan_id=plan.plan_id, level="IV", incident_id=flood.pk)
    with pytest.raises(ValidationError):  # one active response per plan and incident
        response_start(user=personas.commander, plan_id=plan.plan_id, level="III", incident_id=flood.pk)
    event = response_start(
        user=personas.commander, plan_id=plan.plan_id, level="I", event_name="台风“演示”", drill=True
    )
    assert event.drill and set(live(event)) == {"duty", "command-post"}
    assert Alert.objects.get(source_id=str(event.pk), kind="response").drill


def test_a_response_keeps_its_plan_version(personas, units, plan, flood):
    from emergency.services.plans import plan_import, plan_version_put_in_force
    from tests.emergency.plan_fixtures import plan_document, plan_yaml

    response = response_start(user=personas.commander, plan_id=plan.plan_id, level="IV", incident_id=flood.pk)
    changed = plan_document()
    changed["levels"][1]["actions"].append(
        {"key": "extra", "unit": "water", "text": "新措施", "deadline": 60}
    )
    v2, _created = plan_import(user=personas.commander, text=plan_yaml(changed), format="yaml")
    plan_version_put_in_force(user=personas.commander, version_id=v2.pk)
    response = response_change_level(
        user=personas.commander, response_id=response.pk, level="III", reason="橙色"
    )
    assert response.plan_version_id == plan.pk and "extra" not in live(response)


def test_scoping_two_districts_and_an_enterprise(personas, units, plan, flood):
    response = response_start(user=personas.commander, plan_id=plan.plan_id, level="IV", incident_id=flood.pk)

    def task_keys(user):
        body = client_for(user).get("/api/tasks/").json()
        return sorted(t["action_key"] for t in body["results"])

    assert task_keys(personas.commander) == ["dm-check", "duty", "patrol", "xz-check"]
    assert task_keys(units.staff_a) == ["xz-check"]
    assert task_keys(units.staff_b) == ["dm-check"]
    assert task_keys(units.staff_water) == ["patrol"]
    assert task_keys(personas.enterprise) == []
    assert task_keys(personas.grid_a) == []
    # Responses: the units with a task see it (district B, though the incident is in district A).
    for user, visible in ((units.staff_b, 1), (personas.enterprise, 0), (personas.outsider, 0)):
        assert len(client_for(user).get("/api/responses/").json()["results"]) == visible
    progress = client_for(units.staff_b).get(f"/api/responses/{response.pk}/").json()["progress"]
    assert progress == {"total": 4, "done": 0, "accepted": 0, "overdue": 0}
    assert [
        t["action_key"] for t in client_for(units.staff_b).get(f"/api/responses/{response.pk}/tasks/").json()
    ] == ["dm-check"]
    dm = response.tasks.get(action_key="dm-check").pk
    assert (
        client_for(units.staff_a).post(f"/api/tasks/{dm}/report/", {"status": "accepted"}).status_code == 404
    )
    reported = client_for(units.staff_b).post(
        f"/api/tasks/{dm}/report/",
        {
            "status": "done",
            "note": "排查完毕",
            "files": [SimpleUploadedFile("p.png", PNG, content_type="image/png")],
        },
        format="multipart",
    )
    assert reported.status_code == 201, reported.content
    assert reported.json()["attachments"][0]["name"] == "p.png"
    detail = client_for(units.staff_b).get(f"/api/tasks/{dm}/").json()
    assert detail["status"] == "done" and len(detail["reports"]) == 1


def test_commanding_through_the_api_and_with_an_api_key(personas, units, plan, flood):
    commander = client_for(personas.commander)
    started = commander.post(
        "/api/responses/",
        {"plan": "test-flood", "level": "IV", "incident": flood.pk, "reason": "黄色预警"},
        format="json",
    )
    assert started.status_code == 201, started.content
    rid = started.json()["id"]
    assert started.json()["progress"]["total"] == 4
    denied = client_for(personas.duty).post(
        f"/api/responses/{rid}/level/", {"level": "III", "reason": "x"}, format="json"
    )
    assert denied.status_code == 403 and denied.json()["code"] == "permission_denied"
    raised = commander.post(
        f"/api/responses/{rid}/level/", {"level": "III", "reason": "橙色预警"}, format="json"
    )
    assert raised.status_code == 200 and raised.json()["level"] == "III"
    assert [e["change"] for e in commander.get(f"/api/responses/{rid}/log/").json()] == ["start", "raise"]

    # The water bureau's system: reads and reports on its tasks with a key; it cannot command.
    _key, raw = api_key_create(
        name="水务系统", organisation=units.water, scopes=["responses:read", "responses:write"]
    )
    system = client_for(personas.outsider)
    system.logout()
    system.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    tasks = system.get("/api/tasks/?open=true").json()["results"]
    assert [t["action_key"] for t in tasks] == ["patrol"]
    assert (
        system.post(f"/api/tasks/{tasks[0]['id']}/report/", {"status": "accepted"}, format="json").status_code
        == 201
    )
    assert system.post(f"/api/responses/{rid}/end/", {"reason": "x"}, format="json").status_code == 403
    _key, read_only = api_key_create(name="只读", organisation=units.water, scopes=["responses:read"])
    system.credentials(HTTP_AUTHORIZATION=f"Api-Key {read_only}")
    assert (
        system.post(
            f"/api/tasks/{tasks[0]['id']}/report/", {"status": "in_progress"}, format="json"
        ).status_code
        == 403
    )

    ended = commander.post(f"/api/responses/{rid}/end/", {"reason": "解除"}, format="json")
    assert ended.status_code == 200 and ended.json()["status"] == "ended"


def test_big_screen_panel_shows_progress(personas, units, plan, flood, django_capture_on_commit_callbacks):
    from emergency.bigscreen import panels_render

    with django_capture_on_commit_callbacks() as callbacks:
        response = response_start(
            user=personas.commander, plan_id=plan.plan_id, level="IV", incident_id=flood.pk
        )
    assert callbacks  # the panel refresh (and the alert) wait for the commit
    task = response.tasks.get(action_key="xz-check")
    task_report(user=units.staff_a, task_id=task.pk, status="done", note="完成")
    ResponseTask.objects.filter(pk=response.tasks.get(action_key="patrol").pk).update(
        deadline=timezone.now() - dt.timedelta(minutes=1)
    )
    (panel,) = panels_render(user=personas.commander, keys=["active_responses"])
    (row,) = panel["data"]["rows"]
    assert "前山河水位超警" in row["label"] and "1/4" in row["value"] and row["state"] == "late"
    assert panels_render(user=personas.enterprise, keys=["active_responses"])[0]["data"]["rows"] == []


def test_admin_lists_and_start_form(personas, units, plan, flood, client):
    client.force_login(personas.commander)
    page = client.post(
        "/admin/emergency/emergencyresponse/add/",
        {"plan": plan.plan_id, "incident": flood.pk, "event_name": "", "level": "IV", "reason": "黄色预警"},
    )
    assert page.status_code == 302, [
        line for line in page.content.decode().splitlines() if "errorlist" in line or "errornote" in line
    ]
    response = EmergencyResponse.objects.get()
    assert response.tasks.count() == 4
    again = client.post(
        "/admin/emergency/emergencyresponse/add/",
        {"plan": plan.plan_id, "incident": flood.pk, "event_name": "", "level": "III"},
    )
    assert again.status_code == 200 and EmergencyResponse.objects.count() == 1  # refused as a form error
    assert client.get(f"/admin/emergency/emergencyresponse/{response.pk}/change/").status_code == 200
    assert client.get(f"/admin/emergency/planversion/{plan.pk}/change/").status_code == 200
    assert client.get("/admin/emergency/plan/import/").status_code == 200
    client.force_login(units.staff_b)
    tasks_page = client.get("/admin/emergency/responsetask/")
    assert tasks_page.status_code in (200, 302)
