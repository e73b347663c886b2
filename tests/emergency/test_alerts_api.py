"""The alerts REST API: scoped list and detail, filters, acknowledgement."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from emergency.models import Alert
from emergency.services.alerts import alert_raise

pytestmark = pytest.mark.django_db


def client_for(user):
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def alerts(personas):
    return {
        "city": alert_raise(kind="warning", level="red", title="暴雨红色预警"),
        "a": alert_raise(kind="threshold", level="yellow", title="香洲水位超警", targets=["district:440402"]),
        "b": alert_raise(kind="threshold", level="blue", title="斗门雨量超警", targets=["district:440403"]),
    }


def ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_list_is_scoped_by_target(personas, alerts):
    assert ids(client_for(personas.commander).get("/api/alerts/")) == [
        alerts["b"].pk,
        alerts["a"].pk,
        alerts["city"].pk,
    ]
    assert ids(client_for(personas.grid_a).get("/api/alerts/")) == [alerts["a"].pk, alerts["city"].pk]
    assert ids(client_for(personas.grid_b).get("/api/alerts/")) == [alerts["b"].pk, alerts["city"].pk]
    assert client_for(personas.grid_a).get(f"/api/alerts/{alerts['b'].pk}/").status_code == 404
    assert APIClient().get("/api/alerts/").status_code == 403


def test_filters(personas, alerts):
    client = client_for(personas.commander)
    assert ids(client.get("/api/alerts/?kind=warning")) == [alerts["city"].pk]
    assert ids(client.get("/api/alerts/?level=yellow&level=blue")) == [alerts["b"].pk, alerts["a"].pk]
    assert ids(client.get(f"/api/alerts/?after_id={alerts['a'].pk}")) == [alerts["b"].pk]
    assert ids(client.get("/api/alerts/?acknowledged=false")) == [
        alerts["b"].pk,
        alerts["a"].pk,
        alerts["city"].pk,
    ]
    bad = client.get("/api/alerts/?level=purple")
    assert bad.status_code == 400 and [e["field"] for e in bad.json()["errors"]] == ["level"]


def test_detail_shape(personas, alerts):
    body = client_for(personas.commander).get(f"/api/alerts/{alerts['city'].pk}/").json()
    assert body["title"] == "暴雨红色预警"
    assert body["colour"] == "#e02020" and body["urgent"] is True
    assert body["acknowledged_at"] is None


def test_acknowledge_endpoint(personas, alerts):
    url = f"/api/alerts/{alerts['city'].pk}/acknowledge/"
    assert client_for(personas.grid_a).post(url).status_code == 403
    response = client_for(personas.duty).post(url)
    assert response.status_code == 200
    assert response.json()["acknowledged_by"] == "duty"
    again = client_for(personas.commander).post(url)
    assert again.status_code == 409 and again.json()["code"] == "already_acknowledged"
    assert client_for(personas.duty).post("/api/alerts/999999/acknowledge/").status_code == 404
    assert client_for(personas.duty).get(url).status_code == 405


def test_raise_test_alert_command(personas, capsys):
    call_command("raise_test_alert", "--level", "orange", "--district", "440402", "--point", "113.55,22.25")
    alert = Alert.objects.get(pk=int(capsys.readouterr().out.strip()))
    assert alert.kind == "test" and alert.level == "orange"
    assert alert.targets == ["citywide", "district:440402"]
    assert (alert.geom.x, alert.geom.y) == (113.55, 22.25)
    with pytest.raises(CommandError, match="000000"):
        call_command("raise_test_alert", "--district", "000000")
    with pytest.raises(CommandError, match=r"113\.55,22\.27"):
        call_command("raise_test_alert", "--point", "east")
