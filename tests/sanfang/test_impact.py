# ruff: noqa: F811  (pytest fixtures imported from the fixture modules are test arguments)
"""Impact analysis: the lists of a zone against a hand-checked fixture, grouping, roles and audit of
the evacuation lists, the Excel export, validation errors, and tasks sent through a response."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Permission
from django.contrib.gis.geos import GEOSGeometry
from django.db import connection
from openpyxl import load_workbook

from accounts.models import AuditEntry
from emergency.models import ResponseTask
from emergency.services.responses import response_start
from sanfang.selectors.impact import impact_groups, impact_queryset
from sanfang.services.impact import impact_zone
from tests.emergency.command_fixtures import client_for
from tests.emergency.plan_fixtures import plan, units  # noqa: F401  (fixtures)
from tests.factories import UserFactory
from tests.sanfang.impact_fixtures import POLYGON, ZONE, world  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def analyse(user, body=POLYGON, lang="en"):
    return client_for(user, lang).post("/api/sanfang/impact/", body, format="json")


def people_views(user) -> int:
    return AuditEntry.objects.filter(action="view", model="persontomove", actor_id=user.pk).count()


def test_lists_inside_the_zone_with_the_edge_point_and_without_inactive(personas, world):
    answer = analyse(personas.commander)
    assert answer.status_code == 200, answer.json()
    lists = answer.json()["lists"]
    names = {key: sorted(r["name"] for r in value["rows"]) for key, value in lists.items()}
    assert names == {
        "people": sorted(["张一", "李二", "王三"]),
        "hazards": ["将军山滑坡"],
        "targets": ["拱北小学"],
        "officers": ["周信息员"],
        "shelters": ["拱北避护所"],  # the full one has no free place
        "teams": ["香洲救援队"],
        "depots": ["香洲物资库"],
    }
    assert lists["people"]["total"] == {"count": 3, "measure": 9}
    assert lists["hazards"]["total"] == {"count": 1, "measure": 12}
    assert lists["targets"]["total"] == {"count": 1, "measure": 800}
    assert lists["shelters"]["total"] == {"count": 1, "measure": 60}
    assert answer.json()["hidden"] == []
    assert 18 < answer.json()["area_km2"] < 19  # 0.04° × 0.04° at 22.24° N ≈ 18.3 km²


def test_grouped_by_district_then_town(personas, world):
    lists = analyse(personas.commander).json()["lists"]
    assert lists["people"]["groups"] == [
        {
            "district_id": personas.area_a.pk,
            "district": "香洲区",
            "count": 3,
            "measure": 9,
            "towns": [
                {"town": "吉大街道", "count": 1, "measure": 2},
                {"town": "拱北街道", "count": 2, "measure": 7},
            ],
        }
    ]
    # Resources have no district column: it comes from the area that covers them.
    assert lists["shelters"]["groups"][0]["district"] == "香洲区"
    assert lists["teams"]["rows"][0]["district"] == "香洲区"
    # Rows come in district, town, name order.
    assert [r["town"] for r in lists["people"]["rows"]] == ["吉大街道", "拱北街道", "拱北街道"]


def test_a_zone_over_two_districts_makes_two_groups(personas, world):
    box = GEOSGeometry("POLYGON((113.2 22.2, 113.6 22.2, 113.6 22.3, 113.2 22.3, 113.2 22.2))", srid=4326)
    grouped = impact_groups(impact_queryset(user=personas.commander, key="people", zone=box))
    assert [(g["district"], g["count"], g["measure"]) for g in grouped["groups"]] == [
        ("香洲区", 4, 14),
        ("斗门区", 1, 6),
    ]
    assert grouped["total"] == {"count": 5, "measure": 20}


def test_the_people_list_needs_the_evacuation_permission(personas, world):
    # A user who may see hazard points but not the evacuation lists: the people list is hidden.
    viewer = UserFactory(username="viewer", organisation=personas.bureau)
    viewer.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_hazardpoint", "view_infoofficer"])
    )
    answer = analyse(viewer)
    assert answer.status_code == 200
    body = answer.json()
    assert set(body["lists"]) == {"hazards", "officers"}
    assert "people" in body["hidden"]
    # Not a city-wide role, but the bureau's subtree governs district A, where the officer is.
    assert body["lists"]["officers"]["total"]["count"] == 1
    page = client_for(viewer).post("/api/sanfang/impact/people/", POLYGON, format="json")
    assert page.status_code == 403
    assert people_views(viewer) == 0
    assert (
        client_for(personas.outsider).post("/api/sanfang/impact/", POLYGON, format="json").status_code == 403
    )
    assert client_for(personas.grid_a).post("/api/sanfang/impact/", POLYGON, format="json").status_code == 403


def test_phones_masked_for_roles_that_do_not_move_people(personas, world):
    viewer = UserFactory(username="viewer2", organisation=personas.bureau)
    viewer.user_permissions.add(Permission.objects.get(codename="view_infoofficer"))
    # Make the officer visible to the viewer's organisation.
    world.officer.organisation = personas.bureau
    world.officer.save()
    rows = analyse(viewer).json()["lists"]["officers"]["rows"]
    assert rows[0]["contact_phone"] == "139****1111"
    full = analyse(personas.duty).json()["lists"]["officers"]["rows"]
    assert full[0]["contact_phone"] == "13900001111"


def test_every_view_of_the_people_list_is_audited(personas, world):
    before = people_views(personas.duty)
    analyse(personas.duty)
    assert people_views(personas.duty) == before + 1
    entry = AuditEntry.objects.filter(model="persontomove", actor_id=personas.duty.pk).latest("id")
    assert entry.changes["households"] == 3 and entry.changes["people"] == 9
    assert entry.changes["zone"]["kind"] == "polygon"
    assert entry.changes["zone"]["params"]["geometry"]["vertices"] == 5  # summarised, not stored
    page = client_for(personas.duty).post(
        "/api/sanfang/impact/people/", {**POLYGON, "page": 1}, format="json"
    )
    assert page.status_code == 200 and page.json()["total"]["count"] == 3
    assert people_views(personas.duty) == before + 2
    client_for(personas.duty).post("/api/sanfang/impact/export.xlsx", POLYGON, format="json")
    assert people_views(personas.duty) == before + 3


def test_member_unit_staff_see_their_district_only(personas, world, units):
    box = {
        "kind": "polygon",
        "params": {
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[113.2, 22.2], [113.6, 22.2], [113.6, 22.3], [113.2, 22.3], [113.2, 22.2]]],
            }
        },
    }
    lists = analyse(units.staff_b, box).json()["lists"]
    assert [r["name"] for r in lists["people"]["rows"]] == ["钱五"]
    lists = analyse(units.staff_a, box).json()["lists"]
    assert sorted(r["name"] for r in lists["people"]["rows"]) == ["张一", "李二", "王三", "赵四"]


def test_list_pages(personas, world, settings):
    settings.SANFANG_IMPACT_PAGE_SIZE = 2
    client = client_for(personas.commander)
    first = client.post("/api/sanfang/impact/people/", {**POLYGON, "page": 1}, format="json").json()
    second = client.post("/api/sanfang/impact/people/", {**POLYGON, "page": 2}, format="json").json()
    assert first["pages"] == 2 and len(first["rows"]) == 2 and len(second["rows"]) == 1
    assert {r["name"] for r in first["rows"] + second["rows"]} == {"张一", "李二", "王三"}
    unknown = client.post("/api/sanfang/impact/nonsense/", POLYGON, format="json")
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["field"] == "list"


def test_export_has_a_sheet_per_list_with_the_rows(personas, world):
    answer = client_for(personas.commander).post("/api/sanfang/impact/export.xlsx", POLYGON, format="json")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(answer.content))
    assert book.sheetnames == [
        "Summary",
        "People to move",
        "Hazard points",
        "Protected targets",
        "Info officers and agencies",
        "Shelters with free capacity",
        "Rescue teams",
        "Material depots",
    ]
    people = list(book["People to move"].values)
    assert people[0][:3] == ("District", "Town", "Name")
    assert [row[2] for row in people[1:]] == ["李二", "张一", "王三"]
    assert people[1][7] == "13812345678"  # the commander moves people: full numbers
    assert list(book["Shelters with free capacity"].values)[1][-1] == 60
    # GET with the parameters in the query string works too (a plain link).
    import json

    link = client_for(personas.commander).get(
        "/api/sanfang/impact/export.xlsx", {"kind": "polygon", "params": json.dumps({"geometry": ZONE})}
    )
    assert link.status_code == 200 and link.content[:2] == b"PK"


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"kind": "volcano", "params": {}}, "kind", "Unknown zone kind"),
        ({"params": {}}, "kind", "required"),
        ({"kind": "polygon", "params": {}}, "params.geometry", "Draw the zone"),
        ({"kind": "polygon", "params": []}, "params", "JSON object"),
        (
            {"kind": "polygon", "params": {"geometry": {"type": "Point", "coordinates": [113.5, 22.2]}}},
            "params.geometry",
            "Polygon",
        ),
        (
            {
                "kind": "polygon",
                "params": {
                    "geometry": {
                        "type": "Polygon",
                        "coordinates": [
                            [[113.5, 22.2], [113.6, 22.3], [113.6, 22.2], [113.5, 22.3], [113.5, 22.2]]
                        ],
                    }
                },
            },
            "params.geometry",
            "not valid",
        ),
        ({"kind": "polygon", "params": {"geometry": "{oops"}}, "params.geometry", "GeoJSON"),
        (
            {
                "kind": "polygon",
                "params": {
                    "geometry": {
                        "type": "Polygon",
                        "coordinates": [[[200, 22], [201, 22], [201, 23], [200, 22]]],
                    }
                },
            },
            "params.geometry",
            "longitude",
        ),
        (
            {"kind": "rain", "params": {"window": "5h", "min_mm": 50}},
            "params.window",
            "Unknown rainfall window",
        ),
        ({"kind": "rain", "params": {"window": "24h", "min_mm": "lots"}}, "params.min_mm", "number"),
        ({"kind": "rain", "params": {"window": "24h", "min_mm": -1}}, "params.min_mm", "zero or more"),
    ],
)
def test_validation_errors_name_the_bad_input(personas, body, field, words):
    answer = analyse(personas.commander, body)
    assert answer.status_code == 400, answer.json()
    errors = answer.json()["errors"]
    assert errors[0]["field"] == field, errors
    assert words in errors[0]["message"], errors


def test_a_zone_bigger_than_allowed_is_refused(personas, settings):
    settings.SANFANG_IMPACT_MAX_AREA_KM2 = 10
    answer = analyse(personas.commander)
    assert answer.status_code == 400 and "km²" in answer.json()["errors"][0]["message"]


def test_the_rain_zone_buffers_the_stations_over_the_threshold(personas, world, settings):
    from sanfang.models import Station, StationStatus

    settings.SANFANG_IMPACT_RAIN_BUFFER_M = 1500
    wet = Station.objects.create(
        code="R-WET", name="湿", kind="rain", geom=GEOSGeometry("POINT(113.53 22.23)", srid=4326)
    )
    dry = Station.objects.create(
        code="R-DRY", name="干", kind="rain", geom=GEOSGeometry("POINT(113.25 22.25)", srid=4326)
    )
    StationStatus.objects.create(station=wet, rain_24h=80, rain_1h=10)
    StationStatus.objects.create(station=dry, rain_24h=20, rain_1h=40)
    zone = impact_zone(kind="rain", params={"window": "24h", "min_mm": 50})
    # One 1.5 km circle around R-WET: P1 sits on the station; P2 (2.5 km away) is outside.
    assert 6.5 < zone.area_km2 < 7.5
    lists = analyse(personas.commander, {"kind": "rain", "params": {"window": "24h", "min_mm": 50}}).json()[
        "lists"
    ]
    assert [r["name"] for r in lists["people"]["rows"]] == ["张一"]
    # Over one hour it is the dry station that is over 30 mm.
    lists = analyse(personas.commander, {"kind": "rain", "params": {"window": "1h", "min_mm": 30}}).json()[
        "lists"
    ]
    assert [r["name"] for r in lists["people"]["rows"]] == ["钱五"]
    # Nobody over the threshold: an empty zone and empty lists, not an error.
    answer = analyse(personas.commander, {"kind": "rain", "params": {"window": "24h", "min_mm": 500}})
    assert answer.status_code == 200 and answer.json()["lists"]["people"]["total"]["count"] == 0


def test_any_registered_kind_is_accepted(personas, world):
    from sanfang.impact_zones import _RESOLVERS, zone_resolver_register

    zone_resolver_register(
        "test_box", lambda params: GEOSGeometry(str({**ZONE}).replace("'", '"'), srid=4326)
    )
    try:
        answer = analyse(personas.commander, {"kind": "test_box", "params": {}})
        assert answer.status_code == 200
        assert answer.json()["lists"]["people"]["total"]["count"] == 3
    finally:
        _RESOLVERS.pop("test_box")


def test_spatial_filters_use_the_gist_index(personas, world):
    zone = impact_zone(kind="polygon", params={"geometry": ZONE}).geom
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    for key, index_table in (
        ("people", "sanfang_persontomove"),
        ("hazards", "sanfang_hazardpoint"),
        ("shelters", "emergency_shelter"),
    ):
        plan = impact_queryset(user=personas.commander, key=key, zone=zone).explain()
        assert f"Seq Scan on {index_table}" not in plan, plan
        # Django names the GiST index <table>_geom_<hash>_id.
        assert f"{index_table}_geom_" in plan, plan


def test_tasks_are_sent_to_the_responsible_units(personas, world, plan):
    response = response_start(
        user=personas.commander, plan_id=plan.plan_id, level="IV", event_name="台风天鸽"
    )
    before = ResponseTask.objects.filter(response=response).count()
    answer = client_for(personas.commander).post(
        "/api/sanfang/impact/tasks/",
        {**POLYGON, "response": response.pk, "lists": ["people", "hazards", "officers"]},
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    added = ResponseTask.objects.filter(response=response).exclude(pk__in=[]).order_by("id")[before:]
    by_unit = {(t.organisation_id, t.group_name) for t in added}
    # People and the hazard point name district A's organisation; the officer has no unit, so the
    # district's own organisation takes it.
    assert by_unit == {
        (personas.district_a.pk, "People to move"),
        (personas.district_a.pk, "Hazard points"),
        (personas.district_a.pk, "Info officers and agencies"),
    }
    people_task = next(t for t in added if t.group_name == "People to move")
    assert "3 entries" in people_task.text and "9 people" in people_task.text
    assert answer.json()["unassigned"] == 0
    # The duty officer may see the lists but may not command responses.
    denied = client_for(personas.duty).post(
        "/api/sanfang/impact/tasks/", {**POLYGON, "response": response.pk, "lists": ["people"]}, format="json"
    )
    assert denied.status_code == 403
    missing = client_for(personas.commander).post(
        "/api/sanfang/impact/tasks/", {**POLYGON, "response": response.pk, "lists": []}, format="json"
    )
    assert missing.status_code == 400 and missing.json()["errors"][0]["field"] == "lists"
