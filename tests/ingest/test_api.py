"""Push to a source (token or session) and the outbound data set with its updated_since cursor."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone
from rest_framework.test import APIClient

from emergency.services.alerts import alert_acknowledge, alert_clear, alert_raise
from ingest.choices import RunStatus
from ingest.models import Run
from ingest.services.sources import source_push_token_issue
from sanfang.models import Reading
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

RAIN = {"format": "csv", "station": "站码", "time": "时间", "variable": "rain", "value": "雨量", "unit": "mm"}
CSV = "站码,时间,雨量\nZH-R01,2026-07-01 08:00,1.5\nZH-R02,2026-07-01 08:00,x\n".encode()


@pytest.fixture
def push_source(make_source, stations):
    return make_source(settings=RAIN, transport="push", url="")


def push(client, source, body=CSV, **headers):
    return client.post(
        f"/api/ingest/sources/{source.slug}/push/", data=body, content_type="text/csv", **headers
    )


def test_a_push_with_the_source_token_is_ingested_like_a_pull(push_source):
    token = source_push_token_issue(source=push_source)
    response = push(APIClient(), push_source, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["rows_seen"], body["rows_written"], body["rows_rejected"]) == (
        "succeeded",
        2,
        1,
        1,
    )
    assert body["source"] == push_source.slug
    run = Run.objects.get()
    assert run.trigger == "push" and push_source.push_token_hint in run.origin
    assert Reading.objects.count() == 1
    # The X-Ingest-Token header works too, and the same payload again is all duplicates.
    again = push(APIClient(), push_source, HTTP_X_INGEST_TOKEN=token).json()
    assert (again["rows_written"], again["rows_duplicate"]) == (0, 1)


def test_push_needs_authentication(push_source):
    response = push(APIClient(), push_source)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="ingest"'
    assert not Run.objects.exists()


def test_a_wrong_or_foreign_token_is_refused(push_source, make_source):
    source_push_token_issue(source=push_source)
    other = make_source(settings=RAIN, transport="push", url="")
    other_token = source_push_token_issue(source=other)
    assert push(APIClient(), push_source, HTTP_AUTHORIZATION="Bearer nope").status_code == 401
    assert push(APIClient(), push_source, HTTP_AUTHORIZATION=f"Bearer {other_token}").status_code == 401
    assert not Run.objects.exists()


def test_a_new_token_replaces_the_old_one(push_source):
    old = source_push_token_issue(source=push_source)
    new = source_push_token_issue(source=push_source)
    assert push(APIClient(), push_source, HTTP_AUTHORIZATION=f"Bearer {old}").status_code == 401
    assert push(APIClient(), push_source, HTTP_AUTHORIZATION=f"Bearer {new}").status_code == 201
    push_source.refresh_from_db()
    assert (
        new not in (push_source.push_token_hash, push_source.push_token_hint)
        and push_source.push_token_hint == new[:6]
    )


def test_a_session_needs_the_push_permission_and_csrf(push_source, personas):
    client = APIClient(enforce_csrf_checks=True)
    client.login(username="duty", password=PASSWORD)
    assert push(client, push_source).status_code == 403
    personas.duty.user_permissions.add(Permission.objects.get(codename="push_to_source"))
    assert push(client, push_source).status_code == 403  # no CSRF token
    client = APIClient()
    client.login(username="duty", password=PASSWORD)
    response = push(client, push_source)
    assert response.status_code == 201
    assert Run.objects.get().user == personas.duty


def test_a_pull_source_refuses_pushes_and_a_bad_payload_is_422(make_source, stations):
    pull_source = make_source(settings=RAIN)
    token = source_push_token_issue(source=pull_source)
    response = push(APIClient(), pull_source, HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "does not accept pushes" in response.json()["detail"]
    push_source = make_source(settings=RAIN, transport="push", url="")
    token = source_push_token_issue(source=push_source)
    response = push(APIClient(), push_source, body=b"<html>oops</html>", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 422
    assert response.json()["status"] == RunStatus.FAILED and response.json()["error_kind"] == "payload"


def test_pushing_too_much_is_refused(push_source, settings):
    settings.INGEST_MAX_PAYLOAD_BYTES = 10
    token = source_push_token_issue(source=push_source)
    response = push(APIClient(), push_source, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 400


# --- outbound --------------------------------------------------------------------------------


@pytest.fixture
def commander_client(personas):
    client = APIClient()
    client.login(username="commander", password=PASSWORD)
    return client


def test_alerts_page_through_with_a_cursor_and_see_changes(personas, commander_client):
    alerts = [alert_raise(kind="test", level="yellow", title=f"测试{i}") for i in range(5)]
    first = commander_client.get("/api/ingest/outbound/alerts/", {"limit": 2}).json()
    assert [a["title"] for a in first["results"]] == ["测试0", "测试1"]
    assert first["has_more"] and "cursor=" in first["next"]
    second = commander_client.get(first["next"]).json()
    assert [a["title"] for a in second["results"]] == ["测试2", "测试3"]
    third = commander_client.get("/api/ingest/outbound/alerts/", {"cursor": second["cursor"]}).json()
    assert [a["title"] for a in third["results"]] == ["测试4"] and not third["has_more"]
    # Nothing new: the same cursor comes back.
    quiet = commander_client.get("/api/ingest/outbound/alerts/", {"cursor": third["cursor"]}).json()
    assert quiet["results"] == [] and quiet["cursor"] == third["cursor"]
    # Acknowledging and clearing are changes: the alert comes again, with its new state.
    alert_acknowledge(alert_id=alerts[1].pk, user=personas.commander)
    alert_clear(alert_id=alerts[3].pk)
    changed = commander_client.get("/api/ingest/outbound/alerts/", {"cursor": third["cursor"]}).json()
    assert [a["title"] for a in changed["results"]] == ["测试1", "测试3"]
    assert changed["results"][1]["cleared_at"] is not None
    active = commander_client.get("/api/ingest/outbound/alerts/", {"active": "true"}).json()
    assert len(active["results"]) == 4


def test_updated_since_and_visibility(personas, commander_client):
    alert_raise(kind="test", level="blue", title="区B", targets=["district:440403"])
    since = (timezone.now() - timedelta(minutes=1)).isoformat()
    assert (
        len(commander_client.get("/api/ingest/outbound/alerts/", {"updated_since": since}).json()["results"])
        == 1
    )
    future = (timezone.now() + timedelta(minutes=1)).isoformat()
    assert (
        commander_client.get("/api/ingest/outbound/alerts/", {"updated_since": future}).json()["results"]
        == []
    )
    grid_a = APIClient()
    grid_a.login(username="grid_a", password=PASSWORD)
    assert grid_a.get("/api/ingest/outbound/alerts/").json()["results"] == []
    assert (
        commander_client.get("/api/ingest/outbound/alerts/", {"updated_since": "yesterday"}).status_code
        == 400
    )
    assert commander_client.get("/api/ingest/outbound/alerts/", {"cursor": "nonsense"}).status_code == 400
    assert APIClient().get("/api/ingest/outbound/alerts/").status_code == 403


def test_warnings_and_responses(personas, commander_client, ingest, shared_data):
    from datetime import UTC, datetime

    from lxml import etree

    from ingest.simulator import shift_cap_document

    nsw = (shared_data / "cap" / "example_au_nsw_rfs_fire.cap.xml").read_bytes()
    ingest("cap", etree.tostring(shift_cap_document(nsw, datetime.now(UTC))))
    ingest("cap", (shared_data / "cap" / "example_oasis_spec_hsas_43b080713727.cap.xml").read_bytes())
    body = commander_client.get("/api/ingest/outbound/warnings/").json()
    assert len(body["results"]) == 2
    nsw_json = next(w for w in body["results"] if w["sender"] == "webmaster@rfs.nsw.gov.au")
    assert nsw_json["msgType"] == "Alert" and nsw_json["state"] == "active" and nsw_json["colour"] == "blue"
    assert nsw_json["infos"][0]["areas"][0]["geometry"]["type"] == "MultiPolygon"
    active = commander_client.get("/api/ingest/outbound/warnings/", {"active": "1"}).json()
    assert [w["identifier"] for w in active["results"]] == [nsw_json["identifier"]]
    responses = commander_client.get("/api/ingest/outbound/responses/").json()
    assert responses == {"results": [], "cursor": None, "has_more": False, "next": None}


def test_the_outbound_api_is_documented(commander_client, personas):
    schema = commander_client.get("/api/schema/", {"format": "json"}).json()
    for path in (
        "/api/ingest/outbound/warnings/",
        "/api/ingest/outbound/alerts/",
        "/api/ingest/outbound/responses/",
    ):
        names = {p["name"] for p in schema["paths"][path]["get"]["parameters"]}
        assert {"updated_since", "cursor", "limit"} <= names, path
    assert "/api/ingest/sources/{slug}/push/" in schema["paths"]
