"""The plans, resources, library and drills pages, and the navigation that leads to them."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from django.utils import timezone

from emergency.choices import LibraryKind
from emergency.models import Depot, Dispatch, IncidentType, RescueTeam, Shelter, StockItem
from emergency.services.drills import drill_plan
from emergency.services.incidents import incident_transition
from emergency.services.library import library_entry_create
from tests.emergency.command_fixtures import IN_A, IN_B, report

pytestmark = pytest.mark.django_db


def test_plan_list_detail_and_export(personas, units, plan, client):
    client.force_login(units.staff_a)
    listed = client.get("/plans/").content.decode()
    assert "测试防汛应急预案" in listed and 'id="plans"' in listed
    detail = client.get(f"/plans/{plan.plan_id}/").content.decode()
    assert "综合协调组" in detail and "巡查水库山塘" in detail and "排查香洲低洼易涝点" in detail
    assert "0756-0000001" not in detail  # phone numbers stay in the contacts directory
    exported = client.get(f"/plans/{plan.plan_id}/export/", {"as": "yaml"})
    assert exported.status_code == 200 and "attachment" in exported["Content-Disposition"]
    document = yaml.safe_load(exported.content.decode())
    assert document["code"] == "test-flood" and "0756-0000001" not in exported.content.decode()
    as_json = client.get(f"/plans/{plan.plan_id}/export/", {"as": "json"})
    assert as_json.json()["code"] == "test-flood"
    assert client.get(f"/plans/{plan.plan_id}/export/", {"as": "xml"}).status_code == 404
    assert client.get(f"/plans/{plan.plan_id}/", {"version": "9"}).status_code == 404
    # An enterprise user may not see plans; a grid inspector neither.
    client.force_login(personas.enterprise)
    assert client.get("/plans/").status_code == 403
    assert client.get(f"/plans/{plan.plan_id}/").status_code == 403


def test_resources_page_lists_stock_and_dispatches(personas, client):
    incident = report(personas.duty, title="前山河漫堤")
    incident_transition(user=personas.duty, incident_id=incident.pk, status="verified")
    team = RescueTeam.objects.create(name="香洲救援队", organisation=personas.district_a, geom=IN_A)
    RescueTeam.objects.create(name="斗门救援队", organisation=personas.district_b, geom=IN_B)
    depot = Depot.objects.create(name="香洲物资库", organisation=personas.district_a, geom=IN_A)
    sandbags = StockItem.objects.create(depot=depot, name="沙袋", unit="袋", quantity=10, minimum=20)
    Shelter.objects.create(
        name="香洲一中避难场所", organisation=personas.district_a, geom=IN_A, capacity=800, occupancy=120
    )

    client.force_login(personas.commander)
    page = client.get("/resources/").content.decode()
    assert "香洲救援队" in page and "斗门救援队" in page and 'class="low-stock"' in page
    assert 'id="dispatch-form"' in page and "香洲一中避难场所" in page and "120 / 800" in page
    too_many = client.post(
        "/resources/",
        {
            "dispatch-incident": incident.pk,
            "dispatch-resource": f"stock-{sandbags.pk}",
            "dispatch-quantity": 11,
        },
    ).content.decode()
    assert "error" in too_many and Dispatch.objects.count() == 0
    sandbags.refresh_from_db()
    assert sandbags.quantity == 10
    missing_quantity = client.post(
        "/resources/", {"dispatch-incident": incident.pk, "dispatch-resource": f"stock-{sandbags.pk}"}
    ).content.decode()
    assert 'data-field="quantity"' in missing_quantity
    sent = client.post(
        "/resources/",
        {
            "dispatch-incident": incident.pk,
            "dispatch-resource": f"stock-{sandbags.pk}",
            "dispatch-quantity": 4,
        },
    )
    assert sent.status_code == 302
    sandbags.refresh_from_db()
    assert sandbags.quantity == 6
    assert (
        client.post(
            "/resources/", {"dispatch-incident": incident.pk, "dispatch-resource": f"team-{team.pk}"}
        ).status_code
        == 302
    )
    team.refresh_from_db()
    assert team.status == "dispatched" and Dispatch.objects.count() == 2
    assert 'id="dispatches"' in client.get("/resources/").content.decode()

    # District B's inspector sees nothing of district A and cannot dispatch.
    client.force_login(personas.grid_b)
    assert client.get("/resources/").status_code == 403


def test_library_search_finds_chinese_substrings_in_scope(personas, client):
    library_entry_create(
        user=personas.commander,
        kind=LibraryKind.CASE,
        title="2018年超强台风山竹应对复盘",
        summary="全市转移群众五万余人",
        tags=["台风"],
    )
    library_entry_create(user=personas.commander, kind=LibraryKind.KNOWLEDGE, title="内涝防御常识")
    client.force_login(personas.grid_a)
    found = client.get("/library/", {"q": "山竹"}).content.decode()
    assert "超强台风山竹" in found and "内涝防御常识" not in found
    by_kind = client.get("/library/", {"kind": "knowledge"}).content.decode()
    assert "内涝防御常识" in by_kind and "山竹" not in by_kind
    assert (
        "Nothing found" in client.get("/library/", {"q": "地震"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
    client.force_login(personas.outsider)
    assert client.get("/library/").status_code == 403


def test_drills_list_is_marked_apart(personas, units, plan, client):
    drill_plan(
        user=personas.commander,
        title="前山河决堤演练",
        plan_version=plan,
        scenario="暴雨导致前山河水位超警。",
        incident_type=IncidentType.objects.get(code="flood"),
        level="IV",
        geom=IN_A,
        scheduled_at=timezone.now() + dt.timedelta(days=1),
    )
    client.force_login(personas.duty)
    page = client.get("/drills/").content.decode()
    assert "前山河决堤演练" in page and "drill-banner" in page
    assert "前山河决堤演练" not in client.get("/drills/", {"status": "filed"}).content.decode()
    client.force_login(personas.grid_a)
    assert client.get("/drills/").status_code == 403


def test_navigation_links_plans_resources_and_sanfang(personas, client):
    from core.navigation import NavLink, section_by_slug

    assert section_by_slug("resources").url == "/resources/"
    sanfang = section_by_slug("sanfang")
    urls = [link["url"] for link in sanfang.nav_links]
    assert urls[:4] == ["/map/", "/sanfang/impact/", "/sanfang/decisions/", "/sanfang/defence/"]
    assert sanfang.built
    # A URL name that does not exist (yet) falls back to its path, or is left out.
    assert NavLink("x", "nowhere:page", "/later/").url == "/later/"
    assert NavLink("x", "nowhere:page").url is None
    client.force_login(personas.commander)
    hub = client.get(section_by_slug("plans").url).content.decode()
    assert 'id="section-links"' in hub and 'href="/plans/"' in hub and 'href="/drills/"' in hub
    sanfang_hub = client.get(sanfang.url).content.decode()
    assert 'href="/sanfang/defence/"' in sanfang_hub
    home = client.get("/").content.decode()
    assert 'href="/resources/"' in home
