"""The natural-disaster risk model on hand-computed examples, per district and grid cell, and its layer."""

from __future__ import annotations

import pytest
from django.contrib.gis.geos import Point

from accounts.choices import OrganisationKind
from emergency.models import RescueTeam, Shelter
from gis.catalogue import layer_get
from gis.models import RiskZone
from sanfang.choices import PersonCategory, StationKind, StationState, TargetKind
from sanfang.models import PersonToMove, ProtectedTarget, Station, StationStatus
from sanfang.services.risk import (
    MODEL_SOURCE,
    RISK_LAYER,
    Assessment,
    Inputs,
    RiskParams,
    risk_by_district,
    risk_by_grid,
    risk_refresh,
    risk_score,
)
from tests.factories import OrganisationFactory
from tests.sanfang.decisions_fixtures import hazard

PARAMS = RiskParams(
    exponents=(1.0, 1.0, 1.0, 1.0),
    hazard_ref=10.0,
    exposure_ref=5000.0,
    vulnerability_ref=10.0,
    vulnerability_min=0.1,
    shelter_ref=5000.0,
    team_ref=5.0,
    thresholds=(0.05, 0.15, 0.3),
)


def test_worked_example():
    # H = (3 + 2)/10 = 0.5; E = 2500/5000 = 0.5; V = 0.1 + 0.9 × 5/10 = 0.55;
    # C = 1 + 2500/5000 + min(1, 5/5) = 2.5; R = 0.5 × 0.5 × 0.55 / 2.5 = 0.055 → yellow
    a = risk_score(Assessment("x", "x", Inputs(3.0, 2, 2500, 5, 2500, 5)), PARAMS)
    assert (a.hazard, a.exposure, a.vulnerability, a.capacity) == (0.5, 0.5, 0.55, 2.5)
    assert a.risk == pytest.approx(0.055) and a.colour == "yellow"
    # No shelters or teams: C = 1, R = 0.1375 → still below orange (0.15)
    b = risk_score(Assessment("x", "x", Inputs(3.0, 2, 2500, 5, 0, 0)), PARAMS)
    assert b.risk == pytest.approx(0.1375) and b.colour == "yellow"
    # Everything saturated, nothing to cope with: R = 1 → red; nothing exposed: R = 0 → blue
    assert risk_score(Assessment("x", "x", Inputs(50, 0, 9000, 20, 0, 0)), PARAMS).colour == "red"
    assert risk_score(Assessment("x", "x", Inputs(50, 0, 0, 20, 0, 0)), PARAMS).colour == "blue"


def test_exponents_weight_the_factors():
    params = RiskParams(**{**PARAMS.__dict__, "exponents": (2.0, 1.0, 1.0, 0.0)})
    a = risk_score(Assessment("x", "x", Inputs(3.0, 2, 2500, 5, 2500, 5)), params)
    assert a.risk == pytest.approx(0.25 * 0.5 * 0.55)  # H², capacity ignored


@pytest.fixture
def city(personas):
    """District A (香洲, 113.50–113.60 E) holds hazards, people, targets and a station in alarm;
    district B (斗门) only a shelter and teams."""
    org = OrganisationFactory(name="救援队", kind=OrganisationKind.MEMBER_UNIT, parent=personas.bureau)
    p = hazard(113.52, 22.22, susceptibility=0.5, people_threatened=100)
    p.warning_level = "red"  # 0.5 × (1 + 4) = 2.5
    p.save()
    hazard(113.58, 22.28, susceptibility=0.5)  # 0.5
    PersonToMove.objects.create(
        name="户主", geom=Point(113.53, 22.23), category=PersonCategory.LOW_LYING, people=2400
    )
    for kind in (TargetKind.SCHOOL, TargetKind.HOSPITAL, TargetKind.OTHER):
        ProtectedTarget.objects.create(name=kind, geom=Point(113.54, 22.24), kind=kind, occupants=500)
    station = Station.objects.create(code="S1", name="站", kind=StationKind.RIVER, geom=Point(113.55, 22.25))
    StationStatus.objects.create(station=station, state=StationState.DANGER)
    Shelter.objects.create(
        name="避难所", organisation=org, geom=Point(113.25, 22.25), capacity=3000, occupancy=500
    )
    for i in range(2):
        RescueTeam.objects.create(name=f"队{i}", organisation=org, geom=Point(113.26, 22.26))
    return personas


@pytest.mark.django_db
def test_by_district(city):
    a, b = risk_by_district()
    assert (a.key, b.key) == ("440402", "440403")
    # A: Σ = 2.5 + 0.5 + 1 alarm = 4 → H 0.4; people 100 + 2400 + 1500 = 4000 → E 0.8;
    # 2 sensitive → V = 0.1 + 0.9 × 0.2 = 0.28; C = 1; R = 0.4 × 0.8 × 0.28 = 0.0896 → yellow
    assert (a.inputs.hazard, a.inputs.alarms, a.inputs.people, a.inputs.sensitive) == (3.0, 1, 4000, 2)
    assert a.risk == pytest.approx(0.0896) and a.colour == "yellow"
    # B: 2500 free places → 0.5, 2 teams → 0.4: C = 1.9; no hazard → R 0, blue
    assert b.inputs.shelter_free == 2500 and b.inputs.teams == 2 and b.capacity == 1.9
    assert b.risk == 0 and b.colour == "blue"


@pytest.mark.django_db
def test_by_grid_cells(city):
    cells = risk_by_grid(cell_km=50)
    # 50 km cells: both districts' content falls in at most a couple of cells, and the totals hold
    assert sum(c.inputs.people for c in cells) == 4000
    assert sum(c.inputs.teams for c in cells) == 2
    small = risk_by_grid(cell_km=1)
    assert len(small) > len(cells)
    assert all(c.bbox[2] > c.bbox[0] and c.bbox[3] > c.bbox[1] for c in small)


@pytest.mark.django_db
def test_refresh_writes_risk_zones_for_the_layer(city):
    risk_refresh()
    zones = {z.district.adcode: z for z in RiskZone.objects.filter(source=MODEL_SOURCE)}
    assert zones["440402"].level == "general" and zones["440403"].level == "low"
    assert "R=0.0896" in zones["440402"].hazard
    layer = layer_get(RISK_LAYER)
    assert set(layer.queryset().values_list("level", flat=True)) == {"general", "low"}
    risk_refresh()  # unchanged: no new rows
    assert RiskZone.objects.filter(source=MODEL_SOURCE).count() == 2
