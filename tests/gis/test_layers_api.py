"""Vector tiles, GeoJSON, popups and search: bounding boxes, roles, scope and bad requests."""

from __future__ import annotations

import mapbox_vector_tile
import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.test import Client

from emergency.services.alerts import alert_raise
from gis.models import RiskZone
from gis.selectors.layers import tile_bounds

pytestmark = pytest.mark.django_db

# The z12 tile holding district A's square (113.50–113.60 E, 22.20–22.30 N).
Z, X, Y = 12, 3339, 1788


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def decode(response):
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/vnd.mapbox-vector-tile"
    return mapbox_vector_tile.decode(response.content)


@pytest.fixture
def zones(personas):
    def zone(name, level, bbox, district):
        return RiskZone.objects.create(
            name=name, level=level, district=district, geom=MultiPolygon(Polygon.from_bbox(bbox), srid=4326)
        )

    return [
        zone("拱北高风险区", "major", (113.52, 22.22, 113.54, 22.24), personas.area_a),
        zone("白藤低风险区", "low", (113.22, 22.22, 113.24, 22.24), personas.area_b),
    ]


def test_the_test_tile_covers_district_a():
    west, south, east, north = tile_bounds(Z, X, Y)
    assert west < 113.53 < east and south < 22.23 < north


def test_tile_carries_the_features_of_the_layer(personas, zones):
    tile = decode(client_for(personas.commander).get(f"/tiles/risk_zones/{Z}/{X}/{Y}.pbf"))
    features = tile["risk_zones"]["features"]
    assert [f["properties"]["label"] for f in features] == ["拱北高风险区"]
    assert features[0]["properties"]["level"] == "major"
    assert features[0]["id"] == zones[0].pk


def test_tile_headers_etag_and_revalidation(personas, zones):
    client = client_for(personas.commander)
    url = f"/tiles/risk_zones/{Z}/{X}/{Y}.pbf"
    first = client.get(url)
    assert first["Cache-Control"] == "private, no-cache"
    etag = first["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    # A change shows at once: the next revalidation gets new bytes.
    zones[0].level = "low"
    zones[0].save()
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert (
        mapbox_vector_tile.decode(changed.content)["risk_zones"]["features"][0]["properties"]["level"]
        == "low"
    )


def test_empty_tile_outside_the_data_and_below_min_zoom(personas, zones):
    client = client_for(personas.commander)
    response = client.get("/tiles/risk_zones/12/0/0.pbf")
    assert response.status_code == 200 and response.content == b""


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/tiles/risk_zones/23/0/0.pbf", 400),
        ("/tiles/risk_zones/3/8/0.pbf", 400),
        ("/tiles/risk_zones/3/0/8.pbf", 400),
        ("/tiles/risk_zones/99999999999999999999/0/0.pbf", 400),
        ("/tiles/no_such_layer/1/0/0.pbf", 404),
        ("/tiles/risk_zones/-1/0/0.pbf", 404),
        ("/tiles/risk_zones/1/0/0.png", 404),
    ],
)
def test_impossible_tiles_and_unknown_layers_are_4xx(personas, url, status):
    response = client_for(personas.commander).get(url)
    assert response.status_code == status


def test_tile_roles_and_authentication(personas, zones):
    url = f"/tiles/risk_zones/{Z}/{X}/{Y}.pbf"
    assert Client().get(url).status_code == 401
    assert client_for(personas.enterprise).get(url).status_code == 403
    assert client_for(personas.grid_a).get(url).status_code == 200
    # District boundaries are for everyone signed in.
    assert client_for(personas.enterprise).get(f"/tiles/districts/{Z}/{X}/{Y}.pbf").status_code == 200


def test_scope_applies_to_tiles_and_geojson(personas):
    alert_raise(
        kind="test", level="red", title="香洲点", geom=Point(113.53, 22.23), targets=["district:440402"]
    )
    url = f"/tiles/alerts/{Z}/{X}/{Y}.pbf"
    assert len(decode(client_for(personas.grid_a).get(url))["alerts"]["features"]) == 1
    assert decode(client_for(personas.grid_b).get(url)) == {}
    geojson = client_for(personas.grid_b).get("/api/layers/alerts/geojson/")
    assert geojson.json()["features"] == []


def test_geojson_by_bbox(personas, zones):
    client = client_for(personas.commander)
    response = client.get("/api/layers/risk_zones/geojson/?bbox=113.4,22.1,113.7,22.4")
    assert response.status_code == 200 and response["Content-Type"] == "application/geo+json"
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert [f["properties"]["label"] for f in body["features"]] == ["拱北高风险区"]
    feature = body["features"][0]
    assert feature["id"] == zones[0].pk and feature["geometry"]["type"] == "MultiPolygon"
    everything = client.get("/api/layers/risk_zones/geojson/").json()
    assert len(everything["features"]) == 2


@pytest.mark.parametrize(
    "bbox", ["1,2,3", "a,b,c,d", "113,22,112,23", "113,22,114,22", "200,0,201,1", "nan,0,1,1", "0,-91,1,1"]
)
def test_geojson_bad_bbox_is_400(personas, bbox):
    response = client_for(personas.commander).get(f"/api/layers/risk_zones/geojson/?bbox={bbox}")
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["bbox"]


def test_geojson_limit_answers_clearly(personas, zones, settings):
    settings.LAYER_GEOJSON_MAX_FEATURES = 1
    response = client_for(personas.commander).get("/api/layers/risk_zones/geojson/")
    assert response.status_code == 400
    assert response.json()["code"] == "too_many_features" and response.json()["limit"] == 1
    ok = client_for(personas.commander).get("/api/layers/risk_zones/geojson/?bbox=113.4,22.1,113.7,22.4")
    assert ok.status_code == 200


def test_geojson_roles(personas, zones):
    assert client_for(personas.enterprise).get("/api/layers/risk_zones/geojson/").status_code == 403
    assert client_for(personas.commander).get("/api/layers/nothing/geojson/").status_code == 404


def test_catalogue_lists_only_visible_layers(personas):
    keys = [layer["key"] for layer in client_for(personas.enterprise).get("/api/layers/").json()["layers"]]
    assert "districts" in keys and "alerts" in keys and "risk_zones" not in keys
    layers = {
        layer["key"]: layer for layer in client_for(personas.commander).get("/api/layers/").json()["layers"]
    }
    risk = layers["risk_zones"]
    assert risk["style"]["field"] == "level"
    assert [item["colour"] for item in risk["legend"]] == ["#e02020", "#ff7a00", "#f2c200", "#1e6fd9"]
    assert layers["alerts"]["live"] is True


def test_feature_popup_and_search(personas, zones):
    client = client_for(personas.commander)
    detail = client.get(f"/api/layers/risk_zones/features/{zones[0].pk}/").json()
    assert detail["label"] == "拱北高风险区"
    assert {"name": "district__name", "label": "所属区", "value": "香洲区"} in detail["fields"]
    assert detail["url"] == f"/admin/geo/riskzone/{zones[0].pk}/change/"
    assert client.get("/api/layers/risk_zones/features/999999/").status_code == 404
    hits = client.get("/api/layers/search/?q=高风险").json()["results"]
    assert [(h["layer"], h["label"]) for h in hits] == [("risk_zones", "拱北高风险区")]
    assert client_for(personas.enterprise).get("/api/layers/search/?q=高风险").json()["results"] == []
    assert client.get("/api/layers/search/?q=" + "x" * 101).status_code == 400
