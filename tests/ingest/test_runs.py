"""The pipeline: run records, transactional batches, a killed worker, stale runs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone, translation

from accounts.models import AuditEntry
from ingest.adapters.observation_table import ObservationTableAdapter
from ingest.choices import ErrorKind, RunStatus, RunTrigger
from ingest.models import QuarantinedRecord, Run
from ingest.services.runs import run_open, run_process, runs_reap_stale
from sanfang.models import Reading

RAIN = {"format": "csv", "station": "站码", "time": "时间", "variable": "rain", "value": "雨量", "unit": "mm"}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def day_payload(rows: int, *, bad_every: int = 0) -> bytes:
    lines = ["站码,时间,雨量"]
    for i in range(rows):
        value = "x" if bad_every and i % bad_every == 0 else f"{i % 10 / 10}"
        lines.append(f"ZH-R0{1 + i % 5},2026-07-01 {i // 300:02d}:{(i // 5) % 60:02d},{value}")
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.django_db
def test_a_run_records_its_counts_and_leaves_one_audit_entry(ingest, stations):
    run = ingest("observation_table", day_payload(50, bad_every=10), settings=RAIN)
    assert run.status == RunStatus.SUCCEEDED and run.finished_at >= run.started_at
    assert (run.bytes, run.rows_seen, run.rows_written, run.rows_rejected) == (
        len(day_payload(50, bad_every=10)),
        50,
        45,
        5,
    )
    assert run.rows_seen == run.rows_written + run.rows_duplicate + run.rows_rejected + run.rows_skipped
    summaries = AuditEntry.objects.filter(app_label="ingest", model="run")
    assert summaries.count() == 1 and summaries.get().changes["rows_written"] == [None, 45]


@pytest.mark.django_db
def test_a_failing_batch_leaves_nothing_of_itself(ingest, stations, settings, monkeypatch):
    """Batch 1 commits; batch 2 fails inside its transaction: none of its rows or quarantine stay."""
    settings.INGEST_BATCH_ROWS = 100
    original = ObservationTableAdapter.store
    calls = []

    def store(self, records, ctx):
        calls.append(1)
        result = original(self, records, ctx)
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return result

    monkeypatch.setattr(ObservationTableAdapter, "store", store)
    with pytest.raises(RuntimeError):
        ingest("observation_table", day_payload(300, bad_every=50), settings=RAIN)
    run = Run.objects.get()
    assert run.status == RunStatus.FAILED and run.error_kind == ErrorKind.INTERNAL
    assert "database went away" in run.error
    assert (run.rows_seen, run.rows_written, run.rows_rejected) == (100, 98, 2)
    assert Reading.objects.count() == 98
    assert QuarantinedRecord.objects.count() == 2
    assert run.payload.size == len(day_payload(300, bad_every=50))


KILL_SCRIPT = textwrap.dedent(
    """
    import os, signal, sys
    import django
    django.setup()
    from django.conf import settings
    settings.INGEST_BATCH_ROWS = 100
    from ingest.adapters.observation_table import ObservationTableAdapter
    from ingest.models import Run
    from ingest.services.runs import run_process

    original = ObservationTableAdapter.store
    calls = []

    def store(self, records, ctx):
        calls.append(1)
        result = original(self, records, ctx)
        if len(calls) == 2:
            # Killed like a worker by the OOM killer: inside batch 2's transaction, after its upsert.
            os.kill(os.getpid(), signal.SIGKILL)
        return result

    ObservationTableAdapter.store = store
    run_process(run=Run.objects.get(pk=int(sys.argv[1])), payload=open(sys.argv[2], "rb").read())
    """
)


def database_url(db: dict) -> str:
    """The test database as a URL for a child process."""
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    return f"postgis://{quote(db['USER'] or '', safe='')}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_leaves_whole_batches_and_the_next_run_completes(stations, tmp_path):
    payload = day_payload(300)
    path = tmp_path / "rain.csv"
    path.write_bytes(payload)
    run = run_open(source=None, adapter="observation_table", trigger=RunTrigger.FILE, settings=RAIN)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url(connection.settings_dict),
    }
    result = subprocess.run(
        [sys.executable, "-c", KILL_SCRIPT, str(run.pk), str(path)],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == -signal.SIGKILL, result.stderr.decode()[-2000:]
    run.refresh_from_db()
    # Batch 1 committed with its counters; batch 2 died with its transaction.
    assert run.status == RunStatus.RUNNING
    assert (run.rows_seen, run.rows_written) == (100, 100)
    assert Reading.objects.count() == 100

    # The reaper marks it abandoned once it is stale …
    assert runs_reap_stale(now=timezone.now()) == 0
    assert runs_reap_stale(now=timezone.now() + timedelta(hours=1)) == 1
    run.refresh_from_db()
    assert run.status == RunStatus.ABANDONED and "next run" in run.error

    # … and the next run of the same payload stores the rest, once.
    again = run_process(
        run=run_open(source=None, adapter="observation_table", trigger=RunTrigger.FILE, settings=RAIN),
        payload=payload,
    )
    assert (again.rows_written, again.rows_duplicate) == (200, 100)
    assert Reading.objects.count() == 300
