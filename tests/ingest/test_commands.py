"""manage.py ingest_file and feed_simulator, and the demo sources."""

from __future__ import annotations

import io
import json
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import translation
from django_celery_beat.models import PeriodicTask

from ingest.choices import RunTrigger
from ingest.models import Run, Source
from sanfang.models import Reading, Station

pytestmark = pytest.mark.django_db

RAIN = {"format": "csv", "station": "站码", "time": "时间", "variable": "rain", "value": "雨量", "unit": "mm"}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def write_rain(path, rows):
    lines = ["站码,时间,雨量"] + [
        f"ZH-R0{1 + i % 5},2026-07-01 {i // 300 % 24:02d}:{(i // 5) % 60:02d},{i % 9}" for i in range(rows)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_ingest_file_prints_the_counts(stations, tmp_path):
    path = tmp_path / "rain.csv"
    write_rain(path, 10)
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "ingest_file",
        "observation_table",
        str(path),
        "--adapter-settings",
        json.dumps(RAIN),
        stdout=out,
        stderr=err,
    )
    run = Run.objects.get()
    assert run.trigger == RunTrigger.FILE and run.origin == str(path.resolve())
    assert (
        f"run {run.pk} succeeded: 10 seen, 10 written, 0 duplicate, 0 rejected, 0 skipped" in out.getvalue()
    )
    assert err.getvalue() == ""  # a small file: no progress bar


def test_ingest_file_shows_progress_on_a_large_file(stations, tmp_path, settings):
    settings.INGEST_BATCH_ROWS = 25_000
    path = tmp_path / "rain.csv"
    write_rain(path, 50_000)
    assert path.stat().st_size > 1024 * 1024
    err = io.StringIO()
    call_command(
        "ingest_file",
        "observation_table",
        str(path),
        "--adapter-settings",
        json.dumps(RAIN),
        stdout=io.StringIO(),
        stderr=err,
    )
    bars = [part for part in err.getvalue().split("\r") if part.strip()]
    assert bars[0].startswith("[###############---------------]  50% 25,000/50,000 rows")
    assert "100% 50,000/50,000 rows" in bars[-1]


def test_ingest_file_with_a_source_and_failures(stations, tmp_path, make_source):
    source = make_source(settings=RAIN, timezone="UTC")
    path = tmp_path / "rain.csv"
    path.write_text("站码,时间,雨量\nZH-R01,2026-07-01 00:00,1\n", encoding="utf-8")
    call_command("ingest_file", "observation_table", str(path), "--source", source.slug, stdout=io.StringIO())
    run = Run.objects.get()
    assert run.source == source and run.timezone == "UTC"
    assert Reading.objects.get().time.hour == 0
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"nothing,useful\n1,2\n")
    with pytest.raises(CommandError, match=r"(?s)failed.*the table has no column"):
        call_command(
            "ingest_file", "observation_table", str(bad), "--source", source.slug, stdout=io.StringIO()
        )
    with pytest.raises(CommandError, match="unknown adapter"):
        call_command("ingest_file", "nope", str(path))
    with pytest.raises(CommandError, match="uses adapter"):
        call_command("ingest_file", "cap", str(path), "--source", source.slug)


def test_ingest_file_on_a_real_file(shared_data):
    out = io.StringIO()
    call_command(
        "ingest_file",
        "usgs_geojson",
        str(shared_data / "observations" / "usgs_earthquakes_all_day_2019-01-30.geojson"),
        stdout=out,
    )
    assert "233 seen, 233 written" in out.getvalue()


def test_the_feed_simulator_command_serves_on_localhost():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "feed_simulator",
            "--port",
            str(port),
            "--faults",
            "500",
            "--fault-rate",
            "0",
        ],
        cwd=settings.BASE_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        body = None
        for _attempt in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/water/rain.csv", timeout=2) as response:
                    body = response.read().decode()
                break
            except OSError:
                time.sleep(0.1)
        assert body is not None and body.startswith("站码,时间,雨量\n")
        assert len(body.strip().splitlines()) == 61
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_demo_sources_load_twice_without_duplicates(monkeypatch, tmp_path, settings):
    monkeypatch.setattr("accounts.demo.DEMO_LOGINS_FILE", tmp_path / "demo-logins.txt")
    monkeypatch.setenv("DEMO_PASSWORD", "Demo-pass-2026")
    settings.INGEST_DROP_ROOT = tmp_path / "drop"
    first = io.StringIO()
    call_command("load_demo", stdout=first)
    counts = (Source.objects.count(), Station.objects.count(), PeriodicTask.objects.count())
    second = io.StringIO()
    call_command("load_demo", stdout=second)
    assert (Source.objects.count(), Station.objects.count(), PeriodicTask.objects.count()) == counts
    assert Source.objects.count() == 9
    push = Source.objects.get(slug="weather-push")
    assert push.push_token_hash and "push token of weather-push" in first.getvalue()
    assert "push token" not in second.getvalue()
    assert str(tmp_path / "drop" / "water") in first.getvalue()
    for source in Source.objects.all():
        source.full_clean()  # every demo source is valid as configured
    assert Source.objects.get(slug="hko-monthly").crontab is not None
