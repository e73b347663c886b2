"""Fixtures of the ingest tests: a department, stations, sources, the feed simulator (a real HTTP
server on localhost, in a thread) and Celery tasks run in-process."""

from __future__ import annotations

import threading
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.gis.geos import Point

from ingest.choices import RunTrigger
from ingest.models import Source
from ingest.services.runs import run_open, run_process
from ingest.simulator import FeedSimulator
from sanfang.models import Station
from tests.factories import OrganisationFactory

STATIONS = [
    ("ZH-R01", "rain", 113.553, 22.271),
    ("ZH-R02", "rain", 113.590, 22.355),
    ("ZH-R03", "rain", 113.295, 22.210),
    ("ZH-R04", "rain", 113.370, 22.060),
    ("ZH-R05", "rain", 113.400, 22.140),
    ("ZH-H01", "river", 113.397, 22.238),
    ("ZH-H02", "river", 113.330, 22.180),
    ("ZH-G01", "works", 113.335, 22.175),
    ("ZH-T01", "tide", 113.585, 22.280),
    ("ZH-K01", "reservoir", 113.530, 22.300),
    ("ZH-W01", "wind", 113.575, 22.265),
    ("ZH-W02", "wind", 113.530, 22.120),
]


@pytest.fixture
def department(db):
    return OrganisationFactory(name="珠海市水务局", code="water")


@pytest.fixture
def stations(db):
    return {
        code: Station.objects.create(code=code, name=code, kind=kind, geom=Point(lng, lat, srid=4326))
        for code, kind, lng, lat in STATIONS
    }


@pytest.fixture
def make_source(department):
    counter = iter(range(1, 10_000))

    def make(**fields) -> Source:
        n = next(counter)
        defaults = {
            "name": f"测试数据源{n}",
            "slug": f"test-source-{n}",
            "department": department,
            "data_kind": "rainfall",
            "adapter": "observation_table",
            "settings": {},
            "transport": "http",
            "url": "http://127.0.0.1:9/",
            "timezone": "Asia/Shanghai",
            "timeout_seconds": 5,
        }
        source = Source(**(defaults | fields))
        source.full_clean()
        source.save()
        return source

    return make


@pytest.fixture
def ingest():
    """Run one payload through an adapter like ``ingest_file`` does; returns the finished run."""

    def run(
        adapter: str, payload: bytes, *, settings: dict | None = None, source: Source | None = None, zone=None
    ):
        opened = run_open(
            source=source,
            adapter=adapter,
            trigger=RunTrigger.FILE,
            settings=settings,
            origin="test",
            zone=zone,
        )
        return run_process(run=opened, payload=payload)

    return run


@pytest.fixture(scope="session")
def simulator():
    shared = Path(settings.SHARED_DATA_DIR)
    sim = FeedSimulator(shared_data_dir=shared if shared.is_dir() else None, stall_seconds=3)
    server = sim.server("127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield SimpleNamespace(url=f"http://127.0.0.1:{server.server_address[1]}", sim=sim)
    server.shutdown()
    server.server_close()


@pytest.fixture
def celery_eager():
    """Celery tasks run in this process when queued, like a worker would run them (a task's failure
    is its result, as in a worker, so that retries run through)."""
    from config.celery import app

    old = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, False
    yield app
    app.conf.task_always_eager, app.conf.task_eager_propagates = old
