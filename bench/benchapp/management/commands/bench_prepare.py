"""Prepare the benchmarks: data (once), a signed-in user, tile lists and the pgbench scripts.

Writes ``<out>/prepare.json`` for ``bench/run.py``. The 1,000,000 points are loaded only when the
table does not already hold exactly that many rows (same seed, so the same points every time).

The pgbench scripts hold **the exact SQL our endpoint sends**: ``gis.selectors.layers.layer_tile`` is
called for each sampled tile under ``CaptureQueriesContext`` and the statement psycopg2 sent (values
already interpolated client-side, as psycopg2 always does) is written out verbatim, one script per
tile. The md5 of each result is kept, so the run can check that the endpoint's ETag (the md5 of its
body) matches what the database floor produced.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.management.base import BaseCommand
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.module_loading import import_string

from accounts.models import User
from bench.benchapp.layers import LAYER_KEY, LEVELS
from bench.benchapp.models import BenchPoint
from emergency.models import Alert
from emergency.services.alerts import alert_raise
from gis.catalogue import layer_get
from gis.selectors.layers import layer_tile

# ~40 km box around Zhuhai (WGS 84).
WEST, SOUTH, EAST, NORTH = 113.3, 22.0, 113.7, 22.4
TABLE = BenchPoint._meta.db_table
TIPG_COLLECTION = f"public.{TABLE}"
BENCH_USERNAME = "bench"


def lonlat_to_tile(lon: float, lat: float, z: int) -> tuple[float, float]:
    n = 2**z
    x = (lon + 180.0) / 360.0 * n
    y = (1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n
    return x, y


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    n = 2**z

    def lat(ty: float) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * ty / n))))

    return x / n * 360.0 - 180.0, lat(y + 1), (x + 1) / n * 360.0 - 180.0, lat(y)


def interior_tiles(z: int) -> tuple[range, range]:
    """x and y ranges of the tiles lying wholly inside the data box."""
    x0, y0 = lonlat_to_tile(WEST, NORTH, z)
    x1, y1 = lonlat_to_tile(EAST, SOUTH, z)
    return range(math.ceil(x0), math.floor(x1)), range(math.ceil(y0), math.floor(y1))


def covering_tiles(bbox: tuple[float, float, float, float], z: int) -> list[tuple[int, int, int]]:
    west, south, east, north = bbox
    x0, y0 = lonlat_to_tile(west, north, z)
    x1, y1 = lonlat_to_tile(east, south, z)
    return [(z, x, y) for x in range(int(x0), int(x1) + 1) for y in range(int(y0), int(y1) + 1)]


class Command(BaseCommand):
    help = "Load the bench points (once), sign in a bench user and write tile lists and pgbench scripts."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True)
        parser.add_argument("--points", type=int, default=1_000_000)
        parser.add_argument("--zooms", default="14,16")
        parser.add_argument("--tiles-per-zoom", type=int, default=100)
        parser.add_argument("--geojson-features", type=int, default=4000)
        parser.add_argument("--seed", type=int, default=42)

    def handle(self, *args, out: str, points: int, zooms: str, tiles_per_zoom: int, **options):
        out_dir = Path(out)
        out_dir.mkdir(parents=True, exist_ok=True)
        seed = options["seed"]
        loaded = self.ensure_points(points, seed)
        user, session_key = self.sign_in()
        layer = layer_get(LAYER_KEY)
        rng = random.Random(seed)

        result: dict = {
            "layer": LAYER_KEY,
            "table": TABLE,
            "tipg_collection": TIPG_COLLECTION,
            "points": points,
            "loaded_now": loaded,
            "box": [WEST, SOUTH, EAST, NORTH],
            "session_key": session_key,
            "session_cookie": settings.SESSION_COOKIE_NAME,
            "zooms": {},
        }
        for z in (int(v) for v in zooms.split(",")):
            xs, ys = interior_tiles(z)
            every = [(x, y) for x in xs for y in ys]
            tiles = rng.sample(every, min(tiles_per_zoom, len(every)))
            script_dir = out_dir / "pgbench" / f"z{z}"
            script_dir.mkdir(parents=True, exist_ok=True)
            for old in script_dir.glob("*.sql"):
                old.unlink()
            entries = []
            for i, (x, y) in enumerate(tiles):
                sql, body = self.capture_tile_sql(layer, user, z, x, y)
                path = script_dir / f"t{i:03d}.sql"
                path.write_text(sql.rstrip().rstrip(";") + ";\n")
                entries.append(
                    {
                        "z": z,
                        "x": x,
                        "y": y,
                        "script": str(path),
                        "md5": hashlib.md5(body, usedforsecurity=False).hexdigest(),
                        "bytes": len(body),
                        "features": self.count_in_tile(z, x, y),
                    }
                )
            result["zooms"][str(z)] = {"interior_tiles": len(every), "tiles": entries}

        result["geojson"] = self.geojson_box(options["geojson_features"], points, rng)
        result["alerts_in_snapshot"] = self.ensure_alerts()
        (out_dir / "prepare.json").write_text(json.dumps(result, indent=1))
        self.stdout.write(f"prepared: {out_dir / 'prepare.json'}")

    # --- data ------------------------------------------------------------------------------------
    def ensure_points(self, points: int, seed: int) -> bool:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {TABLE}")
            (count,) = cursor.fetchone()
            if count == points:
                self.stdout.write(f"{TABLE}: {count:,} points already loaded; not reloading")
                return False
            self.stdout.write(f"{TABLE}: {count:,} rows; loading {points:,} points …")
            started = time.monotonic()
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename = %s AND indexdef ILIKE %s",
                [TABLE, "%USING gist%"],
            )
            gist = [row[0] for row in cursor.fetchall()]
            for name in gist:
                cursor.execute(f'DROP INDEX "{name}"')
            cursor.execute(f"TRUNCATE {TABLE} RESTART IDENTITY")
            # setseed() makes random() repeatable: the same points on every machine.
            cursor.execute("SELECT setseed(%s)", [((seed % 1000) / 1000.0)])
            cursor.execute(
                f"INSERT INTO {TABLE} (name, level, value, geom) "
                "SELECT 'P' || g, (%s::text[])[1 + g %% %s], round((random() * 100)::numeric, 2)::float8, "
                "ST_SetSRID(ST_MakePoint(%s + random() * %s, %s + random() * %s), 4326) "
                "FROM generate_series(1, %s) g",
                [list(LEVELS), len(LEVELS), WEST, EAST - WEST, SOUTH, NORTH - SOUTH, points],
            )
            for name in gist or [f"{TABLE}_geom_gist"]:
                cursor.execute(f'CREATE INDEX "{name}" ON {TABLE} USING gist (geom)')
            cursor.execute(f"VACUUM (ANALYZE) {TABLE}")
        self.stdout.write(f"loaded in {time.monotonic() - started:.1f} s")
        return True

    def sign_in(self) -> tuple[User, str]:
        """A plain active user (no role: the bench layer and "all" alerts are for everyone) and a
        fresh session, as a browser would have after logging in."""
        user, _created = User.objects.get_or_create(username=BENCH_USERNAME)
        if user.has_usable_password() or not user.is_active:
            user.set_unusable_password()
            user.is_active = True
            user.save()
        store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.set_expiry(4 * 3600)
        store.save()
        return user, store.session_key

    def ensure_alerts(self) -> int:
        """A connecting screen is sent the LIVE_SNAPSHOT_ALERTS most recent alerts; keep at least that
        many, so every run's sockets do the same work on connecting as a screen in service would."""
        wanted = settings.LIVE_SNAPSHOT_ALERTS
        count = Alert.objects.count()
        for i in range(count, wanted):
            alert_raise(kind="test", level="blue", title=f"bench filler #{i}")
        return min(max(count, wanted), wanted)

    # --- tiles -----------------------------------------------------------------------------------
    def capture_tile_sql(self, layer, user: User, z: int, x: int, y: int) -> tuple[str, bytes]:
        with CaptureQueriesContext(connection) as captured:
            body = layer_tile(layer, user=user, z=z, x=x, y=y)
        statements = [q["sql"] for q in captured.captured_queries if "ST_AsMVT(" in q["sql"]]
        if len(statements) != 1:
            raise RuntimeError(f"expected one ST_AsMVT statement for {z}/{x}/{y}, got {len(statements)}")
        return statements[0], body

    def count_in_tile(self, z: int, x: int, y: int) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                # A Web Mercator tile is a longitude/latitude rectangle too, so this uses the index.
                f"SELECT count(*) FROM {TABLE} WHERE geom && ST_Transform(ST_TileEnvelope(%s, %s, %s), 4326)",
                [z, x, y],
            )
            return cursor.fetchone()[0]

    # --- GeoJSON vs tiles ------------------------------------------------------------------------
    def geojson_box(self, features: int, points: int, rng: random.Random) -> dict:
        """A box, not aligned to any tile, expected to hold ``features`` points."""
        density = points / ((EAST - WEST) * (NORTH - SOUTH))
        side = math.sqrt(features / density)
        west = round(WEST + 0.1 + rng.random() * 0.15, 6)
        south = round(SOUTH + 0.1 + rng.random() * 0.15, 6)
        bbox = (west, south, round(west + side, 6), round(south + side, 6))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM {TABLE} WHERE geom && ST_MakeEnvelope(%s, %s, %s, %s, 4326)", bbox
            )
            count = cursor.fetchone()[0]
        return {
            "bbox": bbox,
            "features": count,
            "tiles": {str(z): covering_tiles(bbox, z) for z in (14, 15)},
            "tile_features": {
                str(z): sum(self.count_in_tile(*tile) for tile in covering_tiles(bbox, z)) for z in (14, 15)
            },
        }
