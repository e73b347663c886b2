"""Demo feed sources, pulling from ``manage.py feed_simulator`` on localhost (``make demo`` runs it),
and the periodic tasks that drive them. Safe to run again: sources are matched by short name."""

from __future__ import annotations

from django.db import transaction
from django_celery_beat.models import CrontabSchedule

from accounts.models import Organisation
from core.demo import DemoContext, register_demo_loader
from ingest import conf
from ingest.choices import DataKind, Transport
from ingest.models import Source
from ingest.services.schedules import ingest_periodic_tasks_ensure, interval_every
from ingest.services.sources import source_push_token_issue

RAIN_CSV = {
    "format": "csv",
    "station": "站码",
    "time": "时间",
    "variable": "rain",
    "value": "雨量",
    "unit": "mm",
}
LEVELS_XLSX = {
    "format": "excel",
    "station": "站码",
    "time": "观测时间",
    "variable": {"column": "要素", "map": {"WL": "water_level", "TL": "tide_level", "RL": "reservoir_level"}},
    "value": "水位",
    "unit": "cm",
}
WIND_JSON = {
    "format": "json",
    "json": {"records": "data.obs"},
    "station": "stationId",
    "time": "obsTime",
    "values": {
        "windSpeed": {"variable": "wind_speed", "unit": "km/h"},
        "windDir": {"variable": "wind_direction", "unit": "deg"},
        "gust": {"variable": "wind_gust", "unit": "km/h"},
    },
}

# (slug, name, department code, data kind, adapter, settings, transport, path or folder,
#  time zone, schedule (seconds, or a crontab dict), late after minutes)
DEMO_SOURCES = [
    ("water-rain", "水务局 雨量（CSV，北京时间）", "demo-water", DataKind.RAINFALL, "observation_table", RAIN_CSV,
     Transport.HTTP, "/water/rain.csv", "Asia/Shanghai", 300, 20),
    ("water-levels", "水务局 水位（Excel，北京时间）", "demo-water", DataKind.WATER_LEVEL, "observation_table",
     LEVELS_XLSX, Transport.HTTP, "/water/levels.xlsx", "Asia/Shanghai", 600, 40),
    ("weather-wind", "气象局 风（JSON，UTC）", "demo-weather", DataKind.WIND, "observation_table", WIND_JSON,
     Transport.HTTP, "/weather/wind.json", "UTC", 600, 40),
    ("weather-cap", "气象局 预警（CAP 1.2）", "demo-weather", DataKind.WARNINGS, "cap", {"alerts_outside_city": False},
     Transport.HTTP, "/cap/zhuhai.xml", "Asia/Shanghai", 120, 15),
    ("cap-examples", "CAP 示例（OASIS / NSW RFS）", "demo-weather", DataKind.WARNINGS, "cap",
     {"alerts_outside_city": False}, Transport.HTTP, "/cap/examples.xml", "UTC", 3600, 180),
    ("usgs-quakes", "USGS 地震目录（过去一天）", "demo-natres", DataKind.EARTHQUAKES, "usgs_geojson", {},
     Transport.HTTP, "/usgs/all_day.geojson", "UTC", 300, 30),
    ("hko-monthly", "香港天文台 月气候要素", "demo-weather", DataKind.CLIMATE, "hko_monthly", {},
     Transport.HTTP, "/hko/monthly.json", "Asia/Hong_Kong", {"minute": "30", "hour": "6"}, 36 * 60),
    ("weather-push", "气象局 预警推送（CAP）", "demo-weather", DataKind.WARNINGS, "cap", {"alerts_outside_city": False},
     Transport.PUSH, "", "Asia/Shanghai", None, None),
    ("water-drop", "水务局 雨量文件投递（CSV）", "demo-water", DataKind.RAINFALL, "observation_table", RAIN_CSV,
     Transport.DIRECTORY, "water", "Asia/Shanghai", 60, None),
]  # fmt: skip


@register_demo_loader("feed sources", order=40)
def load_sources(ctx: DemoContext) -> None:
    ingest_periodic_tasks_ensure()
    departments = {o.code: o for o in Organisation.objects.filter(code__in={row[2] for row in DEMO_SOURCES})}
    base = conf.simulator_url().rstrip("/")
    created = 0
    for (
        slug,
        name,
        department,
        kind,
        adapter,
        settings,
        transport,
        where,
        zone,
        schedule,
        late,
    ) in DEMO_SOURCES:
        interval = crontab = None
        if isinstance(schedule, int):
            interval = interval_every(schedule)
        elif isinstance(schedule, dict):
            crontab, _new = CrontabSchedule.objects.get_or_create(timezone="Asia/Shanghai", **schedule)
        source, was_created = Source.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "department": departments[department],
                "data_kind": kind,
                "adapter": adapter,
                "settings": settings,
                "transport": transport,
                "url": base + where if transport == Transport.HTTP else "",
                "directory": where if transport == Transport.DIRECTORY else "",
                "timezone": zone,
                "interval": interval,
                "crontab": crontab,
                "late_after_minutes": late,
                "timeout_seconds": 20,
            },
        )
        created += was_created
        if transport == Transport.PUSH and not source.push_token_hash:
            with transaction.atomic():
                token = source_push_token_issue(source=source)
            ctx.say(f"push token of {slug} (shown only now): {token}")
            ctx.say(
                f"  curl -H 'Authorization: Bearer {token}' --data-binary @alert.xml http://127.0.0.1:8000/api/ingest/sources/{slug}/push/"
            )
    ctx.say(
        f"{len(DEMO_SOURCES)} feed sources ({created} new) pulling from {base} (run `manage.py feed_simulator`)"
    )
    ctx.say(f"files for the water-drop source go into {conf.drop_root() / 'water'}")
