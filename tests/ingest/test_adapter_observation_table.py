"""The observation-table adapter: CSV, JSON and Excel with a column mapping, into station readings."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl import Workbook

from ingest.choices import ErrorKind, QuarantineState, RunStatus
from ingest.models import QuarantinedRecord, RunPayload
from ingest.services.quarantine import quarantine_discard, quarantine_reprocess
from sanfang.choices import ReadingQuality
from sanfang.models import Reading, Station

pytestmark = pytest.mark.django_db

RAIN = {"format": "csv", "station": "站码", "time": "时间", "variable": "rain", "value": "雨量", "unit": "mm"}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def csv_payload(rows, header="站码,时间,雨量"):
    return ("\n".join([header, *rows]) + "\n").encode()


def reading(code, when, variable="rain"):
    return Reading.objects.get(station__code=code, variable=variable, time=when)


def test_a_beijing_csv_is_stored(ingest, stations):
    run = ingest(
        "observation_table",
        csv_payload(["ZH-R01,2026-07-01 08:00,1.5", "ZH-R02,2026-07-01 08:05,0.0"]),
        settings=RAIN,
    )
    assert (run.status, run.rows_seen, run.rows_written) == (RunStatus.SUCCEEDED, 2, 2)
    assert run.timezone == "Asia/Shanghai"
    assert reading("ZH-R01", datetime(2026, 7, 1, 0, 0, tzinfo=UTC)).value == 1.5


def test_a_beijing_feed_and_a_utc_feed_give_the_same_instants(ingest, stations, make_source):
    beijing = make_source(settings=RAIN, timezone="Asia/Shanghai")
    utc = make_source(
        settings={
            "format": "json",
            "json": {"records": "obs"},
            "station": "id",
            "time": "t",
            "variable": "rain",
            "value": "v",
        },
        timezone="UTC",
    )
    first = ingest(
        "observation_table",
        csv_payload(["ZH-R01,2026-07-01 08:00,1.5", "ZH-R01,2026-07-01 08:05,2.5"]),
        source=beijing,
        settings=beijing.settings,
    )
    second = ingest(
        "observation_table",
        json.dumps(
            {
                "obs": [
                    {"id": "ZH-R01", "t": "2026-07-01 00:00", "v": 1.5},
                    {"id": "ZH-R01", "t": "2026-07-01T00:05:00", "v": "2.5"},
                ]
            }
        ).encode(),
        source=utc,
        settings=utc.settings,
    )
    assert (first.rows_written, second.rows_written, second.rows_duplicate) == (2, 0, 2)
    assert list(Reading.objects.order_by("time").values_list("time", flat=True)) == [
        datetime(2026, 7, 1, 0, 0, tzinfo=UTC),
        datetime(2026, 7, 1, 0, 5, tzinfo=UTC),
    ]


def test_times_with_an_offset_keep_it_whatever_the_feed_zone(ingest, stations):
    payload = csv_payload(
        ["ZH-R01,2026-07-01T08:00:00+08:00,1", "ZH-R01,2026-07-01T00:05:00Z,2", "ZH-R01,2026-07-01 08:10,3"]
    )
    run = ingest("observation_table", payload, settings=RAIN, zone="Asia/Shanghai")
    assert run.rows_written == 3
    assert [t.minute for t in Reading.objects.order_by("time").values_list("time", flat=True)] == [0, 5, 10]
    assert all(t.hour == 0 for t in Reading.objects.values_list("time", flat=True))


def test_the_same_payload_twice_changes_nothing(ingest, stations):
    payload = csv_payload(
        [f"ZH-R0{i},2026-07-01 08:{m:02d},{m / 10}" for i in range(1, 6) for m in range(0, 60, 5)]
    )
    first, second = (
        ingest("observation_table", payload, settings=RAIN),
        ingest("observation_table", payload, settings=RAIN),
    )
    assert (first.rows_written, first.rows_duplicate) == (60, 0)
    assert (second.rows_written, second.rows_duplicate) == (0, 60)
    assert Reading.objects.count() == 60


def test_bad_rows_are_quarantined_with_a_precise_reason_and_the_rest_stored(ingest, stations):
    payload = csv_payload(
        [
            "ZH-R01,2026-07-01 08:00,1.5",
            "ZH-R01,2026-07-01 08:05,abc",
            "ZH-R02,yesterday,1.0",
            "ZH-R02,2026-07-01 08:05,-3",
            ",2026-07-01 08:05,1",
            "ZH-R03,2026-07-01 08:05,2.0,extra",
            "ZH-XX9,2026-07-01 08:05,2.0",
            "ZH-R04,2026-07-01 08:05,***",
            "ZH-R05,2026-07-01 08:05,4.0",
        ]
    )
    run = ingest("observation_table", payload, settings=RAIN)
    assert run.status == RunStatus.SUCCEEDED
    assert (run.rows_seen, run.rows_written, run.rows_rejected, run.rows_skipped) == (9, 2, 6, 1)
    reasons = dict(QuarantinedRecord.objects.values_list("locator", "reason"))
    assert reasons == {
        "line 3": "value “abc” in column “雨量” is not a number",
        "line 4": "time “yesterday” is not a date and time in the expected form",
        "line 5": "rain -3 mm is outside the plausible range 0.0–2000.0",
        "line 6": "the station code is empty",
        "line 7": "the line has a different number of fields from the header",
        "line 8": "unknown or inactive station “ZH-XX9” (register it, then re-process)",
    }
    raw = json.loads(QuarantinedRecord.objects.get(locator="line 3").raw)
    assert raw == {"站码": "ZH-R01", "时间": "2026-07-01 08:05", "雨量": "abc"}
    assert QuarantinedRecord.objects.get(locator="line 7").raw == "ZH-R03,2026-07-01 08:05,2.0,extra"
    assert sorted(Reading.objects.values_list("station__code", flat=True)) == ["ZH-R01", "ZH-R05"]


def test_quarantined_rows_are_reprocessed_after_the_fix(ingest, stations, department):
    payload = csv_payload(
        ["ZH-R01,2026-07-01 08:00,1.5", "ZH-NEW,2026-07-01 08:00,2.5", "ZH-NEW,2026-07-01 08:05,x"]
    )
    run = ingest("observation_table", payload, settings=RAIN)
    assert (run.rows_written, run.rows_rejected) == (1, 2)
    # Nothing changed yet: re-processing rejects them again (new records) and marks the old ones done.
    Station.objects.create(code="ZH-NEW", name="新站", kind="rain")
    runs = quarantine_reprocess(record_ids=QuarantinedRecord.objects.values_list("pk", flat=True))
    assert len(runs) == 1
    again = runs[0]
    assert (again.status, again.rows_seen, again.rows_written, again.rows_rejected) == (
        RunStatus.SUCCEEDED,
        2,
        1,
        1,
    )
    assert reading("ZH-NEW", datetime(2026, 7, 1, 0, 0, tzinfo=UTC)).value == 2.5
    old = QuarantinedRecord.objects.filter(run=run)
    assert set(old.values_list("state", flat=True)) == {QuarantineState.REPROCESSED}
    assert set(old.values_list("resolved_run", flat=True)) == {again.pk}
    still_bad = QuarantinedRecord.objects.get(run=again)
    assert still_bad.state == QuarantineState.PENDING and "is not a number" in still_bad.reason
    # Re-processing is idempotent too; a record that cannot be fixed can be discarded.
    assert quarantine_reprocess(record_ids=old.values_list("pk", flat=True)) == []
    assert quarantine_discard(record_ids=[still_bad.pk]) == 1
    still_bad.refresh_from_db()
    assert still_bad.state == QuarantineState.DISCARDED


def test_a_settings_fix_is_used_when_reprocessing(ingest, stations, make_source):
    source = make_source(settings={**RAIN, "ranges": {"rain": [0, 10]}})
    run = ingest(
        "observation_table",
        csv_payload(["ZH-R01,2026-07-01 08:00,55"]),
        source=source,
        settings=source.settings,
    )
    assert run.rows_rejected == 1
    source.settings = {**RAIN, "ranges": {"rain": [0, 100]}}
    source.save()
    again = quarantine_reprocess(record_ids=QuarantinedRecord.objects.values_list("pk", flat=True))[0]
    assert (again.rows_written, again.rows_rejected, again.source) == (1, 0, source)


def test_a_long_table_with_variable_and_unit_columns(ingest, stations):
    settings = {
        "format": "csv",
        "station": "stcd",
        "time": "tm",
        "variable": {"column": "elem", "map": {"Z": "water_level", "P": "rain"}},
        "value": "val",
        "unit": {"column": "unit"},
    }
    payload = csv_payload(
        [
            "ZH-H01,2026-07-01 08:00,Z,250,cm",
            "ZH-R01,2026-07-01 08:00,P,1.2,mm",
            "ZH-H01,2026-07-01 08:00,Q,3,m3/s",
            "ZH-H02,2026-07-01 08:00,Z,2,ft",
        ],
        header="stcd,tm,elem,val,unit",
    )
    run = ingest("observation_table", payload, settings=settings)
    assert (run.rows_written, run.rows_rejected) == (3, 1)
    assert reading("ZH-H01", datetime(2026, 7, 1, 0, 0, tzinfo=UTC), "water_level").value == pytest.approx(
        2.5
    )
    assert reading("ZH-H02", datetime(2026, 7, 1, 0, 0, tzinfo=UTC), "water_level").value == pytest.approx(
        0.6096
    )
    assert QuarantinedRecord.objects.get().reason == "variable “Q” is not mapped to a known variable"


def test_a_wide_json_table_in_utc(ingest, stations):
    settings = {
        "format": "json",
        "json": {"records": "data.obs"},
        "station": "stationId",
        "time": "obsTime",
        "values": {
            "windSpeed": {"variable": "wind_speed", "unit": "km/h"},
            "windDir": {"variable": "wind_direction", "unit": "deg"},
        },
    }
    payload = json.dumps(
        {
            "data": {
                "obs": [
                    {"stationId": "ZH-W01", "obsTime": "2026-07-01 00:00:00", "windSpeed": 36, "windDir": 90},
                    {
                        "stationId": "ZH-W02",
                        "obsTime": "2026-07-01 00:00:00",
                        "windSpeed": "n/a",
                        "windDir": 400,
                    },
                    "not a record",
                ]
            }
        }
    ).encode()
    run = ingest("observation_table", payload, settings=settings, zone="UTC")
    assert (run.rows_seen, run.rows_written, run.rows_rejected) == (5, 2, 3)
    assert reading("ZH-W01", datetime(2026, 7, 1, tzinfo=UTC), "wind_speed").value == pytest.approx(10.0)
    reasons = dict(QuarantinedRecord.objects.values_list("locator", "reason"))
    assert reasons["record 2 · windSpeed"] == "value “n/a” in column “windSpeed” is not a number"
    assert reasons["record 2 · windDir"] == "wind_direction 400 deg is outside the plausible range 0.0–360.0"
    assert reasons["record 3"] == "the record is not an object of named cells"


def test_an_excel_sheet(ingest, stations):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["水位报表"])  # a title row above the header
    sheet.append(["站码", "观测时间", "水位(cm)"])
    # Excel cells hold wall-clock times without a zone: read in the feed's zone.
    sheet.append(["ZH-H01", datetime(2026, 7, 1, 8, 0), 251])  # noqa: DTZ001
    sheet.append(["ZH-H02", "2026-07-01 08:00", "oops"])
    out = io.BytesIO()
    workbook.save(out)
    settings = {
        "format": "excel",
        "excel": {"header_row": 2},
        "station": "站码",
        "time": "观测时间",
        "variable": "water_level",
        "value": "水位(cm)",
        "unit": "cm",
    }
    run = ingest("observation_table", out.getvalue(), settings=settings)
    assert (run.rows_written, run.rows_rejected) == (1, 1)
    assert reading("ZH-H01", datetime(2026, 7, 1, 0, 0, tzinfo=UTC), "water_level").value == pytest.approx(
        2.51
    )
    assert QuarantinedRecord.objects.get().locator == "row 4"


def test_trace_and_missing_markers(ingest, stations):
    run = ingest(
        "observation_table",
        csv_payload(["ZH-R01,2026-07-01 08:00,T", "ZH-R01,2026-07-01 08:05,-999"]),
        settings=RAIN,
    )
    assert (run.rows_written, run.rows_skipped, run.rows_rejected) == (1, 1, 0)
    assert Reading.objects.get().quality == ReadingQuality.TRACE


@pytest.mark.parametrize(
    ("payload", "settings", "message"),
    [
        (b"\xff\xfe\x00garbage", RAIN, "not a readable CSV table"),
        (
            csv_payload(["ZH-R01,2026-07-01 08:00,1"], header="a,b,c"),
            RAIN,
            "the table has no column “站码”, “时间”, “雨量”",
        ),
        (b"{not json", {**RAIN, "format": "json"}, "not JSON"),
        (
            b'{"rows": 5}',
            {**RAIN, "format": "json", "json": {"records": "rows"}},
            "the JSON records are not a list",
        ),
        (b"PK\x03\x04 not really", {**RAIN, "format": "excel"}, "not a readable Excel workbook"),
    ],
)
def test_a_payload_that_is_not_a_table_fails_the_run_and_is_kept(
    ingest, stations, payload, settings, message
):
    run = ingest("observation_table", payload, settings=settings)
    assert run.status == RunStatus.FAILED and run.error_kind == ErrorKind.PAYLOAD
    assert message in run.error
    assert bytes(RunPayload.objects.get(run=run).content) == payload
    assert not Reading.objects.exists()


def test_invalid_settings_fail_the_run_as_configuration(ingest):
    run = ingest("observation_table", b"a,b\n", settings={"format": "csv", "station": "a"})
    assert run.status == RunStatus.FAILED and run.error_kind == ErrorKind.CONFIG
    assert "“time” must name a column" in run.error


def test_large_payloads_are_stored_in_bulk_batches(ingest, stations, settings):
    settings.INGEST_BATCH_ROWS = 1000
    rows = [f"ZH-R0{1 + i % 5},2026-07-01 {i // 300:02d}:{(i // 5) % 60:02d},{i % 7}" for i in range(3000)]
    saves = []

    def count(sender, **kwargs):
        saves.append(sender)

    post_save.connect(count, sender=Reading)
    try:
        with CaptureQueriesContext(connection) as queries:
            run = ingest("observation_table", csv_payload(rows), settings=RAIN)
    finally:
        post_save.disconnect(count, sender=Reading)
    assert run.rows_written == 3000 and saves == []
    reading_inserts = [
        q for q in queries.captured_queries if q["sql"].startswith("INSERT INTO sanfang_reading")
    ]
    assert len(reading_inserts) == 3  # one upsert per batch of 1,000 rows, never one per row
    assert len(queries.captured_queries) < 100
