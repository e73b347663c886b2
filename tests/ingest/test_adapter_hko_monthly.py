"""The HKO monthly climate-elements adapter on the real file."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ingest.choices import RunStatus
from ingest.models import QuarantinedRecord
from sanfang.choices import ReadingQuality
from sanfang.models import Reading, Station

pytestmark = pytest.mark.django_db


@pytest.fixture
def hko(shared_data):
    return (shared_data / "observations" / "hko_hq_monthly_climate_elements_1884-2025.json").read_bytes()


@pytest.fixture
def station(db):
    return Station.objects.create(code="HKO-HQ", name="香港天文台总部", kind="rain")


def test_monthly_rainfall_of_the_real_file(ingest, hko, station):
    run = ingest("hko_monthly", hko, zone="Asia/Hong_Kong")
    # 135 years from 1884 to 2025 (none for 1940–1946), 12 months each; the last four of 2025 are blank.
    assert run.status == RunStatus.SUCCEEDED
    assert (run.rows_seen, run.rows_skipped, run.rows_rejected) == (135 * 12, 4, 0)
    assert run.rows_written == 135 * 12 - 4
    august_2017 = Reading.objects.get(
        station=station, variable="rain_month", time=datetime(2017, 7, 31, 16, tzinfo=UTC)
    )
    assert august_2017.value == pytest.approx(489.1)
    # "Trace" is a trace: zero, marked as such (January 1884 is one).
    january_1884 = Reading.objects.filter(station=station).order_by("time").first()
    assert (january_1884.value, january_1884.quality) == (0.0, ReadingQuality.TRACE)
    assert Reading.objects.filter(quality=ReadingQuality.TRACE).count() == 26


def test_the_real_file_twice_is_all_duplicates(ingest, hko, station):
    ingest("hko_monthly", hko, zone="Asia/Hong_Kong")
    again = ingest("hko_monthly", hko, zone="Asia/Hong_Kong")
    assert (again.rows_written, again.rows_duplicate) == (0, 135 * 12 - 4)


def test_more_elements_and_an_unknown_station(ingest, hko, db):
    settings = {
        "station_code": "HKO-HQ",
        "elements": {
            "RF": {"variable": "rain_month", "unit": "mm"},
            "MSLP": {"variable": "air_pressure", "unit": "hPa"},
        },
    }
    run = ingest("hko_monthly", hko, settings=settings, zone="Asia/Hong_Kong")
    assert run.rows_written == 0 and run.rows_rejected > 0
    assert "HKO-HQ" in QuarantinedRecord.objects.first().reason
    Station.objects.create(code="HKO-HQ", name="香港天文台总部", kind="rain")
    again = ingest("hko_monthly", hko, settings=settings, zone="Asia/Hong_Kong")
    assert Reading.objects.filter(variable="air_pressure").exists()
    assert again.rows_rejected == 0
