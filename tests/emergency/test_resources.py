"""Resources: nearest within a radius (index-friendly), dispatch and return, stock under concurrency."""

from __future__ import annotations

import threading

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection

from emergency.models import Dispatch, RescueTeam, Shelter, StockItem, StockMovement
from emergency.selectors.resources import resources_nearest, resources_nearest_queryset
from emergency.services.incidents import incident_transition
from emergency.services.resources import InsufficientStock, dispatch_advance, dispatch_create
from tests.emergency.command_fixtures import IN_A, report

pytestmark = pytest.mark.usefixtures("incident_types")


def shelter(org, name, lon, lat, capacity=100):
    return Shelter.objects.create(
        name=name, organisation=org, geom=Point(lon, lat, srid=4326), capacity=capacity, is_open=True
    )


@pytest.mark.django_db
def test_nearest_within_radius_sorted_and_scoped(personas):
    near = shelter(personas.district_a, "拱北小学", 113.551, 22.251)  # ~150 m
    far = shelter(personas.district_a, "香洲体育馆", 113.57, 22.25)  # ~2 km
    shelter(personas.district_a, "远处", 113.70, 22.25)  # ~15 km
    other = shelter(personas.district_b, "斗门中学", 113.552, 22.25)  # ~200 m, district B's
    rows = resources_nearest(user=personas.commander, kind="shelter", point=IN_A, radius_m=5000, limit=10)
    assert [r.pk for r in rows] == [near.pk, other.pk, far.pk]
    assert 100 < rows[0].distance_m < 200 and 1900 < rows[2].distance_m < 2200
    assert [
        r.pk
        for r in resources_nearest(
            user=personas.commander, kind="shelter", point=IN_A, radius_m=5000, limit=1
        )
    ] == [near.pk]


@pytest.mark.django_db
def test_radius_query_uses_the_geography_index(personas):
    for i in range(30):
        shelter(personas.district_a, f"S{i}", 113.5 + i * 0.003, 22.25)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE emergency_shelter")
        cursor.execute("SET LOCAL enable_seqscan = off")
    queryset = resources_nearest_queryset(user=personas.commander, kind="shelter", point=IN_A, radius_m=1000)
    plan = queryset.explain()
    assert "emergency_shelter_geog" in plan, plan
    # 0.003° of longitude is ~309 m here: S14 … S19 lie within 1 km of 113.55.
    assert sorted(s.name for s in queryset) == [f"S{i}" for i in range(14, 20)]


@pytest.fixture
def flood(personas):
    incident = report(personas.duty)
    incident_transition(user=personas.duty, incident_id=incident.pk, status="verified")
    return incident


@pytest.mark.django_db
def test_team_dispatch_and_return(personas, flood):
    team = RescueTeam.objects.create(name="珠海市消防救援支队", organisation=personas.bureau, geom=IN_A)
    dispatch = dispatch_create(user=personas.commander, incident_id=flood.pk, team_id=team.pk)
    team.refresh_from_db()
    assert team.status == "dispatched"
    with pytest.raises(ValidationError) as info:
        dispatch_create(user=personas.commander, incident_id=flood.pk, team_id=team.pk)
    assert "team" in info.value.message_dict
    dispatch_advance(user=personas.commander, dispatch_id=dispatch.pk, status="on_scene")
    with pytest.raises(ValidationError):
        dispatch_advance(user=personas.commander, dispatch_id=dispatch.pk, status="cancelled")
    dispatch_advance(user=personas.commander, dispatch_id=dispatch.pk, status="returned")
    team.refresh_from_db()
    assert team.status == "ready"
    assert Dispatch.objects.get(pk=dispatch.pk).returned_at is not None


@pytest.mark.django_db
def test_stock_dispatch_moves_stock_and_return_brings_back(personas, flood):
    from emergency.models import Depot

    depot = Depot.objects.create(name="香洲物资库", organisation=personas.district_a, geom=IN_A)
    item = StockItem.objects.create(depot=depot, name="沙袋", unit="袋", quantity=100, minimum=20)
    dispatch = dispatch_create(
        user=personas.commander, incident_id=flood.pk, stock_item_id=item.pk, quantity=80
    )
    item.refresh_from_db()
    assert item.quantity == 20
    with pytest.raises(InsufficientStock):
        dispatch_create(user=personas.commander, incident_id=flood.pk, stock_item_id=item.pk, quantity=21)
    dispatch_advance(
        user=personas.commander, dispatch_id=dispatch.pk, status="returned", returned_quantity=30
    )
    item.refresh_from_db()
    assert item.quantity == 50
    assert list(
        StockMovement.objects.filter(item=item).order_by("id").values_list("kind", "delta", "quantity_after")
    ) == [
        ("dispatch", -80, 20),
        ("return", 30, 50),
    ]


@pytest.mark.django_db
def test_dispatch_only_to_verified_incidents(personas):
    incident = report(personas.duty)
    team = RescueTeam.objects.create(name="蓝天救援队", organisation=personas.bureau, geom=IN_A)
    with pytest.raises(ValidationError) as info:
        dispatch_create(user=personas.commander, incident_id=incident.pk, team_id=team.pk)
    assert "incident" in info.value.message_dict


@pytest.mark.django_db(transaction=True)
def test_two_dispatches_race_for_the_last_items(personas):
    from emergency.models import Depot

    incident = report(personas.duty)
    incident_transition(user=personas.duty, incident_id=incident.pk, status="verified")
    depot = Depot.objects.create(name="斗门物资库", organisation=personas.district_b, geom=IN_A)
    item = StockItem.objects.create(depot=depot, name="救生衣", unit="件", quantity=5)
    barrier = threading.Barrier(2)
    results: list[object] = []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(
                dispatch_create(
                    user=personas.commander, incident_id=incident.pk, stock_item_id=item.pk, quantity=4
                )
            )
        except Exception as exc:  # noqa: BLE001  (collected and asserted below)
            results.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    successes = [r for r in results if isinstance(r, Dispatch)]
    failures = [r for r in results if isinstance(r, InsufficientStock)]
    assert len(successes) == 1 and len(failures) == 1, results
    item.refresh_from_db()
    assert item.quantity == 1
    assert Dispatch.objects.filter(stock_item=item).count() == 1
    assert StockMovement.objects.filter(item=item).count() == 1


@pytest.mark.django_db
def test_database_refuses_negative_stock(personas):
    from django.db import IntegrityError, transaction

    from emergency.models import Depot

    depot = Depot.objects.create(name="库", organisation=personas.bureau, geom=IN_A)
    item = StockItem.objects.create(depot=depot, name="帐篷", unit="顶", quantity=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        StockItem.objects.filter(pk=item.pk).update(quantity=-1)
