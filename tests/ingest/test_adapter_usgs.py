"""The USGS GeoJSON adapter on the real day of earthquakes: events, revisions and alert rules."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from emergency.models import Alert
from ingest.adapters.usgs_geojson import distance_km
from ingest.choices import ErrorKind, RunStatus
from ingest.models import QuarantinedRecord, SeismicEvent
from ingest.simulator import shift_usgs

pytestmark = pytest.mark.django_db

ANYWHERE = {"min_magnitude": 5.0, "max_distance_km": None, "max_age_hours": None}


@pytest.fixture
def usgs(shared_data):
    return (shared_data / "observations" / "usgs_earthquakes_all_day_2019-01-30.geojson").read_bytes()


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_the_real_day_is_stored_in_one_statement(ingest, usgs):
    saves = []
    post_save.connect(lambda sender, **kw: saves.append(1), sender=SeismicEvent, dispatch_uid="count-events")
    try:
        with CaptureQueriesContext(connection) as queries:
            run = ingest("usgs_geojson", usgs)
    finally:
        post_save.disconnect(sender=SeismicEvent, dispatch_uid="count-events")
    assert (run.status, run.rows_seen, run.rows_written, run.rows_rejected) == (
        RunStatus.SUCCEEDED,
        233,
        233,
        0,
    )
    assert saves == []
    assert (
        len([q for q in queries.captured_queries if q["sql"].startswith("INSERT INTO ingest_seismicevent")])
        == 1
    )
    event = SeismicEvent.objects.get(event_id="nc73138176")
    assert event.magnitude == 2.79 and event.place == "4km WSW of Daly City, CA"
    assert event.time == datetime.fromtimestamp(1548872933.560, tz=UTC)
    assert (round(event.geom.x, 4), round(event.geom.y, 4), event.depth_km) == (-122.512, 37.6757, 12.48)
    assert SeismicEvent.objects.filter(event_type="quarry blast").count() == 5
    # 2019: history, no alerts with the default rules.
    assert not Alert.objects.exists()


def test_the_same_day_twice_is_all_duplicates(ingest, usgs):
    ingest("usgs_geojson", usgs)
    again = ingest("usgs_geojson", usgs)
    assert (again.rows_written, again.rows_duplicate) == (0, 233)


def test_an_updated_event_revises_the_stored_one_and_its_alert(ingest, usgs):
    ingest("usgs_geojson", usgs, settings=ANYWHERE)
    alert = SeismicEvent.objects.get(event_id="us1000iryd").alert  # M5.6, PAGER green
    assert (alert.level, alert.title) == (
        "yellow",
        "M5.6 earthquake: 0km E of Bitung, Indonesia",
    ) or alert.level == "yellow"
    assert Alert.objects.filter(cleared_at__isnull=True).count() == 6  # the six events of M5 and more

    feed = json.loads(usgs)
    feature = next(f for f in feed["features"] if f["id"] == "us1000iryd")
    feature["properties"]["mag"] = 6.1
    feature["properties"]["updated"] += 60_000
    stale = next(f for f in feed["features"] if f["id"] == "nc73138176")
    stale["properties"]["mag"] = 9.9  # an older revision must not win
    stale["properties"]["updated"] -= 60_000
    run = ingest("usgs_geojson", json.dumps(feed).encode(), settings=ANYWHERE)
    assert (run.rows_written, run.rows_duplicate) == (1, 232)
    event = SeismicEvent.objects.get(event_id="us1000iryd")
    assert event.magnitude == 6.1
    assert event.alert.level == "orange" and event.alert.pk != alert.pk
    alert.refresh_from_db()
    assert alert.cleared_at is not None
    assert SeismicEvent.objects.get(event_id="nc73138176").magnitude == 2.79


def test_the_rules_pick_the_events(ingest, usgs):
    # Within 1,500 km of Zhuhai only: the M5.3 off Hualien (Taiwan) is about 920 km away.
    feed = json.loads(usgs)
    assert any("Taiwan" in f["properties"]["place"] for f in feed["features"])
    taiwan = next(
        f for f in feed["features"] if "Taiwan" in f["properties"]["place"] and f["properties"]["mag"] >= 5
    )
    lng, lat = taiwan["geometry"]["coordinates"][:2]
    assert 800 < distance_km(113.55, 22.27, lng, lat) < 1000
    # Moved so that the Taiwan event happened an hour ago: only events of the last 24 hours alert.
    delta = int((datetime.now(UTC) - timedelta(hours=1)).timestamp() * 1000) - taiwan["properties"]["time"]
    for feature in feed["features"]:
        feature["properties"]["time"] += delta
        feature["properties"]["updated"] += delta
    run = ingest("usgs_geojson", json.dumps(feed).encode())
    assert run.rows_written > 0
    titles = list(Alert.objects.values_list("title", flat=True))
    assert len(titles) == 1 and "Taiwan" in titles[0]


def test_incidents_are_not_available_yet(ingest, usgs):
    run = ingest("usgs_geojson", usgs, settings={"action": "incident"})
    assert run.status == RunStatus.FAILED and run.error_kind == ErrorKind.CONFIG
    assert "not available yet" in run.error


def test_bad_features_are_quarantined_and_bad_payloads_fail(ingest, usgs):
    feed = json.loads(usgs)
    feed["features"].append({"type": "Feature", "id": "xx1", "properties": {"mag": 3, "time": 1548872933560}})
    feed["features"].append(
        {
            "type": "Feature",
            "id": "xx2",
            "properties": {"mag": "big", "time": 1},
            "geometry": {"type": "Point", "coordinates": [0, 0]},
        }
    )
    run = ingest("usgs_geojson", json.dumps(feed).encode())
    assert (run.rows_written, run.rows_rejected) == (233, 2)
    assert dict(QuarantinedRecord.objects.values_list("locator", "reason")) == {
        "feature 234 (xx1)": "the geometry is not a Point",
        "feature 235 (xx2)": "the magnitude “big” is not a number",
    }
    failed = ingest("usgs_geojson", b'{"type": "Feature"}')
    assert failed.status == RunStatus.FAILED and failed.error == "not a GeoJSON FeatureCollection"


def test_the_simulator_moves_the_day_to_now_and_reveals_events_as_they_happen(usgs):
    now = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    feed = shift_usgs(usgs, now)
    times = [f["properties"]["time"] for f in feed["features"]]
    assert times and max(times) <= now.timestamp() * 1000
    assert min(times) >= (now - timedelta(days=1)).timestamp() * 1000
    later = shift_usgs(usgs, now + timedelta(hours=3))
    assert len(later["features"]) >= len(feed["features"])
    assert {f["id"] for f in feed["features"]} <= {f["id"] for f in later["features"]}
