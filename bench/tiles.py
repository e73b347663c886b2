"""Tiles: our ``/tiles/<layer>/<z>/<x>/<y>.pbf`` under Daphne vs the database floor (pgbench running the
exact SQL our endpoint sends) vs tipg serving the same table, interleaved in one run.

Every system gets the same sampled tiles (``prepare.json``: tiles lying wholly inside the data box,
sampled with a fixed seed), picked at random per request with the same seed.
"""

from __future__ import annotations

import glob
import http.client
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from bench.common import (
    ROOT,
    TIPG_VENV,
    CpuProbe,
    Server,
    free_port,
    log,
    median,
    percentile,
    pg_args,
    start_server,
)

PG_DEFAULTS = "-c jit=on -c max_parallel_workers_per_gather=2"


# --- load generators ----------------------------------------------------------------------------
def run_pgbench(scripts: list[str], *, duration: int, clients: int, pgoptions: str | None = None) -> dict:
    """pgbench in simple-query mode: psycopg2 interpolates values client-side and sends plain text,
    so this is byte for byte what Django sends. One script per tile, picked at random."""
    logdir = Path(tempfile.mkdtemp(prefix="pgbench-"))
    argv = ["pgbench", *pg_args(), "-n", "-M", "simple", "-c", str(clients), "-j", str(clients)]
    argv += ["-T", str(duration), "-l", f"--log-prefix={logdir / 'tx'}"]
    for script in scripts:
        argv += ["-f", script]
    env = dict(os.environ)
    if pgoptions:
        env["PGOPTIONS"] = pgoptions
    try:
        with CpuProbe() as probe:
            out = subprocess.run(
                argv, capture_output=True, text=True, env=env, timeout=duration + 120, check=False
            )
        if out.returncode != 0:
            raise RuntimeError(f"pgbench failed:\n{out.stderr[-3000:]}")
        latencies = []
        for path in glob.glob(str(logdir / "tx*")):
            with open(path) as handle:
                latencies += [int(line.split()[2]) / 1000 for line in handle if line.strip()]
        tps = float(re.search(r"tps = ([\d.]+) \(without initial", out.stdout).group(1))
        failed = re.search(r"number of failed transactions: (\d+)", out.stdout)
        return {
            "tiles_s": tps,
            "requests": len(latencies),
            "errors": int(failed.group(1)) if failed else 0,
            "p50_ms": percentile(latencies, 50),
            "p95_ms": percentile(latencies, 95),
            "mean_ms": sum(latencies) / len(latencies) if latencies else float("nan"),
            "cpu": probe.result,
        }
    finally:
        shutil.rmtree(logdir, ignore_errors=True)


def run_wrk(
    server: Server, paths_file: Path, *, duration: int, connections: int, headers: dict, seed: int = 1
) -> dict:
    argv = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--timeout", "10s"]
    argv += ["-s", str(ROOT / "bench" / "tiles.lua")]
    for name, value in headers.items():
        argv += ["-H", f"{name}: {value}"]
    argv += [server.base, "--", str(paths_file), str(seed)]
    with CpuProbe(server.pid) as probe:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=duration + 60, check=False)
    match = re.search(r"WRK_JSON (\{.*\})", out.stdout)
    if out.returncode != 0 or not match:
        raise RuntimeError(f"wrk failed ({out.returncode}):\n{out.stdout[-2000:]}\n{out.stderr[-2000:]}")
    data = json.loads(match.group(1))
    seconds = data["duration_us"] / 1e6
    errors = sum(data[k] for k in ("connect_errors", "read_errors", "write_errors", "timeouts"))
    errors += data["status_errors"]
    ok = data["requests"] - data["status_errors"]
    return {
        "tiles_s": ok / seconds,
        "requests": data["requests"],
        "errors": errors,
        "p50_ms": data["lat_p50_us"] / 1000,
        "p95_ms": data["lat_p95_us"] / 1000,
        "mean_ms": data["lat_mean_us"] / 1000,
        "wire_bytes_per_response": data["bytes"] / max(data["requests"], 1),
        "cpu": probe.result,
    }


def fetch_each(server: Server, paths: list[str], headers: dict) -> list[dict]:
    """GET every path once over one keep-alive connection (also warms the server up)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    results = []
    try:
        for path in paths:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            body = response.read()
            results.append(
                {"status": response.status, "bytes": len(body), "etag": (response.getheader("ETag") or "")}
            )
    finally:
        conn.close()
    return results


# --- tipg -----------------------------------------------------------------------------------------
def start_tipg(log_dir: Path, database_url: str) -> Server:
    """tipg 1.x under uvicorn, one worker (like our one Daphne), tile buffer 64 like ours (its
    default is 256, which would make its tiles carry more points than ours)."""
    port = free_port()
    python = TIPG_VENV / "bin" / "python"
    out_home = log_dir
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", str(out_home)),
        "DATABASE_URL": database_url.replace("postgis://", "postgresql://", 1),
        "TIPG_DB_SCHEMAS": '["public"]',
        "TIPG_DB_TABLES": '["public.benchapp_benchpoint"]',
        "TIPG_TILE_BUFFER": "64",
        "TIPG_TILE_RESOLUTION": "4096",
        "TIPG_MAX_FEATURES_PER_TILE": "100000",
        "TIPG_DB_MAX_CONN_SIZE": "4",
    }
    argv = [str(python), "-m", "uvicorn", "tipg.main:app", "--host", "127.0.0.1", "--port", str(port)]
    argv += ["--no-access-log", "--log-level", "warning"]
    return start_server("tipg", argv, port=port, env=env, log_dir=log_dir, ready_path="/healthz")


def tipg_path(collection: str, z: int, x: int, y: int) -> str:
    return f"/collections/{collection}/tiles/WebMercatorQuad/{z}/{x}/{y}"


# --- the benchmark --------------------------------------------------------------------------------
def ours_path(layer: str, z: int, x: int, y: int) -> str:
    return f"/tiles/{layer}/{z}/{x}/{y}.pbf"


def bench_tiles(
    prep: dict,
    *,
    servers: dict[str, Server],
    out_dir: Path,
    rounds: int,
    duration: int,
    warmup: int,
    connections: int,
    pg_clients: int,
) -> dict:
    """``servers``: name → server; names starting with "ours" are our endpoint, "tipg" is tipg.

    Per zoom: check every sampled tile once on each server (status 200, bytes; our ETag must equal
    the md5 of the floor's result), warm up, then ``rounds`` rounds, each running every system once
    for ``duration`` seconds in a rotated order. Ratios are taken within a round, then the median.
    """
    cookie = {"Cookie": f"{prep['session_cookie']}={prep['session_key']}"}
    results: dict = {
        "rounds": rounds,
        "duration_s": duration,
        "http_connections": connections,
        "pgbench_clients": pg_clients,
        "zooms": {},
    }
    for z, zoom in prep["zooms"].items():
        tiles = zoom["tiles"]
        scripts = [t["script"] for t in tiles]
        n = len(tiles)
        systems = {
            "floor": lambda scripts=scripts: run_pgbench(scripts, duration=duration, clients=pg_clients)
        }
        checks: dict[str, list[dict]] = {}
        for name, server in servers.items():
            if name.startswith("ours"):
                paths = [ours_path(prep["layer"], t["z"], t["x"], t["y"]) for t in tiles]
                headers = cookie
            else:
                paths = [tipg_path(prep["tipg_collection"], t["z"], t["x"], t["y"]) for t in tiles]
                headers = {}
            paths_file = out_dir / f"paths-{name}-z{z}.txt"
            paths_file.write_text("\n".join(paths) + "\n")
            log(f"z{z}: checking {n} tiles on {name}")
            checks[name] = fetch_each(server, paths, headers)
            bad = [p for p, r in zip(paths, checks[name], strict=True) if r["status"] != 200]
            if bad:
                raise RuntimeError(f"{name}: non-200 answers, e.g. {bad[:3]}; see {server.log_path}")
            systems[name] = lambda server=server, paths_file=paths_file, headers=headers: run_wrk(
                server, paths_file, duration=duration, connections=connections, headers=headers
            )

        log(f"z{z}: warm-up, {warmup} s each")
        run_pgbench(scripts, duration=warmup, clients=pg_clients)
        for name, server in servers.items():
            run_wrk(
                server,
                out_dir / f"paths-{name}-z{z}.txt",
                duration=warmup,
                connections=connections,
                headers=cookie if name.startswith("ours") else {},
            )

        order = list(systems)
        runs: dict[str, list[dict]] = {name: [] for name in systems}
        for r in range(rounds):
            shift = r % len(order)
            for name in order[shift:] + order[:shift]:
                result = systems[name]()
                runs[name].append(result)
                log(
                    f"z{z} round {r + 1}/{rounds} {name:9s} {result['tiles_s']:7.1f} tiles/s  "
                    f"p50 {result['p50_ms']:6.1f} ms  p95 {result['p95_ms']:6.1f} ms  errors {result['errors']}"
                )

        def per_round(a: str, b: str, runs: dict = runs) -> list[float]:
            return [x["tiles_s"] / y["tiles_s"] for x, y in zip(runs[a], runs[b], strict=True)]

        ratios = {}
        for name in servers:
            ratios[f"{name}_vs_floor"] = per_round(name, "floor")
            if name != "tipg" and "tipg" in servers:
                ratios[f"{name}_vs_tipg"] = per_round(name, "tipg")
        summary: dict[str, dict] = {}
        for name, items in runs.items():
            row = {k: median([i[k] for i in items]) for k in ("tiles_s", "p50_ms", "p95_ms", "mean_ms")}
            row["errors"] = sum(i["errors"] for i in items)
            row["requests"] = sum(i["requests"] for i in items)
            for part in ("server_cpu", "loadgen_cpu", "machine_cpu"):
                values = [i["cpu"][part] for i in items if i["cpu"][part] is not None]
                row[part] = median(values) if values else None
            if row["server_cpu"] is not None:
                # CPU our (or tipg's) server process spends per tile: the part the floor does not pay.
                row["server_cpu_ms_per_tile"] = row["server_cpu"] / row["tiles_s"] * 1000
            summary[name] = row
        summary["floor"]["bytes_per_tile"] = sum(t["bytes"] for t in tiles) / n
        for name in servers:
            summary[name]["bytes_per_tile"] = sum(c["bytes"] for c in checks[name]) / n
        same = {
            name: sum(c["etag"].strip('"') == t["md5"] for c, t in zip(checks[name], tiles, strict=True))
            for name in servers
            if name.startswith("ours")
        }
        results["zooms"][z] = {
            "tiles_sampled": n,
            "interior_tiles": zoom["interior_tiles"],
            "features_per_tile": sum(t["features"] for t in tiles) / n,
            "etag_equals_floor_md5": {name: f"{count}/{n}" for name, count in same.items()},
            "summary": summary,
            "ratios": {k: median(v) for k, v in ratios.items()},
            "ratios_per_round": ratios,
            "runs": runs,
        }
    return results


def bench_pg_defaults(prep: dict, *, zoom: str, duration: int, pg_clients: int, tuned_floor: float) -> dict:
    """The floor again with PostgreSQL's stock planner settings, to show what they cost."""
    scripts = [t["script"] for t in prep["zooms"][zoom]["tiles"]]
    result = run_pgbench(scripts, duration=duration, clients=pg_clients, pgoptions=PG_DEFAULTS)
    result["settings"] = PG_DEFAULTS
    result["zoom"] = zoom
    result["vs_tuned_floor"] = result["tiles_s"] / tuned_floor
    return result
