"""Issue 6 benchmarks in one run: tiles (ours vs the pgbench floor vs tipg), GeoJSON vs tiles, and alert
latency over the live WebSocket. Started by ``bench/run.sh`` (which sets up the database and the venvs);
prints a summary table of figures and ratios and writes ``bench/.out/results.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

from bench.alerts import bench_alerts, raise_open_files_limit
from bench.common import (
    BENCH,
    POOL_VENV,
    ROOT,
    TIPG_VENV,
    VENV_PY,
    daphne,
    database_url,
    django_env,
    gunicorn,
    log,
    psql_value,
    write_json,
)
from bench.geojson import bench_geojson
from bench.tiles import bench_pg_defaults, bench_tiles, start_tipg

OUT = BENCH / ".out"

TARGET_FLOOR_Z14 = 0.7
TARGET_TIPG_Z14 = 1.0
TARGET_ALERT_P95_MS = {200: 500, 1000: 1000}


def prepare(args) -> dict:
    log("preparing: data (once), bench user and session, tile lists, pgbench scripts")
    argv = [str(VENV_PY), str(ROOT / "manage.py"), "bench_prepare", "--out", str(OUT)]
    argv += ["--zooms", args.zooms, "--tiles-per-zoom", str(args.tiles_per_zoom)]
    subprocess.run(argv, check=True, cwd=ROOT, env=django_env())
    return json.loads((OUT / "prepare.json").read_text())


def venv_has(python: Path, module: str) -> bool:
    if not python.exists():
        return False
    return (
        subprocess.run([str(python), "-c", f"import {module}"], capture_output=True, check=False).returncode
        == 0
    )


def run_tiles(prep: dict, args) -> dict:
    logs = OUT / "logs"
    servers = {"ours": daphne(logs, name="daphne-ours")}
    try:
        # Variants measuring proposed fixes (not the current code): Django's connection pool under
        # the same Daphne, and the same project under gunicorn's threaded WSGI workers.
        pool_python = POOL_VENV / "bin" / "python"
        if args.variants and venv_has(pool_python, "psycopg_pool"):
            servers["ours_pool"] = daphne(
                logs, name="daphne-ours-pool", python=pool_python, BENCH_DB_POOL="1"
            )
        if args.variants and venv_has(VENV_PY, "gunicorn"):
            servers["ours_wsgi"] = gunicorn(logs, name="gunicorn-ours", BENCH_CONN_MAX_AGE="60")
        if venv_has(TIPG_VENV / "bin" / "python", "tipg"):
            servers["tipg"] = start_tipg(logs, database_url())
        else:
            log("tipg is not installed in bench/.venv-tipg: run bench/run.sh; comparing without it")
        results = bench_tiles(
            prep,
            servers=servers,
            out_dir=OUT,
            rounds=args.rounds,
            duration=args.duration,
            warmup=args.warmup,
            connections=args.connections,
            pg_clients=args.pg_clients,
        )
    finally:
        for server in servers.values():
            server.stop()
    first = next(iter(results["zooms"]))
    log(f"floor with PostgreSQL's stock planner settings, z{first}")
    results["pg_defaults"] = bench_pg_defaults(
        prep,
        zoom=first,
        duration=args.duration,
        pg_clients=args.pg_clients,
        tuned_floor=results["zooms"][first]["summary"]["floor"]["tiles_s"],
    )
    return results


def run_geojson(prep: dict, args) -> dict:
    server = daphne(OUT / "logs", name="daphne-geojson")
    try:
        return bench_geojson(prep, server=server, repeats=args.geojson_repeats)
    finally:
        server.stop()


def run_alerts(prep: dict, args) -> dict:
    """Per socket count: the platform's consumer, then (with --variants) the one-line fix in
    bench/asgi_wsfix.py, each against a fresh Daphne."""
    variants = {"ours": "config.asgi:application"}
    if args.variants:
        variants["ours_wsfix"] = "bench.asgi_wsfix:application"
    results: dict = {name: {} for name in variants}
    for sockets in (int(v) for v in args.sockets.split(",")):
        for name, app in variants.items():
            # The platform's own CONN_MAX_AGE: this Daphne serves only WebSockets, whose database
            # work runs on one thread, so connections are reused and nothing leaks.
            server = daphne(
                OUT / "logs", name=f"daphne-ws-{name}-{sockets}", app=app, BENCH_CONN_MAX_AGE="60"
            )
            try:
                log(f"alert latency, {name}, {sockets} sockets")
                results[name][str(sockets)] = bench_alerts(
                    server, prep, sockets=sockets, alerts=args.alerts, interval=args.interval
                )
            finally:
                server.stop()
    return results


# --- summary ----------------------------------------------------------------------------------------
def verdict(value: float, target: float, higher_is_better: bool = True) -> str:
    if value != value:
        return "n/a"
    ok = value >= target if higher_is_better else value <= target
    return "PASS" if ok else "FAIL"


def fmt(value, spec: str = ".1f") -> str:
    if value is None or value != value:
        return "-"
    return format(value, spec)


def summary_text(results: dict, args) -> str:
    lines = []
    meta = results["meta"]
    lines.append(
        f"Issue 6 benchmarks · {meta['started']} · {meta['cpus']} CPUs · load average at start "
        f"{meta['loadavg_start']} · PostgreSQL {meta['postgres']}"
    )
    tiles = results.get("tiles")
    if tiles:
        lines.append("")
        lines.append(
            f"TILES: {results['meta']['points']:,} points; {tiles['rounds']} interleaved rounds of "
            f"{tiles['duration_s']} s, medians; HTTP via wrk (1 thread, {tiles['http_connections']} keep-alive "
            f"connections); floor = pgbench ({tiles['pgbench_clients']} clients) running the exact SQL of our endpoint"
        )
        header = (
            f"{'zoom':4} {'system':10} {'tiles/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'bytes/tile':>10} "
            f"{'feat/tile':>9} {'srv CPU ms/tile':>15} {'errors':>6}"
        )
        lines.append(header)
        lines.append("-" * len(header))
        for z, zoom in tiles["zooms"].items():
            for name, row in zoom["summary"].items():
                lines.append(
                    f"z{z:<3} {name:10} {fmt(row['tiles_s']):>8} {fmt(row['p50_ms']):>8} {fmt(row['p95_ms']):>8} "
                    f"{fmt(row.get('bytes_per_tile'), ',.0f'):>10} {fmt(zoom['features_per_tile'], ',.0f'):>9} "
                    f"{fmt(row.get('server_cpu_ms_per_tile'), '.2f'):>15} {row['errors']:>6}"
                )
        lines.append("")
        lines.append("Tile ratios (throughput, median of per-round ratios):")
        for z, zoom in tiles["zooms"].items():
            for key, value in zoom["ratios"].items():
                target = ""
                if z == "14" and key == "ours_vs_floor":
                    target = f"  target ≥ {TARGET_FLOOR_Z14:.2f}  {verdict(value, TARGET_FLOOR_Z14)}"
                elif z == "14" and key == "ours_vs_tipg":
                    target = f"  target ≥ {TARGET_TIPG_Z14:.2f}  {verdict(value, TARGET_TIPG_Z14)}"
                elif key.startswith(("ours_pool", "ours_wsgi")):
                    target = "  (proposed fix, not the current code)"
                lines.append(f"  z{z:<3} {key:22} {value:6.2f}×{target}")
            lines.append(f"  z{z:<3} ETag = md5 of the floor's tile: {zoom['etag_equals_floor_md5']}")
        pg = tiles.get("pg_defaults")
        if pg:
            lines.append(
                f"  floor with PostgreSQL defaults ({pg['settings']}), z{pg['zoom']}: "
                f"{pg['tiles_s']:.1f} tiles/s = {pg['vs_tuned_floor']:.2f}× the floor above "
                "(the bench database sets jit=off, max_parallel_workers_per_gather=0)"
            )
    geo = results.get("geojson")
    if geo:
        g = geo["geojson"]
        lines.append("")
        lines.append(
            f"GEOJSON vs TILES: bbox {','.join(str(v) for v in geo['bbox'])} holding {geo['features_in_bbox']:,} "
            f"features (GeoJSON returned {g['features']:,})"
        )
        header = (
            f"{'answer':26} {'features':>8} {'bytes':>11} {'gzip bytes':>11} {'B/feat':>6} {'time ms':>9} "
            f"{'bytes ×':>8} {'gzip ×':>7} {'time ×':>7}"
        )
        lines.append(header)
        lines.append("-" * len(header))
        lines.append(
            f"{'GeoJSON (1 request)':26} {g['features']:>8,} {g['bytes']:>11,} {g['gzip_bytes']:>11,} "
            f"{g['bytes_per_feature']:>6.0f} {fmt(g['p50_ms']):>9} {'1.00':>8} {'1.00':>7} {'1.00':>7}"
        )
        for z, t in geo["tiles"].items():
            label = f"z{z} tiles x{t['tiles']}, sequential"
            lines.append(
                f"{label:26} {t['features']:>8,} {t['bytes']:>11,} {t['gzip_bytes']:>11,} "
                f"{t['bytes_per_feature']:>6.0f} {fmt(t['sequential_p50_ms']):>9} {t['bytes_vs_geojson']:>8.2f} "
                f"{t['gzip_bytes_vs_geojson']:>7.2f} {t['sequential_time_vs_geojson']:>7.2f}"
            )
            label = f"z{z} tiles x{t['tiles']}, {t['parallel_connections']} conns"
            lines.append(
                f"{label:26} {'':>8} {'':>11} {'':>11} {'':>6} "
                f"{fmt(t['parallel_p50_ms']):>9} {'':>8} {'':>7} {t['parallel_time_vs_geojson']:>7.2f}"
            )
    alerts = results.get("alerts")
    if alerts:
        lines.append("")
        lines.append(
            "ALERT LATENCY: commit → receipt on every socket, one Daphne each (first alert is a warm-up; "
            "ours_wsfix = proposed fix, not the current code)"
        )
        header = (
            f"{'variant':10} {'sockets':>7} {'ready':>6} {'connect s':>9} {'alerts':>6} {'deliveries':>10} "
            f"{'missing':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'target p95':>10} {'':5}"
        )
        lines.append(header)
        lines.append("-" * len(header))
        for name, by_count in alerts.items():
            for n, a in by_count.items():
                target = TARGET_ALERT_P95_MS.get(int(n))
                ok = verdict(a["p95_ms"], target, higher_is_better=False) if target else ""
                if a["missing_deliveries"] or a["sockets_ready"] < a["sockets"]:
                    ok = "FAIL"
                lines.append(
                    f"{name:10} {n:>7} {a['sockets_ready']:>6} {a['connect_s']:>9.1f} {a['alerts']:>6} "
                    f"{a['deliveries']:>10} {a['missing_deliveries']:>7} {fmt(a['p50_ms']):>8} "
                    f"{fmt(a['p95_ms']):>8} {fmt(a['max_ms']):>8} {(f'≤ {target}' if target else '-'):>10} {ok:5}"
                )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", default="tiles,geojson,alerts", help="comma-separated parts to run")
    parser.add_argument("--zooms", default="14,16")
    parser.add_argument("--tiles-per-zoom", type=int, default=100, help="pgbench takes at most 128 scripts")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=8, help="seconds per measured run")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--connections", type=int, default=4, help="HTTP keep-alive connections (wrk)")
    parser.add_argument("--pg-clients", type=int, default=2, help="pgbench clients (the floor)")
    parser.add_argument(
        "--variants",
        action="store_true",
        help="also measure ours_pool, ours_wsgi and ours_wsfix (alternatives measured before the fixes landed)",
    )
    parser.add_argument("--geojson-repeats", type=int, default=10)
    parser.add_argument("--sockets", default="200,1000")
    parser.add_argument("--alerts", type=int, default=5, help="measured alerts per socket count")
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between alerts")
    args = parser.parse_args()
    parts = {p.strip() for p in args.only.split(",") if p.strip()}

    OUT.mkdir(parents=True, exist_ok=True)
    raise_open_files_limit(8192)
    prep = prepare(args)
    results: dict = {
        "meta": {
            "started": time.strftime("%Y-%m-%d %H:%M:%S"),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "loadavg_start": " ".join(Path("/proc/loadavg").read_text().split()[:3]),
            "postgres": psql_value("SHOW server_version"),
            "postgis": psql_value("SELECT postgis_lib_version()"),
            "points": prep["points"],
            "args": vars(args),
        }
    }
    if "tiles" in parts:
        results["tiles"] = run_tiles(prep, args)
        write_json(OUT / "results.json", results)
    if "geojson" in parts:
        results["geojson"] = run_geojson(prep, args)
        write_json(OUT / "results.json", results)
    if "alerts" in parts:
        results["alerts"] = run_alerts(prep, args)
    results["meta"]["loadavg_end"] = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    write_json(OUT / "results.json", results)
    text = summary_text(results, args)
    (OUT / "summary.txt").write_text(text + "\n")
    print()
    print(text)
    print(f"\n(full figures: {OUT / 'results.json'})")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
