"""REST API and page of the 三防 decisions part."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from emergency.models import EmergencyResponse
from sanfang.models import ResponseRecommendation, ResponseRule
from sanfang.services.decisions import recommendations_evaluate, response_rules_seed
from tests.emergency.plan_fixtures import units  # noqa: F401
from tests.sanfang.test_decisions import wind_plan  # noqa: F401

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


@pytest.fixture
def seeded(db):
    ResponseRule.objects.all().delete()
    response_rules_seed()


def test_rules_crud_with_errors_naming_the_field(personas, seeded):
    api = client_for(personas.commander)
    answer = api.post(
        "/api/sanfang/response-rules/",
        {
            "response_type": "wind",
            "level": "IV",
            "name": "x",
            "condition": {"fact": "moon_phase", "op": "==", "value": 1},
        },
        format="json",
    )
    assert answer.status_code == 400
    assert answer.json()["errors"] == [
        {"field": "condition.fact", "code": "invalid", "message": "Unknown fact moon_phase."}
    ]
    answer = api.post(
        "/api/sanfang/response-rules/",
        {
            "response_type": "wind",
            "level": "IV",
            "name": "风圈",
            "condition": {"fact": "typhoon_wind_force_here", "op": ">=", "value": 6},
        },
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    pk = answer.json()["id"]
    assert (
        api.patch(f"/api/sanfang/response-rules/{pk}/", {"active": False}, format="json").json()["active"]
        is False
    )
    assert api.delete(f"/api/sanfang/response-rules/{pk}/").status_code == 204
    assert len(api.get("/api/sanfang/response-rules/").json()["results"]) == 16
    assert (
        client_for(personas.grid_a).post("/api/sanfang/response-rules/", {}, format="json").status_code == 403
    )


def test_recommendations_list_confirm_reject(personas, seeded, wind_plan):  # noqa: F811
    wind, freeze = sorted(
        recommendations_evaluate(facts={"typhoon_warning_colour": "yellow", "min_temperature_c": 4}),
        key=lambda r: r.response_type,
    )[::-1]
    api = client_for(personas.commander)
    current = api.get("/api/sanfang/recommendations/?current=1").json()
    assert [(r["response_type"], r["level"], r["status"]) for r in current] == [
        ("wind", "III", "open"),
        ("freeze", "IV", "open"),
    ]
    assert (
        client_for(personas.grid_a).post(f"/api/sanfang/recommendations/{wind.pk}/confirm/").status_code
        == 403
    )
    answer = api.post(
        f"/api/sanfang/recommendations/{wind.pk}/confirm/", {"reason": "台风黄色预警"}, format="json"
    )
    assert answer.status_code == 200 and answer.json()["status"] == "confirmed"
    assert EmergencyResponse.objects.get(pk=answer.json()["response"]).level == "III"
    again = api.post(f"/api/sanfang/recommendations/{wind.pk}/confirm/", format="json")
    assert again.status_code == 400 and again.json()["errors"][0]["field"] == "status"
    answer = api.post(f"/api/sanfang/recommendations/{freeze.pk}/reject/", {"reason": "回暖"}, format="json")
    assert answer.json()["status"] == "dismissed"


def test_facts_and_risk(personas, seeded):
    api = client_for(personas.duty)
    body = api.get("/api/sanfang/facts/").json()
    assert body["facts"]["geohazard_points_orange_or_red"] == 0
    assert any(f["name"] == "tc_class" for f in body["vocabulary"])
    assert api.get("/api/sanfang/risk/").json()["unit"] == "district"
    assert api.get("/api/sanfang/risk/?unit=grid").json()["type"] == "FeatureCollection"
    assert api.get("/api/sanfang/risk/?unit=town").json()["errors"][0]["field"] == "unit"
    assert client_for(personas.outsider).get("/api/sanfang/facts/").status_code == 403


def test_page_shows_reasons_and_confirms(client, personas, seeded, wind_plan):  # noqa: F811
    (rec,) = recommendations_evaluate(facts={"typhoon_warning_colour": "yellow"})
    client.force_login(personas.commander)
    page = client.get(reverse("sanfang:decisions"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert (
        "台风黄色预警或48小时内强热带风暴以上影响" in page and "Typhoon warning signal colour: yellow" in page
    )
    assert reverse("sanfang:decision_confirm", args=[rec.pk]) in page
    answer = client.post(reverse("sanfang:decision_confirm", args=[rec.pk]), {"reason": ""})
    assert answer.status_code == 302
    rec.refresh_from_db()
    assert rec.status == ResponseRecommendation.Status.CONFIRMED and rec.response.level == "III"
    client.force_login(personas.grid_a)
    assert client.post(reverse("sanfang:decision_reject", args=[rec.pk])).status_code == 403
