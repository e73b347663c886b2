"""Impact benchmark: the impact query for a typhoon-forecast-sized zone over 1,000,000 registered
persons and 100,000 points of interest (issue 5, Benchmark).

What is timed is ``sanfang.services.impact.impact_analyse`` as the API calls it for a commander:
totals and district/town groups of all seven lists plus their first rows, and the audit entry for
the people list. The zone is a 24-hour forecast swath: the union of force-7 circles (radius 120 km)
around five forecast positions of a storm crossing the Pearl River estuary.

The registry is province-sized (people and POIs clustered around 400 synthetic towns on the Guangdong
coast, 109.5–117.5 E, 20.2–23.8 N), so the zone holds a realistic share of it rather than all of it.
Baseline in the same run: the same query with index scans turned off (what a cast on the column side
or a missing index would cost). The figures are medians of ``--repeat`` interleaved runs.

It prints the EXPLAIN (ANALYZE) of the people list's aggregate and fails (exit 1) when any list's
spatial query plans a sequential scan of a big table, or when the median is not under ``--budget``
seconds. Not part of the test suite.

    .venv/bin/python bench/impact_bench.py [--persons 1000000] [--pois 100000] [--repeat 5] [--budget 0.5]

Database: ``IMPACT_BENCH_DATABASE_URL`` (default ``postgis://postgres@127.0.0.1:5432/cc_impact_bench``),
created and migrated on first use; the data is generated in SQL with a fixed seed and kept.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DB_URL = os.environ.get("IMPACT_BENCH_DATABASE_URL", "postgis://postgres@127.0.0.1:5432/cc_impact_bench")
os.environ["BENCH_DATABASE_URL"] = DB_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

BIG_TABLES = (
    "sanfang_persontomove",
    "sanfang_hazardpoint",
    "sanfang_protectedtarget",
    "sanfang_infoofficer",
    "emergency_shelter",
    "emergency_rescueteam",
    "emergency_depot",
)
# Share of the 100,000 points of interest per table.
POI_SHARES = {
    "sanfang_hazardpoint": 0.30,
    "sanfang_protectedtarget": 0.30,
    "sanfang_infoofficer": 0.20,
    "emergency_shelter": 0.10,
    "emergency_rescueteam": 0.05,
    "emergency_depot": 0.05,
}
# A storm crossing the estuary from the south-east: 24 h of forecast positions (lon, lat).
FORECAST = [(115.2, 20.9), (114.6, 21.4), (114.0, 21.8), (113.5, 22.2), (112.9, 22.6)]
FORCE7_RADIUS_M = 120_000


def psql(db: str) -> list[str]:
    url = urlsplit(DB_URL)
    return ["psql", "-X", "-q", "-h", url.hostname or "127.0.0.1", "-p", str(url.port or 5432), "-U",
            url.username or "postgres", db]  # fmt: skip


def ensure_database() -> None:
    name = urlsplit(DB_URL).path.lstrip("/")
    base = [*psql("postgres"), "-tAc"]
    found = subprocess.run([*base, f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
                           capture_output=True, text=True, check=True)  # fmt: skip
    if found.stdout.strip() != "1":
        subprocess.run([*base, f'CREATE DATABASE "{name}"'], check=True)
        subprocess.run([*psql(name), "-c", "CREATE EXTENSION IF NOT EXISTS postgis"], check=True)


def log(message: str) -> None:
    print(f"[impact-bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# Town centres and the 8 × 4 grid of synthetic "districts" (1° × 0.9° cells) are made in SQL.
TOWNS_SQL = """
    CREATE TEMP TABLE bench_town AS
    SELECT i AS id,
           109.5 + 8.0 * random() AS lon,
           -- towns lean to the coast (the south of the box)
           20.2 + 3.6 * power(random(), 1.6) AS lat
    FROM generate_series(1, 400) AS i
"""
CELL = "(floor(({lon} - 109.5) / 1.0)::int + 8 * floor(({lat} - 20.2) / 0.9)::int)"


def load(persons: int, pois: int) -> None:
    from django.db import connection

    from accounts.models import Organisation

    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM sanfang_persontomove")
        have = cur.fetchone()[0]
    if have == persons:
        log(f"data present ({persons:,} persons); skipping the load")
        return
    log(f"loading {persons:,} persons and {pois:,} points of interest (a few minutes, once)")
    org, _ = Organisation.objects.get_or_create(
        code="bench-bureau", defaults={"name": "基准测试单位", "kind": "bureau"}
    )
    with connection.cursor() as cur:
        for table in BIG_TABLES:
            cur.execute(f"TRUNCATE {table} CASCADE")
        cur.execute("DELETE FROM geo_adminarea WHERE adcode LIKE 'B%%'")
        cur.execute("SELECT setseed(0.5)")
        cur.execute(TOWNS_SQL)
        cur.execute("""
            INSERT INTO geo_adminarea (created_at, updated_at, adcode, name, level, geom, approximate, source)
            SELECT now(), now(), 'B' || lpad(c::text, 3, '0'), '基准区' || c, 'district',
                   ST_Multi(ST_MakeEnvelope(109.5 + (c % 8), 20.2 + 0.9 * (c / 8),
                                            110.5 + (c % 8), 21.1 + 0.9 * (c / 8), 4326)), true, 'bench'
            FROM generate_series(0, 31) AS c
        """)
        # Each point: a town, then a gaussian offset of ~2 km (Box–Muller).
        point = """
            WITH p AS (
                SELECT g, t.id AS town,
                       t.lon + 0.02 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS lon,
                       t.lat + 0.02 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS lat
                FROM generate_series(1, %s) AS g
                JOIN bench_town t ON t.id = 1 + (g::bigint * 7919) %% 400
            )
        """
        district = f"(SELECT id FROM geo_adminarea WHERE adcode = 'B' || lpad({CELL.format(lon='p.lon', lat='p.lat')}::text, 3, '0'))"
        registry_cols = "created_at, updated_at, name, geom, town, address, contact_name, contact_phone, active, notes, district_id, organisation_id"
        registry_vals = (
            "now(), now(), '户' || g, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326), '镇' || p.town, '', '', '', "
            f"true, '', {district}, %s"
        )
        cur.execute(
            point + f"INSERT INTO sanfang_persontomove ({registry_cols}, category, people) "
            f"SELECT {registry_vals}, (ARRAY['low_lying','dangerous_building','ship','hazard_zone'])[1 + g %% 4], 1 + g %% 5 FROM p",
            [persons, org.pk],
        )
        log("persons loaded")
        n = {t: int(pois * share) for t, share in POI_SHARES.items()}
        cur.execute(
            point
            + f"INSERT INTO sanfang_hazardpoint ({registry_cols}, kind, susceptibility, people_threatened, warning_level) "
            f"SELECT {registry_vals}, (ARRAY['landslide','waterlogging','dangerous_dike'])[1 + g %% 3], 0.5, g %% 100, '' FROM p",
            [n["sanfang_hazardpoint"], org.pk],
        )
        cur.execute(
            point + f"INSERT INTO sanfang_protectedtarget ({registry_cols}, kind, occupants) "
            f"SELECT {registry_vals}, (ARRAY['school','hospital','chemical_plant'])[1 + g %% 3], g %% 1000 FROM p",
            [n["sanfang_protectedtarget"], org.pk],
        )
        cur.execute(
            point + f"INSERT INTO sanfang_infoofficer ({registry_cols}, kind) "
            f"SELECT {registry_vals}, 'info_officer' FROM p",
            [n["sanfang_infoofficer"], org.pk],
        )
        located = "name, geom, address, contact_name, contact_phone, organisation_id"
        located_vals = "'点' || g, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326), '', '', '', %s"
        cur.execute(
            point + f"INSERT INTO emergency_shelter ({located}, capacity, occupancy, is_open) "
            f"SELECT {located_vals}, 100 + g %% 400, g %% 100, g %% 2 = 0 FROM p",
            [n["emergency_shelter"], org.pk],
        )
        cur.execute(
            point + f"INSERT INTO emergency_rescueteam ({located}, speciality, skills, equipment, status) "
            f"SELECT {located_vals}, '', '{{}}', '', 'ready' FROM p",
            [n["emergency_rescueteam"], org.pk],
        )
        cur.execute(
            point + f"INSERT INTO emergency_depot ({located}) SELECT {located_vals} FROM p",
            [n["emergency_depot"], org.pk],
        )
        for table in (*BIG_TABLES, "geo_adminarea"):
            cur.execute(f"VACUUM ANALYZE {table}")
    log("loaded and analysed")


def forecast_zone():
    from django.db import connection

    from sanfang.services.impact import Zone

    points = ", ".join(
        f"ST_Buffer(ST_SetSRID(ST_MakePoint({x}, {y}), 4326)::geography, {FORCE7_RADIUS_M})::geometry"
        for x, y in FORECAST
    )
    with connection.cursor() as cur:
        cur.execute(f"SELECT ST_AsText(ST_Multi(ST_Union(ARRAY[{points}])))")
        wkt = cur.fetchone()[0]
    from django.contrib.gis.geos import GEOSGeometry

    from sanfang.selectors.impact_zones import zone_check

    return Zone(
        kind="storm", params={"storm": "bench", "hours": 24}, geom=zone_check(GEOSGeometry(wkt, srid=4326))
    )


def commander():
    from accounts.choices import RoleCode
    from accounts.models import Organisation, User
    from accounts.services.roles import role_assign

    org = Organisation.objects.get(code="bench-bureau")
    user, created = User.objects.get_or_create(username="bench_commander", defaults={"organisation": org})
    if created or not user.roles.exists():
        role_assign(user=user, role_code=RoleCode.COMMANDER)
    return User.objects.get(pk=user.pk)


def plans(user, zone) -> tuple[list[str], str]:
    """EXPLAIN of every query the summary runs per list (the group aggregates, the plain ones or the
    whole-cell and edge-cell parts, and the preview rows); the people aggregates' EXPLAIN ANALYZE."""
    from django.db import connection

    from sanfang.selectors.impact import (
        IMPACT_LISTS,
        impact_cell_parts,
        impact_groups,
        impact_queryset,
        impact_rows,
    )

    bad = []
    shown = []
    for key in IMPACT_LISTS:
        queryset = impact_queryset(user=user, key=key, zone=zone.geom)
        parts = impact_cell_parts(user=user, key=key, zone=zone.geom)
        grouped = queryset.order_by().values("g_district_id", "g_town")
        queries = (
            [("groups", grouped)]
            if parts is None
            else [("whole cells", parts[0]), *(("edge cells", q) for q in parts[1:])]
        )
        # The preview rows: the (district, town) groups the first rows fall in (impact_rows).
        captured = []
        with connection.execute_wrapper(
            lambda execute, sql, params, many, context, captured=captured: (
                captured.append((sql, params)) or execute(sql, params, many, context)
            )
        ):
            impact_rows(user=user, key=key, zone=zone.geom, limit=20, grouped=impact_groups(queryset))
        for label, qs in queries:
            text = qs.explain()
            for table in BIG_TABLES:
                if f"Seq Scan on {table}" in text:
                    bad.append(f"{key} {label}: Seq Scan on {table}")
            if key == "people":
                shown.append(f"-- {label}\n" + qs.explain(analyze=True, buffers=True))
        with connection.cursor() as cur:
            sql, params = captured[-1]
            cur.execute("EXPLAIN " + sql, params)
            text = "\n".join(row[0] for row in cur.fetchall())
        for table in BIG_TABLES:
            if f"Seq Scan on {table}" in text:
                bad.append(f"{key} rows: Seq Scan on {table}")
        if key == "people":
            shown.append("-- preview rows\n" + text)
    connection.close()
    return bad, "\n\n".join(shown)


def timed(user, zone, *, index: bool = True, plain: bool = False, _patched: bool = False) -> float:
    """One ``impact_analyse``. ``plain``: the straightforward way, as before the fast paths (every
    list's groups by the GiST zone filter alone, preview rows sorted over the whole zone), the same
    answer. ``index=False``: additionally with index and bitmap scans off."""
    from unittest import mock

    from django.db import connection, transaction

    from sanfang.selectors import impact
    from sanfang.services import impact as service
    from sanfang.services.impact import impact_analyse

    if (plain or not index) and not _patched:
        rows = service.impact_rows
        with (
            mock.patch.object(impact, "IMPACT_CELLS_MIN_ROWS", float("inf")),
            mock.patch.object(service, "impact_rows", lambda **kw: rows(**{**kw, "grouped": None})),
        ):
            return timed(user, zone, index=index, _patched=True)

    # Nothing carried over between runs: the zone is cut and classified into grid cells again.
    impact._zone_pieces.cache_clear()
    impact._zone_cells.cache_clear()
    with transaction.atomic():
        if not index:
            with connection.cursor() as cur:
                cur.execute("SET LOCAL enable_indexscan = off")
                cur.execute("SET LOCAL enable_bitmapscan = off")
        start = time.perf_counter()
        result = impact_analyse(user=user, zone=zone)
        elapsed = time.perf_counter() - start
        transaction.set_rollback(True)  # keep the audit log of the bench database small
    timed.last = result  # type: ignore[attr-defined]
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--pois", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--budget", type=float, default=0.5, help="seconds the median must stay under")
    parser.add_argument(
        "--no-index-run", action="store_true", help="also time the plain way once with index scans off"
    )
    args = parser.parse_args()

    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    load(args.persons, args.pois)
    user = commander()
    zone = forecast_zone()
    bad, explain = plans(user, zone)
    print(
        "EXPLAIN (ANALYZE, BUFFERS) of the people list's district/town aggregates, EXPLAIN of its preview rows:\n"
    )
    # The zone's EWKB hex is long and says nothing: shorten it.
    explain = re.sub(r"'([0-9A-F]{40})[0-9A-F]+'", r"'\1…'", explain)
    print(re.sub(r"'\{([0-9]+,[0-9]+,)[0-9,]+\}'", r"'{\1…}'", explain))  # and the cell lists
    fast_answer = timed(user, zone)  # warm the caches once
    fast_answer = timed.last  # type: ignore[attr-defined]
    timed(user, zone, plain=True)
    if timed.last != fast_answer:  # type: ignore[attr-defined]
        print("FAIL: the plain way gives another answer")
        sys.exit(1)
    with_index, without = [], []
    for _ in range(args.repeat):
        with_index.append(timed(user, zone))
        without.append(timed(user, zone, plain=True))
    noindex = timed(user, zone, plain=True, index=False) if args.no_index_run else None
    result = timed.last  # type: ignore[attr-defined]
    lists = result["lists"]
    median, base = statistics.median(with_index), statistics.median(without)
    print(f"\nzone: 24-h forecast swath, {zone.area_km2:,.0f} km², {zone.geom.num_points} vertices")
    print(f"{'list':<10}{'in zone':>12}{'measure':>14}")
    for key, item in lists.items():
        print(f"{key:<10}{item['total']['count']:>12,}{item['total']['measure']:>14,}")
    print(f"\nimpact_analyse (all 7 lists, groups + first rows), median of {args.repeat}:")
    print(
        f"  ours (cells + groups)   {median * 1000:8.1f} ms   (runs: {', '.join(f'{t * 1000:.0f}' for t in with_index)})"
    )
    print(
        f"  plain GiST (baseline)   {base * 1000:8.1f} ms   (runs: {', '.join(f'{t * 1000:.0f}' for t in without)})"
    )
    print(f"  ratio (baseline / ours) {base / median:8.1f} ×")
    if noindex is not None:
        print(f"  plain, index scans off  {noindex * 1000:8.1f} ms   (one run)")
    print(f"  budget                  {args.budget * 1000:8.1f} ms")
    failed = False
    if bad:
        print("\nFAIL: sequential scans of big tables:\n  " + "\n  ".join(bad))
        failed = True
    if median >= args.budget:
        print(f"\nFAIL: the median {median * 1000:.0f} ms is not under {args.budget * 1000:.0f} ms")
        failed = True
    print(
        "\n"
        + ("FAILED" if failed else "OK: every spatial query uses an index, and the query is under budget")
    )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
