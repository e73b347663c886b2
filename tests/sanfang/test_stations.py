"""Stations: districts from locations, units, and the stations map layer."""

from __future__ import annotations

import json

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError

from gis.catalogue import layer_get
from gis.selectors.layers import layer_geojson
from sanfang.models import Station
from sanfang.services.stations import station_upsert
from sanfang.units import UnknownUnit, unit_factor

pytestmark = pytest.mark.django_db


def test_a_station_gets_the_district_of_its_location(personas):
    station, created = station_upsert(
        code="ZH-R01", name="香洲雨量站", kind="rain", location=Point(113.55, 22.25)
    )
    assert created and station.district == personas.area_a
    again, created = station_upsert(
        code="ZH-R01", name="香洲雨量站", kind="rain", location=Point(113.25, 22.25)
    )
    assert not created and again.pk == station.pk and again.district == personas.area_b
    outside, _created = station_upsert(code="ZH-X", name="外", kind="rain", location=Point(114.5, 22.5))
    assert outside.district is None


def test_station_input_is_checked(db):
    with pytest.raises(ValidationError):
        station_upsert(code=" ", name="x", kind="rain", location=None)
    with pytest.raises(ValidationError):
        station_upsert(code="A", name="x", kind="volcano", location=None)


@pytest.mark.parametrize(
    ("variable", "unit", "factor"),
    [
        ("rain", "mm", 1.0),
        ("rain", "0.1mm", 0.1),
        ("water_level", "cm", 0.01),
        ("water_level", " CM ", 0.01),
        ("water_level", "厘米", 0.01),
        ("wind_speed", "km/h", 1 / 3.6),
        ("wind_speed", "kt", 0.514444),
        ("air_pressure", "kPa", 10.0),
        ("rain", "", 1.0),
    ],
)
def test_units_convert_to_the_canonical_unit(variable, unit, factor):
    assert unit_factor(variable=variable, unit=unit) == pytest.approx(factor)


def test_an_unknown_unit_is_refused():
    with pytest.raises(UnknownUnit, match="furlong"):
        unit_factor(variable="rain", unit="furlong")


def test_the_stations_layer_shows_active_stations(personas):
    Station.objects.create(code="A", name="甲站", kind="rain", geom=Point(113.55, 22.25, srid=4326))
    Station.objects.create(
        code="B", name="乙站", kind="tide", geom=Point(113.25, 22.25, srid=4326), active=False
    )
    layer = layer_get("stations")
    assert layer is not None and layer.live and layer.geometry_type == "point"
    features = json.loads(layer_geojson(layer, user=personas.commander, bbox=None, limit=100))["features"]
    assert [f["properties"]["label"] for f in features] == ["甲站"]
    assert features[0]["properties"]["kind"] == "rain"
