"""Pulling sources from the feed simulator (a real HTTP server): faults, back-off, drops, health."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone, translation

from emergency.bigscreen import panels_render
from emergency.models import Alert, ReceivedWarning
from ingest.choices import ErrorKind, FeedState, RunStatus, RunTrigger
from ingest.models import QuarantinedRecord, Run, Source
from ingest.services.fetch import source_request_headers
from ingest.services.health import feeds_check_health
from ingest.services.pulls import pull_retry_delay, source_pull
from ingest.simulator import BEIJING
from ingest.tasks import ingest_pull_source
from sanfang.models import Reading

pytestmark = pytest.mark.django_db

RAIN = {"format": "csv", "station": "站码", "time": "时间", "variable": "rain", "value": "雨量", "unit": "mm"}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def rain_source(make_source, simulator, stations):
    return make_source(
        settings=RAIN, url=f"{simulator.url}/water/rain.csv", max_retries=2, late_after_minutes=20
    )


def pull(source, **kwargs):
    return source_pull(source_id=source.pk, trigger=RunTrigger.MANUAL, **kwargs)


def test_a_pull_stores_the_feed_once(rain_source):
    [run] = pull(rain_source)
    assert (run.status, run.http_status, run.rows_seen, run.rows_written) == (
        RunStatus.SUCCEEDED,
        200,
        60,
        60,
    )
    [again] = pull(rain_source)
    assert (again.rows_written, again.rows_duplicate) == (0, 60)
    assert Reading.objects.count() == 60
    rain_source.refresh_from_db()
    assert rain_source.last_success_at == again.finished_at and rain_source.health == FeedState.OK


def test_duplicate_rows_in_the_feed_are_counted_and_stored_once(rain_source, simulator):
    Source.objects.filter(pk=rain_source.pk).update(url=f"{simulator.url}/water/rain.csv?fault=duplicate")
    [run] = pull(rain_source)
    assert (run.rows_seen, run.rows_written, run.rows_duplicate) == (80, 60, 20)
    assert Reading.objects.count() == 60


def test_garbage_among_good_rows_goes_to_quarantine(rain_source, simulator):
    Source.objects.filter(pk=rain_source.pk).update(url=f"{simulator.url}/water/rain.csv?fault=garbage")
    [run] = pull(rain_source)
    assert run.status == RunStatus.SUCCEEDED
    assert (run.rows_seen, run.rows_written, run.rows_rejected) == (63, 60, 3)
    reasons = sorted(QuarantinedRecord.objects.values_list("reason", flat=True))
    assert reasons == [
        "time “yesterday” is not a date and time in the expected form",
        "unknown or inactive station “ZH-XX9” (register it, then re-process)",
        "value “abc” in column “雨量” is not a number",
    ]


def test_a_junk_page_fails_the_run_and_is_kept(rain_source, simulator):
    Source.objects.filter(pk=rain_source.pk).update(url=f"{simulator.url}/water/rain.csv?fault=junk")
    [run] = pull(rain_source)
    assert run.status == RunStatus.FAILED and run.error_kind == ErrorKind.PAYLOAD
    assert "the table has no column" in run.error
    assert bytes(run.payload.content).startswith(b"<html>")


def test_transient_failures_are_retried_with_growing_back_off(rain_source, simulator, celery_eager):
    Source.objects.filter(pk=rain_source.pk).update(url=f"{simulator.url}/water/rain.csv?fault=500&times=2")
    ingest_pull_source.apply(kwargs={"source_id": rain_source.pk, "trigger": RunTrigger.MANUAL})
    runs = list(Run.objects.order_by("id"))
    assert [(r.attempt, r.status) for r in runs] == [(1, "failed"), (2, "failed"), (3, "succeeded")]
    assert [r.http_status for r in runs[:2]] == [500, 500]
    assert all(r.error_kind == ErrorKind.TRANSIENT for r in runs[:2])
    first, second = [(r.retry_at - r.finished_at).total_seconds() for r in runs[:2]]
    assert 25 <= first <= 35 and 50 <= second <= 70  # 30 s, then 60 s (±10 % jitter)
    assert "Retry 1 of 2" in runs[0].error
    assert runs[2].rows_written == 60


def test_retries_stop_after_the_source_limit(rain_source, simulator, celery_eager):
    Source.objects.filter(pk=rain_source.pk).update(url=f"{simulator.url}/water/rain.csv?fault=500&times=99")
    ingest_pull_source.apply(kwargs={"source_id": rain_source.pk})
    runs = list(Run.objects.order_by("id"))
    assert [r.status for r in runs] == ["failed"] * 3
    assert runs[-1].retry_at is None


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ("timeout", "No answer within 1 s."),
        ("truncate", "The body was truncated"),
    ],
)
def test_timeouts_and_truncated_bodies_are_transient(rain_source, simulator, fault, message):
    Source.objects.filter(pk=rain_source.pk).update(
        url=f"{simulator.url}/water/rain.csv?fault={fault}", timeout_seconds=1, max_retries=0
    )
    [run] = pull(rain_source)
    assert run.status == RunStatus.FAILED and run.error_kind == ErrorKind.TRANSIENT
    assert message in run.error
    assert not Reading.objects.exists()


def test_client_errors_are_not_retried(rain_source, simulator):
    Source.objects.filter(pk=rain_source.pk).update(url=f"{simulator.url}/nowhere.csv")
    [run] = pull(rain_source)
    assert (run.status, run.error_kind, run.http_status, run.retry_at) == (
        "failed",
        ErrorKind.TRANSPORT,
        404,
        None,
    )


def test_only_http_is_pulled(rain_source):
    Source.objects.filter(pk=rain_source.pk).update(url="file:///etc/passwd")
    [run] = pull(rain_source)
    assert run.error == "Only http and https addresses can be pulled."


def test_credentials_go_into_the_request_headers(make_source):
    source = make_source(
        settings=RAIN,
        auth="basic",
        username="bureau",
        password="s3cret",
        secret_headers={"X-Api-Key": "k"},
        headers={"Accept": "text/csv"},
    )
    headers = source_request_headers(Source.objects.get(pk=source.pk))
    assert headers["Authorization"] == "Basic YnVyZWF1OnMzY3JldA=="
    assert headers["X-Api-Key"] == "k" and headers["Accept"] == "text/csv"
    # Stored encrypted, never in clear.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT password, secret_headers FROM ingest_source WHERE id = %s", [source.pk])
        password, secret = cursor.fetchone()
    assert password.startswith("sm4:") and "s3cret" not in password
    assert secret.startswith("sm4:") and "X-Api-Key" not in secret


def test_a_late_feed_raises_one_alert_and_its_recovery_is_shown(
    rain_source, simulator, personas, celery_eager
):
    Source.objects.filter(pk=rain_source.pk).update(url=f"{simulator.url}/water/rain.csv?fault=500&times=99")
    ingest_pull_source.apply(kwargs={"source_id": rain_source.pk})
    now = timezone.now()
    assert (
        feeds_check_health(now=now) == 0 or Source.objects.get(pk=rain_source.pk).health == FeedState.UNKNOWN
    )
    later = now + timedelta(minutes=25)
    feeds_check_health(now=later)
    feeds_check_health(now=later + timedelta(minutes=5))  # still down: no second alert
    source = Source.objects.get(pk=rain_source.pk)
    assert source.health == FeedState.DOWN
    [alert] = Alert.objects.filter(kind="feed")
    assert alert.level == "orange" and alert.title.startswith(f"Feed {source.name} is down")
    assert "HTTP 500" in alert.body
    assert alert.targets == ["role:duty_officer", "role:system_admin"]
    # The panel judges lateness at the moment it is drawn: move the source's history back.
    Source.objects.filter(pk=rain_source.pk).update(created_at=now - timedelta(minutes=30))
    rows = next(p for p in panels_render(user=personas.duty) if p["key"] == "feed_health")["data"]["rows"]
    assert {"label": source.name, "value": "never", "state": "down"} in rows

    Source.objects.filter(pk=rain_source.pk).update(url=f"{simulator.url}/water/rain.csv")
    [run] = pull(source)
    assert run.status == RunStatus.SUCCEEDED
    alert.refresh_from_db()
    assert alert.cleared_at is not None
    recovery = Alert.objects.filter(kind="feed", level="info").get()
    assert recovery.title.startswith(f"Feed {source.name} has recovered after")
    assert Source.objects.get(pk=rain_source.pk).health == FeedState.OK


def test_a_late_feed_whose_pulls_stopped_is_late_not_down(rain_source):
    [run] = pull(rain_source)
    feeds_check_health(now=run.finished_at + timedelta(minutes=21))
    source = Source.objects.get(pk=rain_source.pk)
    assert source.health == FeedState.LATE
    assert Alert.objects.get(kind="feed").level == "yellow"


def test_a_directory_drop(make_source, stations, settings, tmp_path):
    settings.INGEST_DROP_ROOT = tmp_path
    source = make_source(transport="directory", directory="water", url="", settings=RAIN)
    folder = tmp_path / "water"
    folder.mkdir()
    [empty] = pull(source)
    assert empty.status == RunStatus.SUCCEEDED and empty.bytes == 0
    (folder / "a.csv").write_text("站码,时间,雨量\nZH-R01,2026-07-01 08:00,1.0\n", encoding="utf-8")
    (folder / "b.csv").write_bytes(b"\x00\x01 not csv")
    (folder / ".c.csv.tmp").write_text("still being written", encoding="utf-8")
    runs = pull(source)
    assert [(r.status, r.rows_written) for r in runs] == [("succeeded", 1), ("failed", 0)]
    assert [p.name.split("-", 1)[1] for p in (folder / "done").iterdir()] == ["a.csv"]
    assert [p.name.split("-", 1)[1] for p in (folder / "failed").iterdir()] == ["b.csv"]
    assert (folder / ".c.csv.tmp").exists()


def test_a_drop_folder_outside_the_root_is_refused(make_source, settings, tmp_path):
    settings.INGEST_DROP_ROOT = tmp_path / "drop"
    source = make_source(transport="directory", directory="../../etc", url="", settings=RAIN)
    [run] = pull(source)
    assert run.status == RunStatus.FAILED and "must be inside" in run.error


def test_the_simulated_cap_feed_supersedes_and_cancels(make_source, simulator, personas, shared_data):
    # The feed shows the last three hours of a 6-hour typhoon cycle that restarts (with no
    # reference) at step 0; pin the clock to the latest hour at step 3-5 so the three messages it
    # serves form one chain, whatever the time of day the suite runs.
    now = datetime.now(UTC)
    while now.astimezone(BEIJING).hour % 6 < 3:
        now -= timedelta(hours=1)
    simulator.sim.clock = lambda: now
    source = make_source(
        adapter="cap", data_kind="warnings", url=f"{simulator.url}/cap/zhuhai.xml", settings={}
    )
    [run] = pull(source)
    assert run.status == RunStatus.SUCCEEDED and run.rows_rejected == 0 and run.rows_written >= 3
    [again] = pull(source)
    assert again.rows_written == 0 and again.rows_duplicate == run.rows_seen
    # The typhoon messages form one chain: every one but the newest is superseded or cancelled.
    typhoon = ReceivedWarning.objects.filter(identifier__endswith="_1").order_by("sent")
    assert all(w.superseded_by_id for w in typhoon[: typhoon.count() - 1])
    Source.objects.filter(pk=source.pk).update(url=f"{simulator.url}/cap/zhuhai.xml?fault=garbage")
    [garbage] = pull(source)
    assert garbage.rows_rejected == 1
    assert "scope" in QuarantinedRecord.objects.get().reason


def test_back_off_doubles_and_is_capped(settings):
    settings.INGEST_RETRY_BASE_SECONDS = 10
    settings.INGEST_RETRY_MAX_SECONDS = 50
    assert [pull_retry_delay(a, jitter=0) for a in (1, 2, 3, 4, 5)] == [10, 20, 40, 50, 50]
