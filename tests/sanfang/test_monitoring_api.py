"""The stations API (list with status, readings series), its permissions, and the map layer's popup."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone
from rest_framework.test import APIClient

from sanfang.models import Reading, Station
from sanfang.services.monitoring import station_statuses_refresh
from tests.sanfang.monitoring_fixtures import rain_rules  # noqa: F401  (autouse)

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    return client


@pytest.fixture
def stations():
    now = timezone.now()
    gauge = Station.objects.create(code="R1", name="香洲雨量站", kind="rain", geom=Point(113.55, 22.27))
    river = Station.objects.create(
        code="H1",
        name="灯笼山水位站",
        kind="river",
        geom=Point(113.39, 22.23),
        threshold_variable="water_level",
        warning_value=2.0,
        danger_value=2.8,
    )
    Station.objects.create(code="X1", name="停用站", kind="rain", active=False)
    Reading.objects.bulk_create(
        [
            Reading(station=gauge, variable="rain", time=now - timedelta(minutes=5 * i), value=6.0)
            for i in range(6)
        ]
        + [
            Reading(station=river, variable="water_level", time=now - timedelta(hours=30), value=1.0),
            Reading(station=river, variable="water_level", time=now - timedelta(hours=2), value=2.1),
            Reading(station=river, variable="water_level", time=now - timedelta(minutes=1), value=2.9),
            Reading(station=river, variable="flow", time=now - timedelta(minutes=1), value=800.0),
        ]
    )
    station_statuses_refresh()
    return gauge, river


def test_list_with_status_and_filters(personas, stations):
    response = client_for(personas.duty).get("/api/sanfang/stations/")
    assert response.status_code == 200
    rows = {row["code"]: row for row in response.json()["results"]}
    assert set(rows) == {"R1", "H1"}  # the inactive station is not listed
    assert rows["R1"]["status"]["rain_1h"] == pytest.approx(36.0)
    assert rows["R1"]["state"] == "warning"  # the default 1 h warning is 30 mm
    assert rows["H1"]["state"] == "danger"
    assert rows["H1"]["status"]["state_label"] == "Over danger level"
    assert (rows["H1"]["lng"], rows["H1"]["lat"]) == (pytest.approx(113.39), pytest.approx(22.23))

    danger = client_for(personas.duty).get("/api/sanfang/stations/", {"state": "danger"}).json()
    assert [row["code"] for row in danger["results"]] == ["H1"]
    bad = client_for(personas.duty).get("/api/sanfang/stations/", {"state": "purple"})
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "state"


def test_readings_series_for_the_chart(personas, stations):
    _gauge, river = stations
    response = client_for(personas.duty).get(f"/api/sanfang/stations/{river.pk}/readings/", {"hours": 24})
    assert response.status_code == 200
    body = response.json()
    assert (body["variable"], body["warning_value"], body["danger_value"]) == ("water_level", 2.0, 2.8)
    assert [s["variable"] for s in body["series"]] == ["water_level", "flow"]
    # The 30 h old reading is outside the 24 h asked for.
    assert [p[1] for p in body["series"][0]["points"]] == [2.1, 2.9]
    assert body["series"][0]["unit"] == "m"
    longer = client_for(personas.duty).get(f"/api/sanfang/stations/{river.pk}/readings/", {"hours": 48})
    assert len(longer.json()["series"][0]["points"]) == 3
    only = client_for(personas.duty).get(f"/api/sanfang/stations/{river.pk}/readings/", {"variable": "flow"})
    assert [s["variable"] for s in only.json()["series"]] == ["flow"]


@pytest.mark.parametrize("hours", ["0", "-1", "abc", "100000"])
def test_bad_hours_is_a_clear_error(personas, stations, hours):
    _gauge, river = stations
    response = client_for(personas.duty).get(f"/api/sanfang/stations/{river.pk}/readings/", {"hours": hours})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "hours"


def test_unknown_or_inactive_station_is_404(personas, stations):
    inactive = Station.objects.get(code="X1")
    assert client_for(personas.duty).get(f"/api/sanfang/stations/{inactive.pk}/readings/").status_code == 404
    assert client_for(personas.duty).get("/api/sanfang/stations/999999/").status_code == 404


def test_permissions(personas, stations):
    _gauge, river = stations
    assert APIClient().get("/api/sanfang/stations/").status_code in (401, 403)
    for user in (personas.outsider, personas.enterprise):
        assert client_for(user).get("/api/sanfang/stations/").status_code == 403
        assert client_for(user).get(f"/api/sanfang/stations/{river.pk}/readings/").status_code == 403
    assert client_for(personas.commander).get(f"/api/sanfang/stations/{river.pk}/").status_code == 200


def test_map_layer_is_coloured_by_state_and_the_popup_shows_the_status(personas, stations):
    gauge, river = stations
    client = client_for(personas.duty)
    geojson = client.get("/api/layers/stations/geojson/").json()
    states = {f["id"]: f["properties"]["state"] for f in geojson["features"]}
    assert states == {gauge.pk: "warning", river.pk: "danger"}
    popup = client.get(f"/api/layers/stations/features/{gauge.pk}/").json()
    fields = {f["name"]: f for f in popup["fields"]}
    assert fields["status__rain_1h"]["value"] == "36.0"
    assert fields["status__rain_1h"]["label"] == "rain 1 h (mm)"
    assert fields["status__state"]["value"] == "Over warning level"
    # A station without a computed status yet shows no status fields instead of failing.
    fresh = Station.objects.create(code="N1", name="新站", kind="rain", geom=Point(113.5, 22.2))
    popup = client.get(f"/api/layers/stations/features/{fresh.pk}/").json()
    assert {f["name"]: f["value"] for f in popup["fields"]}["status__state"] is None


def test_another_bureaus_system_reads_stations_with_a_sanfang_key(personas, stations):
    from accounts.services.api_keys import api_key_create

    gauge, _river = stations
    _key, raw = api_key_create(name="水务系统", organisation=personas.bureau, scopes=["sanfang:read"])
    system = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    system.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    listed = system.get("/api/sanfang/stations/")
    assert listed.status_code == 200 and {s["code"] for s in listed.json()["results"]} == {"R1", "H1"}
    assert system.get(f"/api/sanfang/stations/{gauge.pk}/readings/").status_code == 200
    assert system.get("/api/sanfang/typhoons/storms/").status_code == 200
    # Without the scope the same key's organisation gets nothing.
    _key, other = api_key_create(name="值班系统", organisation=personas.bureau, scopes=["duty:read"])
    system.credentials(HTTP_AUTHORIZATION=f"Api-Key {other}")
    assert system.get("/api/sanfang/stations/").status_code == 403


def test_openapi_documents_every_sanfang_endpoint(client, personas):
    client.force_login(personas.commander)
    paths = client.get("/api/schema/", {"format": "json"}).json()["paths"]
    for path in (
        "/api/sanfang/stations/",
        "/api/sanfang/typhoons/storms/",
        "/api/sanfang/typhoons/storms/{code}/track/",
        "/api/sanfang/impact/",
        "/api/sanfang/impact/export.xlsx",
        "/api/sanfang/registries/people/",
        "/api/sanfang/recommendations/",
        "/api/sanfang/defence/reports/",
    ):
        assert path in paths, path
