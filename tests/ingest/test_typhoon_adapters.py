"""The two typhoon adapters on the real files: CMA best track 2017 and the WZTF JSON of Hato."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from ingest.choices import RunStatus
from ingest.models import QuarantinedRecord
from sanfang.models import Storm, StormFix
from sanfang.selectors.typhoons import storm_fixes, track_points
from sanfang.typhoon_geometry import city_point, nearest_approach

pytestmark = pytest.mark.django_db


@pytest.fixture
def cma(shared_data):
    return (shared_data / "typhoon" / "cma_bst_CH2017BST.txt").read_bytes()


@pytest.fixture
def wztf(shared_data):
    return (shared_data / "typhoon" / "typhoon_hato_201713_wztf121.json").read_bytes()


def test_cma_best_track_2017_stores_every_storm_and_hatos_26_fixes(ingest, cma):
    run = ingest("typhoon_cma_bst", cma)
    assert (run.status, run.rows_seen, run.rows_written, run.rows_rejected) == (
        RunStatus.SUCCEEDED,
        827,
        827,
        0,
    )
    assert Storm.objects.count() == 30
    hato = Storm.objects.get(code="201713")
    assert hato.name_en == "Hato"
    fixes = list(storm_fixes(hato, source="cma_bst"))
    assert len(fixes) == 26
    first = fixes[0]
    assert first.time == datetime(2017, 8, 19, 18, tzinfo=UTC)
    assert (first.geom.x, first.geom.y, first.pressure_hpa, first.wind_ms) == (129.6, 18.7, 1004, 13)
    # The peak: 2017-08-23 03 UTC, 935 hPa, 52 m/s → super typhoon by GB/T 19201 (≥ 51.0 m/s).
    peak = max(fixes, key=lambda f: f.wind_ms or 0)
    assert (peak.time, peak.pressure_hpa, peak.wind_ms, peak.tc_class) == (
        datetime(2017, 8, 23, 3, tzinfo=UTC),
        935,
        52,
        "SuperTY",
    )
    # 33 m/s is a typhoon, 25 a severe tropical storm, 10 m/s (< 10.8) no class.
    by_time = {f.time: f.tc_class for f in fixes}
    assert by_time[datetime(2017, 8, 22, 9, tzinfo=UTC)] == "TY"
    assert by_time[datetime(2017, 8, 22, 0, tzinfo=UTC)] == "STS"
    assert by_time[datetime(2017, 8, 25, 0, tzinfo=UTC)] == ""
    # Hato passed Zhuhai within 50 km around its landfall (12:50 Beijing time = 04:50 UTC).
    approach = nearest_approach(track_points(fixes), city_point())
    assert approach.distance_km < 50
    assert abs((approach.time - datetime(2017, 8, 23, 4, 50, tzinfo=UTC)).total_seconds()) < 3600
    # Unnumbered storms get year + S + serial.
    assert Storm.objects.filter(code="2017S01").exists()


def test_cma_again_is_all_duplicates_and_a_bad_line_is_quarantined(ingest, cma):
    ingest("typhoon_cma_bst", cma)
    again = ingest("typhoon_cma_bst", cma)
    assert (again.rows_written, again.rows_duplicate) == (0, 827)
    bad = cma.replace(b"2017082303 6 218 1138  935      52", b"2017082303 6 218 1138  935      xx")
    run = ingest("typhoon_cma_bst", bad)
    assert (run.rows_rejected, run.rows_duplicate) == (1, 826)
    record = QuarantinedRecord.objects.get(run=run)
    assert record.raw.startswith("66666 1713") and "xx" in record.raw


def test_not_a_best_track_fails_the_run(ingest):
    run = ingest("typhoon_cma_bst", b"<html>nope</html>")
    assert run.status == RunStatus.FAILED
    assert "66666" in run.error


def test_wztf_hato_fixes_radii_landfall_in_beijing_time(ingest, wztf):
    run = ingest("typhoon_wztf", wztf, zone="Asia/Shanghai")
    assert (run.status, run.rows_seen, run.rows_written, run.rows_rejected) == (
        RunStatus.SUCCEEDED,
        80,
        80,
        0,
    )
    hato = Storm.objects.get(code="201713")
    assert (hato.name, hato.name_en) == ("天鸽", "Hato")
    # land[]: 2017-08-23T12:50 Beijing time, 113.2E 22.0N (广东珠海南部沿海).
    assert hato.landfall_time == datetime(2017, 8, 23, 4, 50, tzinfo=UTC)
    assert (hato.landfall_geom.x, hato.landfall_geom.y) == (113.2, 22.0)
    assert "珠海" in hato.landfall_place
    fix = StormFix.objects.get(storm=hato, source="wztf", time=datetime(2017, 8, 23, 4, tzinfo=UTC))
    assert (fix.geom.x, fix.geom.y, fix.wind_ms, fix.pressure_hpa, fix.tc_class) == (
        113.5,
        21.9,
        48,
        940,
        "STY",
    )
    assert fix.radii == {
        "7": {"ne": 280, "se": 220, "sw": 260, "nw": 240},
        "10": {"ne": 70, "se": 80, "sw": 80, "nw": 70},
        "12": {"ne": 50, "se": 50, "sw": 50, "nw": 50},
    }
    # A force whose radii are all 0 is absent.
    first = StormFix.objects.filter(storm=hato, source="wztf").order_by("time").first()
    assert first.time == datetime(2017, 8, 20, 6, tzinfo=UTC) and set(first.radii) == {"7"}
    again = ingest("typhoon_wztf", wztf, zone="Asia/Shanghai")
    assert (again.rows_written, again.rows_duplicate) == (0, 80)


def test_wztf_garbage_fails_and_a_bad_point_is_quarantined(ingest, wztf):
    assert ingest("typhoon_wztf", b'{"x": 1}').status == RunStatus.FAILED
    data = json.loads(wztf.decode("utf-8-sig"))
    data[0]["points"][0]["lng"] = "abc"
    bad = json.dumps(data, ensure_ascii=False).encode()
    run = ingest("typhoon_wztf", bad, zone="Asia/Shanghai")
    assert (run.rows_written, run.rows_rejected) == (79, 1)
    record = QuarantinedRecord.objects.get(run=run)
    assert '"tfbh": "201713"' in record.raw and "abc" in record.reason
