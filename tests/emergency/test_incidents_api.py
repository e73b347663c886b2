"""The incidents REST API: scoping by organisation and role, error shape and language, search,
statistics, Excel export, and API keys for other bureaus' systems."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from rest_framework.test import APIClient

from accounts.models import AuditEntry
from accounts.services.api_keys import api_key_create, api_key_revoke
from emergency.services.incidents import incident_transition
from tests.emergency.command_fixtures import IN_A, IN_B, client_for, report

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("incident_types")]


@pytest.fixture
def incidents(personas):
    return {
        "a": report(personas.duty, title="白石水库出现管涌", point=IN_A),
        "b": report(personas.duty, title="斗门大道交通事故", type_code="traffic", point=IN_B, level="III"),
        "ent": report(
            personas.enterprise, title="示范化工储罐泄漏", type_code="hazchem", point=IN_A, deaths=1
        ),
    }


def ids(response):
    assert response.status_code == 200, response.content
    return sorted(row["id"] for row in response.json()["results"])


def test_scoping_by_organisation_and_role(personas, incidents):
    a, b, ent = (incidents[k].pk for k in ("a", "b", "ent"))
    assert ids(client_for(personas.commander).get("/api/incidents/")) == sorted([a, b, ent])
    assert ids(client_for(personas.grid_a).get("/api/incidents/")) == sorted([a, ent])
    assert ids(client_for(personas.grid_b).get("/api/incidents/")) == [b]
    assert ids(client_for(personas.enterprise).get("/api/incidents/")) == [ent]
    assert client_for(personas.grid_b).get(f"/api/incidents/{a}/").status_code == 404
    assert client_for(personas.outsider).get("/api/incidents/").json()["results"] == []
    # Grid inspectors report but cannot verify.
    response = client_for(personas.grid_a).post(
        f"/api/incidents/{a}/transition/", {"status": "verified"}, format="json"
    )
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert (
        client_for(personas.duty)
        .post(f"/api/incidents/{a}/transition/", {"status": "verified"}, format="json")
        .status_code
        == 200
    )


def test_report_through_the_api(personas):
    payload = {
        "title": "前山河水位超警",
        "type": "flood",
        "level": "IV",
        "geometry": {"type": "Point", "coordinates": [113.55, 22.25]},
        "reporter_phone": "13812345678",
    }
    response = client_for(personas.grid_a).post("/api/incidents/", payload, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["district"] == "440402" and body["status"] == "reported"
    assert body["reporter_phone"] == "138****5678"


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", '"purple" is not a valid choice.'), ("zh-hans", "“purple” 不是合法选项。")],
)
def test_errors_have_one_shape_in_the_request_language(personas, language, message):
    response = client_for(personas.grid_a, language).post(
        "/api/incidents/", {"title": "x", "type": "flood", "level": "purple"}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    by_field = {e["field"]: e for e in body["errors"]}
    assert by_field["level"] == {"field": "level", "code": "invalid_choice", "message": message}
    assert by_field["geometry"]["code"] == "required"


def test_forbidden_transition_comes_back_as_field_error(personas, incidents):
    response = client_for(personas.duty, "zh-hans").post(
        f"/api/incidents/{incidents['a'].pk}/transition/", {"status": "closed"}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "forbidden_transition"
    assert body["errors"][0]["field"] == "status"
    assert "已上报" in body["errors"][0]["message"]


def test_chinese_substring_search_and_filters(personas, incidents):
    client = client_for(personas.commander)
    assert ids(client.get("/api/incidents/", {"q": "水库"})) == [incidents["a"].pk]
    assert ids(client.get("/api/incidents/", {"q": "泄漏 储罐"})) == [incidents["ent"].pk]
    assert ids(client.get("/api/incidents/", {"q": "地震"})) == []
    assert ids(client.get("/api/incidents/", {"type": "accident"})) == sorted(
        [incidents["b"].pk, incidents["ent"].pk]
    )
    assert ids(client.get("/api/incidents/", {"district": "440403"})) == [incidents["b"].pk]
    assert ids(client.get("/api/incidents/", {"level": "III"})) == [incidents["b"].pk]


def test_statistics(personas, incidents):
    client = client_for(personas.commander)
    rows = client.get("/api/incidents/statistics/", {"by": "category"}).json()
    assert {r["key"]: r["count"] for r in rows} == {"natural": 1, "accident": 2}
    rows = client.get("/api/incidents/statistics/", {"by": "district"}).json()
    assert {r["key"]: (r["count"], r["deaths"]) for r in rows} == {"440402": (2, 1), "440403": (1, 0)}
    rows = client.get("/api/incidents/statistics/", {"by": "period", "period": "month"}).json()
    assert sum(r["count"] for r in rows) == 3
    # Scoped like the list.
    rows = client_for(personas.grid_b).get("/api/incidents/statistics/", {"by": "level"}).json()
    assert rows == [{**rows[0], "key": "III", "count": 1}]
    bad = client.get("/api/incidents/statistics/", {"by": "colour"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "by"


def test_excel_export_opens_and_holds_the_rows(personas, incidents):
    response = client_for(personas.grid_a, "zh-hans").get("/api/incidents/export/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("编号", "标题", "类别", "类型", "级别")
    assert sorted(r[1] for r in rows[1:]) == sorted(["白石水库出现管涌", "示范化工储罐泄漏"])
    hazchem = next(r for r in rows[1:] if r[1] == "示范化工储罐泄漏")
    assert hazchem[2] == "事故灾难" and hazchem[3] == "危险化学品事故" and hazchem[13] == 1


def test_api_key_authentication_scopes_audit_and_revocation(personas, incidents):
    key, raw = api_key_create(
        name="气象局系统", organisation=personas.district_b, scopes=["incidents:read", "incidents:write"]
    )
    assert raw not in key.hashed and key.prefix in raw
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    # The key acts for district B's organisation: it sees district B's incidents only.
    assert ids(client.get("/api/incidents/")) == [incidents["b"].pk]
    created = client.post(
        "/api/incidents/",
        {
            "title": "斗门内涝",
            "type": "waterlogging",
            "level": "IV",
            "geometry": {"type": "Point", "coordinates": [113.25, 22.25]},
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["district"] == "440403"
    # No resources scope: refused.
    assert client.get("/api/shelters/").status_code == 403
    uses = AuditEntry.objects.filter(action="api_key_used", object_id=str(key.pk), success=True)
    assert uses.count() == 3
    assert AuditEntry.objects.filter(model="incident", action="create", actor_id=key.user_id).count() == 1
    # A wrong secret and a revoked key are refused (and the refusal audited).
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw[:-2]}xx")
    # 403 rather than 401: session authentication comes first and sends no WWW-Authenticate.
    refused = bad.get("/api/incidents/")
    assert refused.status_code == 403 and refused.json()["code"] == "authentication_failed"
    api_key_revoke(key=key)
    assert client.get("/api/incidents/").json()["code"] == "authentication_failed"
    assert AuditEntry.objects.filter(action="api_key_used", success=False).count() == 2


def test_nearest_endpoint(personas, incidents):
    from django.contrib.gis.geos import Point

    from emergency.models import RescueTeam

    team = RescueTeam.objects.create(
        name="香洲救援队", organisation=personas.district_a, geom=Point(113.56, 22.25, srid=4326)
    )
    incident_transition(user=personas.duty, incident_id=incidents["a"].pk, status="verified")
    response = client_for(personas.commander).get(
        f"/api/incidents/{incidents['a'].pk}/nearest/", {"kind": "team", "radius": 3000}
    )
    assert response.status_code == 200
    assert [(r["id"], round(r["distance_m"] / 100)) for r in response.json()] == [(team.pk, 10)]
    bad = client_for(personas.commander).get(f"/api/incidents/{incidents['a'].pk}/nearest/", {"kind": "boat"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "kind"
