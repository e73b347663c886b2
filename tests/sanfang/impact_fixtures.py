"""A small hand-checked world for the impact tests, on the personas' two square districts.

The zone is the square 113.52–113.56 E, 22.22–22.26 N inside district A (香洲, 113.50–113.60).
Inside: households P1 (拱北, 3 people), P2 (吉大, 2), P3 on the zone's east edge (拱北, 4); outside: P4
(just east of the edge, 5) and P5 (district B, 6); P6 is inside but inactive. One hazard point, one
school, one officer, one shelter with room, one full shelter, a team and a depot inside; one of each
kind outside.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib.gis.geos import Point

from emergency.models import Depot, RescueTeam, Shelter
from sanfang.models import HazardPoint, InfoOfficer, PersonToMove, ProtectedTarget

ZONE = {
    "type": "Polygon",
    "coordinates": [[[113.52, 22.22], [113.56, 22.22], [113.56, 22.26], [113.52, 22.26], [113.52, 22.22]]],
}
POLYGON = {"kind": "polygon", "params": {"geometry": ZONE}}


def pt(lon: float, lat: float) -> Point:
    return Point(lon, lat, srid=4326)


@pytest.fixture
def world(personas):
    a, b = personas.area_a, personas.area_b
    org_a, org_b = personas.district_a, personas.district_b

    def person(name, lon, lat, people, town, district=a, org=org_a, active=True):
        return PersonToMove.objects.create(
            name=name,
            geom=pt(lon, lat),
            district=district,
            town=town,
            organisation=org,
            category="low_lying",
            people=people,
            contact_name=name,
            contact_phone="13812345678",
            active=active,
        )

    people = SimpleNamespace(
        p1=person("张一", 113.53, 22.23, 3, "拱北街道"),
        p2=person("李二", 113.54, 22.25, 2, "吉大街道"),
        p3=person("王三", 113.56, 22.24, 4, "拱北街道"),  # exactly on the east edge
        p4=person("赵四", 113.57, 22.24, 5, "拱北街道"),  # outside, east
        p5=person("钱五", 113.25, 22.25, 6, "井岸镇", district=b, org=org_b),
        p6=person("孙六", 113.53, 22.24, 7, "拱北街道", active=False),
    )
    hazard_in = HazardPoint.objects.create(
        name="将军山滑坡",
        geom=pt(113.525, 22.255),
        district=a,
        town="拱北街道",
        organisation=org_a,
        kind="landslide",
        people_threatened=12,
    )
    HazardPoint.objects.create(
        name="远处内涝点", geom=pt(113.59, 22.29), district=a, town="前山街道", kind="waterlogging"
    )
    school = ProtectedTarget.objects.create(
        name="拱北小学",
        geom=pt(113.545, 22.225),
        district=a,
        town="拱北街道",
        organisation=org_a,
        kind="school",
        occupants=800,
    )
    ProtectedTarget.objects.create(
        name="斗门医院", geom=pt(113.26, 22.26), district=b, town="井岸镇", kind="hospital"
    )
    officer = InfoOfficer.objects.create(
        name="周信息员", geom=pt(113.535, 22.235), district=a, town="吉大街道", contact_phone="13900001111"
    )
    shelter = Shelter.objects.create(
        name="拱北避护所", organisation=org_a, geom=pt(113.53, 22.245), capacity=100, occupancy=40
    )
    Shelter.objects.create(
        name="已满避护所", organisation=org_a, geom=pt(113.54, 22.24), capacity=50, occupancy=50
    )
    Shelter.objects.create(name="外面避护所", organisation=org_a, geom=pt(113.58, 22.24), capacity=50)
    team = RescueTeam.objects.create(name="香洲救援队", organisation=org_a, geom=pt(113.55, 22.23))
    depot = Depot.objects.create(name="香洲物资库", organisation=org_a, geom=pt(113.522, 22.258))
    return SimpleNamespace(
        people=people,
        hazard=hazard_in,
        school=school,
        officer=officer,
        shelter=shelter,
        team=team,
        depot=depot,
    )
