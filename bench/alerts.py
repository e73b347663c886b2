"""Alert latency: from the commit of ``alert_raise`` to receipt on every connected ``/ws/live/`` socket.

N sockets (one asyncio process, the ``websockets`` client) connect to one Daphne with the bench user's
session cookie and an allowed Origin, send ``{"type": "sync", "last_id": null}`` and wait for
``synced``. A separate process (``bench.raise_alerts``) then raises alerts a second apart and prints
each one's commit time; every socket stamps each ``{"type": "alert", "new": true}`` it receives.
Latency = receipt − commit, per socket and alert; the first alert is a warm-up and is not counted.
Both clocks are this machine's ``time.time()``.
"""

from __future__ import annotations

import asyncio
import json
import resource
import subprocess
import sys
import time
from collections import defaultdict

import websockets

from bench.common import VENV_PY, Server, django_env, log, percentile

CONNECT_CONCURRENCY = 25


def raise_open_files_limit(wanted: int) -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


class Screens:
    def __init__(self) -> None:
        self.ready = 0
        self.failed: list[str] = []
        self.received: dict[int, list[float]] = defaultdict(list)
        self.sockets: list = []

    async def screen(
        self, url: str, headers: dict, gate: asyncio.Semaphore, all_ready: asyncio.Event, n: int
    ):
        try:
            async with gate:
                ws = await websockets.connect(
                    url, additional_headers=headers, open_timeout=60, compression=None, max_size=None
                )
                await ws.send(json.dumps({"type": "sync", "last_id": None}))
                while True:
                    message = json.loads(await asyncio.wait_for(ws.recv(), 60))
                    if message.get("type") == "synced":
                        break
        except Exception as exc:  # noqa: BLE001  (a failed socket is counted and reported)
            self.failed.append(f"{type(exc).__name__}: {exc}")
            if self.ready + len(self.failed) >= n:
                all_ready.set()
            return
        self.ready += 1
        self.sockets.append(ws)
        if self.ready + len(self.failed) >= n:
            all_ready.set()
        try:
            async for raw in ws:
                now = time.time()
                message = json.loads(raw)
                if message.get("type") == "alert" and message.get("new"):
                    self.received[message["alert"]["id"]].append(now)
        except websockets.ConnectionClosedError as exc:
            self.failed.append(f"closed: {exc}")

    async def close_all(self) -> None:
        await asyncio.gather(*(ws.close() for ws in self.sockets), return_exceptions=True)


async def _scenario(server: Server, prep: dict, sockets: int, alerts: int, interval: float) -> dict:
    url = f"ws://127.0.0.1:{server.port}/ws/live/"
    headers = {
        "Cookie": f"{prep['session_cookie']}={prep['session_key']}",
        "Origin": f"http://127.0.0.1:{server.port}",
    }
    screens = Screens()
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)
    all_ready = asyncio.Event()
    started = time.monotonic()
    tasks = [
        asyncio.create_task(screens.screen(url, headers, gate, all_ready, sockets)) for _ in range(sockets)
    ]
    try:
        await asyncio.wait_for(all_ready.wait(), timeout=300)
    except TimeoutError:
        log(f"only {screens.ready}/{sockets} sockets ready after 300 s")
    connect_s = time.monotonic() - started
    log(f"{screens.ready}/{sockets} sockets synced in {connect_s:.1f} s; raising {alerts + 1} alerts")
    await asyncio.sleep(1.0)

    proc = await asyncio.create_subprocess_exec(
        str(VENV_PY),
        "-m",
        "bench.raise_alerts",
        "--count",
        str(alerts + 1),
        "--interval",
        str(interval),
        "--tag",
        f"{sockets}-sockets",
        env=django_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    out, err = await proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"raise_alerts failed:\n{err.decode()[-3000:]}")
    raised = [json.loads(line) for line in out.decode().splitlines() if line.startswith("{")]
    # Give the last alert time to reach every socket.
    deadline = time.monotonic() + 10
    last = raised[-1]["id"]
    while time.monotonic() < deadline and len(screens.received.get(last, [])) < screens.ready:
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.2)
    await screens.close_all()
    await asyncio.gather(*tasks, return_exceptions=True)

    latencies: list[float] = []
    per_alert = []
    missing = 0
    for item in raised[1:]:  # the first one warms the path up
        got = [(t - item["t_commit"]) * 1000 for t in screens.received.get(item["id"], [])]
        missing += screens.ready - len(got)
        latencies += got
        per_alert.append(
            {
                "id": item["id"],
                "received": len(got),
                "commit_to_sent_ms": (item["t_sent"] - item["t_commit"]) * 1000,
                "p50_ms": percentile(got, 50),
                "max_ms": max(got) if got else float("nan"),
            }
        )
    return {
        "sockets": sockets,
        "sockets_ready": screens.ready,
        "socket_failures": len(screens.failed),
        "failure_examples": sorted(set(screens.failed))[:3],
        "connect_s": connect_s,
        "alerts": len(raised) - 1,
        "deliveries": len(latencies),
        "missing_deliveries": missing,
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "max_ms": max(latencies) if latencies else float("nan"),
        "per_alert": per_alert,
    }


def bench_alerts(server: Server, prep: dict, *, sockets: int, alerts: int, interval: float) -> dict:
    limit = raise_open_files_limit(sockets * 2 + 1024)
    if limit < sockets + 256:
        print(f"open-file limit {limit} is too low for {sockets} sockets", file=sys.stderr)
    return asyncio.run(_scenario(server, prep, sockets, alerts, interval))
