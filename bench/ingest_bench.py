"""Ingest benchmark: a day of one-minute readings from 2,000 stations (2.88 million rows).

Our path — ``ingest.services.runs.run_process`` with the observation-table adapter, i.e. CSV parsing,
validation, station lookup, binary COPY into a staging table and one upsert per batch into
``sanfang_reading`` — against ``psql \\copy`` of the same CSV into an equivalent table (same columns
and indexes: primary key (station, variable, time) and a BRIN index on time). Both run on the same
database, interleaved, three times each; the figure is the median of the per-pair ratios
(PERFORMANCE.md §6, I1/I7). Target: ratio ≥ 0.5 and the day loaded in well under a minute.

    .venv/bin/python bench/ingest_bench.py [--stations 2000] [--minutes 1440] [--repeat 3]

It uses its own database (``INGEST_BENCH_DATABASE_URL``, default
``postgis://postgres@127.0.0.1:5432/cc_ingest_bench``), created and migrated on first use.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DB_URL = os.environ.get("INGEST_BENCH_DATABASE_URL", "postgis://postgres@127.0.0.1:5432/cc_ingest_bench")
# bench.settings reads BENCH_DATABASE_URL; this bench must not share the tile bench's database.
os.environ["BENCH_DATABASE_URL"] = DB_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

SETTINGS = {
    "format": "csv",
    "station": "station",
    "time": "time",
    "variable": "rain",
    "value": "value",
    "unit": "mm",
}
EQUIVALENT = "bench_reading_copy"


def psql_args() -> list[str]:
    url = urlsplit(DB_URL)
    return [
        "psql",
        "-X",
        "-q",
        "-h",
        url.hostname or "127.0.0.1",
        "-p",
        str(url.port or 5432),
        "-U",
        url.username or "postgres",
        url.path.lstrip("/"),
    ]


def ensure_database() -> None:
    url = urlsplit(DB_URL)
    name = url.path.lstrip("/")
    base = [*psql_args()[:-1], "postgres", "-tAc"]
    exists = subprocess.run(
        [*base, f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
        capture_output=True,
        text=True,
        check=True,
    )
    if exists.stdout.strip() != "1":
        subprocess.run([*base, f'CREATE DATABASE "{name}"'], check=True)
        subprocess.run([*psql_args(), "-c", "CREATE EXTENSION IF NOT EXISTS postgis"], check=True)


def write_csv(path: Path, stations: int, minutes: int) -> int:
    """The day as one long table, minute by minute for every station, times in Beijing time."""
    import numpy as np
    import pandas as pd

    start = datetime(2026, 7, 1, tzinfo=UTC)
    codes = np.array([f"ZH{i:05d}" for i in range(1, stations + 1)])
    times = pd.date_range(start, periods=minutes, freq="min", tz="UTC").tz_convert("Asia/Shanghai")
    stamps = np.array([t.isoformat() for t in times])
    rng = np.random.default_rng(2026)
    values = np.round(np.maximum(rng.gamma(0.3, 1.0, stations * minutes) - 0.2, 0), 1)
    frame = pd.DataFrame(
        {"station": np.tile(codes, minutes), "time": np.repeat(stamps, stations), "value": values}
    )
    frame.to_csv(path, index=False)
    return len(frame)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stations", type=int, default=2000)
    parser.add_argument("--minutes", type=int, default=1440)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import Organisation
    from ingest.choices import RunStatus, RunTrigger
    from ingest.services.runs import run_open, run_process
    from sanfang.models import Reading, Station

    call_command("migrate", verbosity=0)
    Organisation.objects.get_or_create(code="bench", defaults={"name": "bench", "kind": "member_unit"})
    wanted = {f"ZH{i:05d}" for i in range(1, args.stations + 1)}
    have = set(Station.objects.filter(code__in=wanted).values_list("code", flat=True))
    Station.objects.bulk_create([Station(code=c, name=c, kind="rain") for c in sorted(wanted - have)])
    table = Reading._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {EQUIVALENT} (station varchar(32) NOT NULL, variable varchar(20) NOT NULL "
            "DEFAULT 'rain', time timestamptz NOT NULL, value double precision NOT NULL, quality smallint NOT NULL "
            "DEFAULT 0, PRIMARY KEY (station, variable, time))"
        )
        cursor.execute(f"CREATE INDEX IF NOT EXISTS {EQUIVALENT}_time_brin ON {EQUIVALENT} USING brin (time)")

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "day.csv"
        started = time.monotonic()
        rows = write_csv(path, args.stations, args.minutes)
        payload = path.read_bytes()
        print(
            f"{rows:,} rows, {len(payload) / 1e6:.1f} MB of CSV written in {time.monotonic() - started:.1f} s"
        )

        def reset() -> None:
            with connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {table}, {EQUIVALENT}")
                cursor.execute("CHECKPOINT")

        def ours() -> float:
            reset()
            run = run_open(
                source=None,
                adapter="observation_table",
                trigger=RunTrigger.FILE,
                settings=SETTINGS,
                zone="Asia/Shanghai",
            )
            started = time.monotonic()
            run = run_process(run=run, payload=payload)
            seconds = time.monotonic() - started
            assert run.status == RunStatus.SUCCEEDED and run.rows_written == rows, (
                run.status,
                run.rows_written,
                run.error,
            )
            return seconds

        def psql_copy() -> float:
            reset()
            started = time.monotonic()
            subprocess.run(
                [*psql_args(), "-c", f"\\copy {EQUIVALENT} (station, time, value) FROM '{path}' CSV HEADER"],
                check=True,
            )
            return time.monotonic() - started

        results = []
        for n in range(1, args.repeat + 1):
            copy_s, ours_s = psql_copy(), ours()
            results.append((copy_s, ours_s))
            print(
                f"pair {n}: psql \\copy {copy_s:5.1f} s ({rows / copy_s:,.0f} rows/s)   "
                f"ingest {ours_s:5.1f} s ({rows / ours_s:,.0f} rows/s)   ratio {copy_s / ours_s:.2f}"
            )
        # The same day again: every row a duplicate (what a repeated pull costs).
        run = run_open(
            source=None,
            adapter="observation_table",
            trigger=RunTrigger.FILE,
            settings=SETTINGS,
            zone="Asia/Shanghai",
        )
        started = time.monotonic()
        run = run_process(run=run, payload=payload)
        again = time.monotonic() - started
        assert run.rows_duplicate == rows

    ratios = [c / o for c, o in results]
    ours_median = statistics.median(o for _c, o in results)
    copy_median = statistics.median(c for c, _o in results)
    print()
    print(f"psql \\copy  median {copy_median:5.1f} s  {rows / copy_median:>10,.0f} rows/s")
    print(f"ingest      median {ours_median:5.1f} s  {rows / ours_median:>10,.0f} rows/s")
    print(f"ratio (median of pairs) {statistics.median(ratios):.2f}  (target ≥ 0.5)")
    print(f"the same day again, all duplicates: {again:.1f} s ({rows / again:,.0f} rows/s)")
    print(
        f"day loaded in {ours_median:.1f} s: {'well under a minute' if ours_median < 40 else 'NOT well under a minute'}"
    )


if __name__ == "__main__":
    main()
