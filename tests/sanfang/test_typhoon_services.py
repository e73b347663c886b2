"""Typhoon services, facts, impact zone, API and the Hato replay on the real WZTF file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.core.management import call_command
from lxml import etree

from emergency.models import ReceivedWarning
from ingest.adapters.cap import cap_schema
from sanfang.facts import live_facts
from sanfang.impact_zones import zone_resolve
from sanfang.models import Reading, Station, Storm, StormFix, StormForecast
from sanfang.replay import Replay
from sanfang.services.typhoons import storm_track_store, tc_class_for
from sanfang.typhoon_formats import read_wztf

pytestmark = pytest.mark.django_db
HATO_LANDFALL = datetime(2017, 8, 23, 4, 50, tzinfo=UTC)


@pytest.fixture
def hato_file(shared_data):
    return shared_data / "typhoon" / "typhoon_hato_201713_wztf121.json"


@pytest.fixture
def hato(hato_file):
    track = read_wztf(hato_file.read_bytes())[0]
    return storm_track_store(track=track, source="wztf").storm


@pytest.mark.parametrize(
    ("wind", "expected"),
    [
        (10.7, ""),
        (10.8, "TD"),
        (17.1, "TD"),
        (17.2, "TS"),
        (24.5, "STS"),
        (32.7, "TY"),
        (41.5, "STY"),
        (51.0, "SuperTY"),
    ],
)
def test_class_from_wind_at_the_gb_t_19201_edges(wind, expected):
    assert tc_class_for(wind) == expected


def test_storing_again_changes_nothing_and_a_correction_is_written(hato_file, hato):
    track = read_wztf(hato_file.read_bytes())[0]
    assert storm_track_store(track=track, source="wztf").written == 0
    fixed = track.fixes[0].__class__(**{**track.fixes[0].__dict__, "pressure_hpa": 999})
    track.fixes[0] = fixed
    result = storm_track_store(track=track, source="wztf")
    assert (result.written, result.duplicate) == (1, 79)


def test_storm_zone_24h_covers_zhuhai_before_landfall_and_rejects_bad_input(hato):
    zone = zone_resolve("storm", {"storm": "201713", "at": "2017-08-22T12:00:00Z", "hours": 24})
    assert zone.geom_type == "MultiPolygon" and zone.valid
    assert zone.contains(Point(113.576, 22.271, srid=4326))
    # 6 hours ahead from 2017-08-21 00 UTC the force-7 winds are still far out at sea.
    early = zone_resolve("storm", {"storm": "201713", "at": "2017-08-21T00:00:00Z", "hours": 6})
    assert not early.contains(Point(113.576, 22.271, srid=4326))
    with pytest.raises(ValidationError) as err:
        zone_resolve("storm", {"storm": "nope"})
    assert "storm" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        zone_resolve("storm", {"storm": "201713", "hours": "many"})
    assert "hours" in err.value.message_dict


def test_facts_for_the_storm_active_at_a_moment(hato):
    before = live_facts(at=datetime(2016, 1, 1, tzinfo=UTC))
    assert not {"typhoon_distance_km", "approach_hours", "typhoon_wind_force_here"} & set(before)
    facts = live_facts(at=datetime(2017, 8, 22, 12, tzinfo=UTC))
    assert facts["tc_class"] == "TY"
    assert facts["approach_hours"] == pytest.approx(16.17, abs=0.1)
    assert facts["landfall_hours"] == pytest.approx(16.83, abs=0.01)
    assert 400 < facts["typhoon_distance_km"] < 460
    assert facts["typhoon_wind_force_here"] == 0
    at_landfall = live_facts(at=HATO_LANDFALL)
    assert at_landfall["typhoon_wind_force_here"] == 12
    assert at_landfall["typhoon_distance_km"] < 50


def test_api_track_circles_approach_and_errors(client, personas, hato):
    client.force_login(personas.commander)
    track = client.get("/api/sanfang/typhoons/storms/201713/track/").json()
    fixes = [f for f in track["features"] if f["properties"]["kind"] == "fix"]
    assert len(fixes) == 80 and track["source"] == "wztf"
    assert {f["properties"]["tc_class"] for f in fixes} >= {"TS", "STS", "TY", "STY"}
    circles = client.get("/api/sanfang/typhoons/storms/201713/circles/?at=2017-08-23T04:00:00Z").json()
    forces = sorted(
        f["properties"]["force"] for f in circles["features"] if f["properties"]["kind"] == "wind_circle"
    )
    assert forces == [7, 10, 12]
    approach = client.get("/api/sanfang/typhoons/storms/201713/approach/?at=2017-08-22T04:50:00Z").json()
    assert approach["landfall"]["hours"] == 24.0
    assert approach["approach"]["distance_km"] == pytest.approx(41.5, abs=0.5)
    lines = client.get("/api/sanfang/typhoons/warning-lines/?storm=201713&at=2017-08-20T06:00:00Z").json()
    by_line = {f["properties"]["line"]: f["properties"] for f in lines["features"]}
    assert by_line["24h"]["inside"] is False and by_line["48h"]["inside"] is True
    bad = client.get("/api/sanfang/typhoons/storms/201713/approach/?at=yesterday")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "at"
    assert client.get("/api/sanfang/typhoons/storms/999999/track/").status_code == 400
    client.force_login(personas.outsider)
    assert client.get("/api/sanfang/typhoons/storms/").status_code == 403


def test_replay_a_few_steps_stores_a_copy_issues_exercise_signals_and_readings(hato, hato_file):
    Station.objects.create(
        code="ZH-R01", name="香洲雨量站", kind="rain", geom=Point(113.553, 22.271, srid=4326)
    )
    Station.objects.create(
        code="ZH-T01", name="香洲潮位站", kind="tide", geom=Point(113.585, 22.280, srid=4326)
    )
    Station.objects.create(
        code="ZH-W01", name="珠海气象站", kind="wind", geom=Point(113.575, 22.265, srid=4326)
    )
    track = read_wztf(hato_file.read_bytes())[0]
    clock = iter(datetime(2030, 1, 1, tzinfo=UTC) + timedelta(seconds=6 * i) for i in range(100))
    replay = Replay(track=track, speed=0, hours_before_landfall=10, steps=6, clock=lambda: next(clock))
    steps = replay.run()
    assert [s.signal for s in steps] == ["orange"] * 4 + ["red"] * 2
    copy = Storm.objects.get(code="R201713")
    assert copy.synthetic and copy.active
    assert StormFix.objects.filter(storm=copy, source="synthetic").count() == 6
    assert StormFix.objects.filter(storm=hato).count() == 80  # the real track is untouched
    assert StormForecast.objects.filter(storm=copy, synthetic=True).exists()
    # The landfall is projected in real time: 5 storm hours after the last step (23:50 UTC).
    assert copy.landfall_time == steps[-1].at + timedelta(hours=5)
    warnings = list(ReceivedWarning.objects.filter(identifier__startswith="R201713-").order_by("sent"))
    assert [(w.status, w.msg_type, w.colour) for w in warnings] == [
        ("Exercise", "Alert", "orange"),
        ("Exercise", "Update", "red"),
    ]
    schema = cap_schema()
    for w in warnings:
        assert schema.validate(etree.fromstring(w.xml.encode())), schema.error_log.last_error
        assert ["typhoon_signal", w.colour] in w.infos.first().parameters
    assert Reading.objects.filter(variable="rain", quality=2).count() == 6
    assert Reading.objects.filter(variable="wind_speed").count() == 6
    facts = live_facts(at=steps[-1].at)
    assert facts["landfall_hours"] == pytest.approx(5, abs=0.01)
    call_command("replay_storm", stop="R201713")
    copy.refresh_from_db()
    assert not copy.active
    assert ReceivedWarning.objects.filter(identifier__startswith="R201713-", msg_type="Cancel").count() == 1


def test_replay_command_dry_run_stores_nothing(hato_file, capsys):
    call_command("replay_storm", file=hato_file, speed=0, steps=3, dry_run=True)
    assert "3 steps replayed" in capsys.readouterr().out
    assert not Storm.objects.filter(code="R201713").exists()
