"""The command core in the admin: pages load, the workflow actions use the services."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import ApiKey
from emergency.models import Incident
from tests.emergency.command_fixtures import report

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("incident_types")]


def test_admin_pages_and_workflow_action(personas):
    incident = report(personas.grid_a)
    client = Client()
    client.force_login(personas.duty)
    for url in (
        "/admin/emergency/incident/",
        "/admin/emergency/incident/add/",
        f"/admin/emergency/incident/{incident.pk}/change/",
        "/admin/emergency/rescueteam/",
        "/admin/emergency/depot/add/",
        "/admin/emergency/stockmovement/",
        "/admin/emergency/dispatch/",
    ):
        assert client.get(url).status_code == 200, url
    response = client.post(
        "/admin/emergency/incident/",
        {"action": "mark_verified", "_selected_action": [incident.pk]},
    )
    assert response.status_code == 302
    assert Incident.objects.get(pk=incident.pk).status == "verified"
    # Closing straight from verified is refused by the service, and the incident stays as it was.
    client.post("/admin/emergency/incident/", {"action": "mark_closed", "_selected_action": [incident.pk]})
    assert Incident.objects.get(pk=incident.pk).status == "verified"


def test_api_key_command_prints_the_key_once(personas, capsys):
    personas.district_b.code = "440403-gov"
    personas.district_b.save()
    call_command("api_key_create", "440403-gov", "水务局", "--scope", "incidents:read")
    prefix, raw = capsys.readouterr().out.strip().split(": ")
    key = ApiKey.objects.get(prefix=prefix)
    assert key.scopes == ["incidents:read"] and raw not in key.hashed
    assert key.user.organisation == personas.district_b and not key.user.has_usable_password()


def test_bigscreen_panels_and_incident_layer(personas):
    from emergency.bigscreen import panels_render
    from emergency.models import RescueTeam
    from tests.emergency.command_fixtures import IN_A, IN_B, client_for

    report(personas.duty, point=IN_A)
    report(personas.duty, point=IN_B, type_code="traffic")
    RescueTeam.objects.create(name="香洲救援队", organisation=personas.district_a, geom=IN_A)
    panels = {
        p["key"]: p
        for p in panels_render(user=personas.commander, keys=["incidents_today", "resources_ready"])
    }
    rows = panels["incidents_today"]["data"]["rows"]
    assert len(rows) == 2 and all(r["state"] == "late" for r in rows)
    assert panels["resources_ready"]["data"]["rows"][0]["value"] == "1 / 1"
    # The incidents layer is scoped like the list: grid_b sees only district B's incident.
    features = client_for(personas.grid_b).get("/api/layers/incidents/geojson/").json()["features"]
    assert len(features) == 1
    assert len(client_for(personas.commander).get("/api/layers/incidents/geojson/").json()["features"]) == 2
