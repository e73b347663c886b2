"""Drills (演练): plan → run (a simulated incident flagged drill) → evaluate → file, the order enforced,
permissions, audit and the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import AuditEntry
from emergency.models import Drill, Incident, IncidentType
from emergency.services.drills import drill_evaluate, drill_file, drill_plan, drill_start
from tests.emergency.command_fixtures import IN_A, client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("incident_types")]


def planned(personas, plan, **extra):
    fields = {
        "title": "前山河决堤演练",
        "plan_version": plan,
        "scenario": "暴雨导致前山河水位超警，堤坝出现管涌。",
        "incident_type": IncidentType.objects.get(code="flood"),
        "level": "IV",
        "geom": IN_A,
        "scheduled_at": timezone.now() + dt.timedelta(days=1),
        **extra,
    }
    return drill_plan(user=personas.commander, **fields)


def test_the_workflow_in_order(personas, plan):
    drill = planned(personas, plan)
    assert drill.status == "planned" and drill.incident is None
    with pytest.raises(ValidationError) as refused:
        drill_evaluate(user=personas.commander, drill_id=drill.pk, evaluation="好", score=90)
    assert refused.value.error_dict["status"][0].code == "forbidden_transition"

    drill = drill_start(user=personas.duty, drill_id=drill.pk)
    incident = drill.incident
    assert drill.status == "running" and incident.drill is True and incident.title.startswith("【演练】")
    assert incident.description == drill.scenario and incident.type.code == "flood"
    assert not Incident.objects.filter(drill=False).exists()
    with pytest.raises(ValidationError):
        drill_start(user=personas.duty, drill_id=drill.pk)  # runs once
    with pytest.raises(ValidationError):
        drill_file(user=personas.commander, drill_id=drill.pk, report="报告")

    with pytest.raises(ValidationError) as bad_score:
        drill_evaluate(user=personas.commander, drill_id=drill.pk, evaluation="好", score=101)
    assert "score" in bad_score.value.error_dict
    drill = drill_evaluate(
        user=personas.commander, drill_id=drill.pk, evaluation="响应及时，转移有序。", score=88
    )
    assert drill.status == "evaluated" and drill.score == 88
    drill = drill_file(user=personas.commander, drill_id=drill.pk, report="演练总结报告")
    assert drill.status == "filed" and drill.filed_at is not None
    with pytest.raises(ValidationError):
        drill_start(user=personas.commander, drill_id=drill.pk)

    audited = AuditEntry.objects.filter(model="drill", object_id=str(drill.pk))
    assert audited.filter(action="create", actor_id=personas.commander.pk).exists()
    assert audited.filter(action="update").count() == 3
    assert AuditEntry.objects.filter(model="incident", object_id=str(incident.pk), action="create").exists()


def test_permissions_and_scoping(personas, plan, units):
    drill = planned(personas, plan)
    for user in (personas.grid_a, personas.enterprise, personas.outsider):
        with pytest.raises(PermissionDenied):
            drill_plan(
                user=user,
                title="x",
                plan_version=plan,
                scenario="x",
                incident_type=drill.incident_type,
                level="IV",
                geom=IN_A,
                scheduled_at=timezone.now(),
            )
        with pytest.raises(PermissionDenied):
            drill_start(user=user, drill_id=drill.pk)
        assert client_for(user).get("/api/drills/").json()["results"] == []
    # A member unit of district A sees no drill of the bureau.
    assert client_for(units.staff_a).get("/api/drills/").json()["results"] == []
    assert Drill.objects.get().status == "planned"


def test_through_the_api(personas, plan):
    client = client_for(personas.commander)
    response = client.post(
        "/api/drills/",
        {
            "title": "防台风综合演练",
            "plan_version": plan.pk,
            "scenario": "超强台风正面登陆珠海。",
            "incident_type": "flood",
            "level": "III",
            "geometry": {"type": "Point", "coordinates": [IN_A.x, IN_A.y]},
            "scheduled_at": timezone.now().isoformat(),
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["drill"] is True and response.json()["status"] == "planned"
    early = client.post(f"/api/drills/{pk}/file/", {"report": "x"}, format="json")
    assert early.status_code == 400 and early.json()["errors"][0]["code"] == "forbidden_transition"
    started = client.post(f"/api/drills/{pk}/start/")
    assert started.status_code == 200, started.content
    incident_id = started.json()["incident"]
    assert client.get(f"/api/incidents/{incident_id}/").json()["drill"] is True
    # Drills are listed apart from real incidents.
    assert [r["id"] for r in client.get("/api/incidents/", {"drill": "true"}).json()["results"]] == [
        incident_id
    ]
    assert client.get("/api/incidents/", {"drill": "false"}).json()["results"] == []
    assert (
        client.post(
            f"/api/drills/{pk}/evaluate/", {"evaluation": "良", "score": 75}, format="json"
        ).status_code
        == 200
    )
    filed = client.post(f"/api/drills/{pk}/file/", {"report": "总结"}, format="json")
    assert filed.status_code == 200 and filed.json()["status"] == "filed"
    assert [r["id"] for r in client.get("/api/drills/", {"status": "filed"}).json()["results"]] == [pk]
    refused = client_for(personas.grid_a).post(f"/api/drills/{pk}/start/")
    assert refused.status_code in (403, 404)
