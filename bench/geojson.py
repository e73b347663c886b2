"""GeoJSON vs tiles: one bounding box holding about 4,000 features, as our GeoJSON endpoint
(``/api/layers/<layer>/geojson/?bbox=w,s,e,n``) and as the vector tiles covering it (z14 and z15).

Bytes are reported raw and gzipped (level 6, what nginx would send). Times are wall-clock on the
client for the whole answer: one GeoJSON request, or every covering tile fetched over one keep-alive
connection (sequential) and over 4 (as a browser fetches tiles in parallel).
"""

from __future__ import annotations

import gzip
import http.client
import json
import time
from concurrent.futures import ThreadPoolExecutor

from bench.common import Server, log, median, percentile
from bench.tiles import ours_path


class Client:
    """One keep-alive HTTP connection."""

    def __init__(self, server: Server, headers: dict) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
        self.headers = headers

    def get(self, path: str) -> tuple[int, bytes]:
        self.conn.request("GET", path, headers=self.headers)
        response = self.conn.getresponse()
        return response.status, response.read()

    def close(self) -> None:
        self.conn.close()


def bench_geojson(prep: dict, *, server: Server, repeats: int, parallel: int = 4) -> dict:
    cookie = {"Cookie": f"{prep['session_cookie']}={prep['session_key']}"}
    box = prep["geojson"]
    bbox = ",".join(str(v) for v in box["bbox"])
    url = f"/api/layers/{prep['layer']}/geojson/?bbox={bbox}"
    client = Client(server, cookie)
    try:
        status, body = client.get(url)
        if status != 200:
            raise RuntimeError(f"GeoJSON answered {status}: {body[:300]!r}")
        features = len(json.loads(body)["features"])
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            status, body = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        geojson = {
            "url": url,
            "bytes_per_feature": len(body) / max(features, 1),
            "features": features,
            "bytes": len(body),
            "gzip_bytes": len(gzip.compress(body, 6)),
            "p50_ms": median(times),
            "p95_ms": percentile(times, 95),
        }
    finally:
        client.close()
    log(f"GeoJSON: {features} features, {len(body):,} bytes, p50 {geojson['p50_ms']:.0f} ms")

    tiles_result = {}
    for z, tiles in box["tiles"].items():
        paths = [ours_path(prep["layer"], *tile) for tile in tiles]
        clients = [Client(server, cookie) for _ in range(parallel)]
        try:
            bodies = []
            for path in paths:
                status, body = clients[0].get(path)
                if status != 200:
                    raise RuntimeError(f"{path} answered {status}")
                bodies.append(body)
            sequential = []
            for _ in range(repeats):
                started = time.perf_counter()
                for path in paths:
                    clients[0].get(path)
                sequential.append((time.perf_counter() - started) * 1000)
            concurrent = []
            with ThreadPoolExecutor(parallel) as pool:
                for _ in range(repeats):
                    started = time.perf_counter()
                    chunks = [paths[i::parallel] for i in range(parallel)]
                    list(
                        pool.map(
                            lambda pair: [pair[0].get(p) for p in pair[1]], zip(clients, chunks, strict=True)
                        )
                    )
                    concurrent.append((time.perf_counter() - started) * 1000)
        finally:
            for c in clients:
                c.close()
        raw = sum(len(b) for b in bodies)
        zipped = sum(len(gzip.compress(b, 6)) for b in bodies)
        tiles_result[z] = {
            "tiles": len(paths),
            # Tiles cover whole tiles (plus a 64/4096 buffer), so they carry more than the box.
            "features": box["tile_features"][z],
            "bytes": raw,
            "gzip_bytes": zipped,
            "sequential_p50_ms": median(sequential),
            "parallel_p50_ms": median(concurrent),
            "parallel_connections": parallel,
            "bytes_per_feature": raw / max(box["tile_features"][z], 1),
            "bytes_vs_geojson": raw / geojson["bytes"],
            "gzip_bytes_vs_geojson": zipped / geojson["gzip_bytes"],
            "sequential_time_vs_geojson": median(sequential) / geojson["p50_ms"],
            "parallel_time_vs_geojson": median(concurrent) / geojson["p50_ms"],
        }
        log(
            f"tiles z{z}: {len(paths)} tiles, {raw:,} bytes, sequential {median(sequential):.0f} ms, "
            f"{parallel} connections {median(concurrent):.0f} ms"
        )
    return {
        "bbox": box["bbox"],
        "features_in_bbox": box["features"],
        "geojson": geojson,
        "tiles": tiles_result,
    }
