# ruff: noqa: F811  (pytest fixtures imported from the fixture modules are test arguments)
"""The impact registries: REST CRUD with permissions and scope, masked phones, audit, map layers."""

from __future__ import annotations

import pytest

from accounts.models import AuditEntry
from sanfang.models import HazardPoint, PersonToMove
from tests.emergency.command_fixtures import client_for
from tests.emergency.plan_fixtures import units  # noqa: F401  (fixture)
from tests.sanfang.impact_fixtures import world  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

BASE = "/api/sanfang/registries"


def test_commander_creates_updates_and_deletes_a_hazard_point_audited(personas):
    client = client_for(personas.commander)
    created = client.post(
        f"{BASE}/hazards/",
        {
            "name": "凤凰山滑坡",
            "lon": 113.55,
            "lat": 22.25,
            "kind": "landslide",
            "district": personas.area_a.pk,
            "town": "拱北街道",
            "susceptibility": 0.7,
            "contact_phone": "13711112222",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["contact_phone"] == "13711112222"  # the commander moves people
    hazard = HazardPoint.objects.get(pk=pk)
    assert hazard.geom.x == pytest.approx(113.55) and hazard.susceptibility == 0.7
    entry = AuditEntry.objects.filter(model="hazardpoint", object_id=str(pk), action="create").get()
    assert entry.actor_id == personas.commander.pk
    assert entry.changes["contact_phone"] == ["***", "***"]

    patched = client.patch(f"{BASE}/hazards/{pk}/", {"people_threatened": 30}, format="json")
    assert patched.status_code == 200 and patched.json()["people_threatened"] == 30
    assert AuditEntry.objects.filter(model="hazardpoint", object_id=str(pk), action="update").exists()
    assert client.delete(f"{BASE}/hazards/{pk}/").status_code == 204
    assert not HazardPoint.objects.filter(pk=pk).exists()
    assert AuditEntry.objects.filter(model="hazardpoint", object_id=str(pk), action="delete").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x", "lon": 113.5, "lat": 22.2}, "kind"),
        ({"name": "x", "lon": 113.5, "lat": 22.2, "kind": "volcano"}, "kind"),
        ({"name": "x", "lon": 113.5, "kind": "landslide"}, "lat"),
        (
            {"name": "x", "lon": 113.5, "lat": 22.2, "kind": "landslide", "susceptibility": 2},
            "susceptibility",
        ),
        ({"name": "x", "lon": 113.5, "lat": 22.2, "kind": "landslide", "people": 3}, "people"),
    ],
)
def test_bad_registry_input_names_the_field(personas, body, field):
    answer = client_for(personas.commander).post(f"{BASE}/hazards/", body, format="json")
    assert answer.status_code == 400
    assert field in {e["field"] for e in answer.json()["errors"]}, answer.json()


def test_people_registry_needs_the_evacuation_permission_and_is_audited(personas, world, units):
    assert client_for(personas.grid_a).get(f"{BASE}/people/").json()["count"] == 0
    assert client_for(personas.outsider).get(f"{BASE}/people/").json()["count"] == 0
    before = AuditEntry.objects.filter(model="persontomove", action="view").count()
    listing = client_for(units.staff_b).get(f"{BASE}/people/")
    assert [r["name"] for r in listing.json()["results"]] == ["钱五"]  # district B's only
    detail = client_for(personas.duty).get(f"{BASE}/people/{world.people.p1.pk}/")
    assert detail.status_code == 200 and detail.json()["people"] == 3
    assert client_for(units.staff_b).get(f"{BASE}/people/{world.people.p1.pk}/").status_code == 404
    views = AuditEntry.objects.filter(model="persontomove", action="view").order_by("id")[before:]
    assert [(e.actor_id, e.changes["what"]) for e in views] == [
        (units.staff_b.pk, "list"),
        (personas.duty.pk, "detail"),
    ]
    assert views[1].object_id == str(world.people.p1.pk)


def test_member_unit_staff_cannot_write_and_others_cannot_write_outside_their_scope(personas, units):
    body = {"name": "低洼户", "lon": 113.25, "lat": 22.25, "category": "low_lying", "people": 3}
    # Member-unit staff may read, not write.
    assert client_for(units.staff_b).post(f"{BASE}/people/", body, format="json").status_code == 403
    # A district-level editor (change rights, not city-wide) may write only in their own district.
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    editor = UserFactory(username="editor_b", organisation=personas.district_b)
    editor.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["add_persontomove", "view_persontomove", "view_evacuation_list"]
        )
    )
    ok = client_for(editor).post(f"{BASE}/people/", {**body, "district": personas.area_b.pk}, format="json")
    assert ok.status_code == 201, ok.json()
    wrong = client_for(editor).post(
        f"{BASE}/people/", {**body, "district": personas.area_a.pk}, format="json"
    )
    assert wrong.status_code == 400 and wrong.json()["errors"][0]["field"] == "organisation"
    assert PersonToMove.objects.count() == 1


def test_filters_by_district_town_and_kind(personas, world):
    client = client_for(personas.commander)
    rows = client.get(f"{BASE}/people/", {"town": "拱北街道"}).json()["results"]
    assert sorted(r["name"] for r in rows) == ["孙六", "张一", "王三", "赵四"]
    rows = client.get(f"{BASE}/people/", {"district": personas.area_b.pk}).json()["results"]
    assert [r["name"] for r in rows] == ["钱五"]
    rows = client.get(f"{BASE}/targets/", {"kind": "hospital"}).json()["results"]
    assert [r["name"] for r in rows] == ["斗门医院"]


def test_map_layers_and_the_people_layer_only_for_evacuation_roles(personas, world):
    keys = {layer["key"] for layer in client_for(personas.duty).get("/api/layers/").json()["layers"]}
    assert {"hazard_points", "protected_targets", "info_officers", "people_to_move"} <= keys
    keys = {layer["key"] for layer in client_for(personas.grid_a).get("/api/layers/").json()["layers"]}
    assert "people_to_move" not in keys
    geo = client_for(personas.duty).get("/api/layers/hazard_points/geojson/").json()
    assert {f["properties"]["label"] for f in geo["features"]} == {"将军山滑坡", "远处内涝点"}
    people = client_for(personas.duty).get("/api/layers/people_to_move/geojson/").json()
    # Active households only, and no names on the map.
    assert len(people["features"]) == 5
    assert all("张一" not in str(f["properties"]) for f in people["features"])
    assert client_for(personas.grid_a).get("/api/layers/people_to_move/geojson/").status_code in (403, 404)
