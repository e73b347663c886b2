"""Demo stations in Zhuhai. Names and positions were written by the project for the demo (rounded
WGS 84 positions near real places); they are not an official station list."""

from __future__ import annotations

from django.contrib.gis.geos import Point

from accounts.models import Organisation
from core.demo import DemoContext, register_demo_loader
from sanfang.choices import StationKind as K
from sanfang.models import Station
from sanfang.services.stations import station_upsert

DEMO_SOURCE = "演示站点（项目自拟位置）"

# (code, name, kind, lng, lat, owner organisation code)
DEMO_STATIONS: list[tuple[str, str, str, float, float, str]] = [
    ("ZH-R01", "香洲雨量站", K.RAIN, 113.553, 22.271, "demo-water"),
    ("ZH-R02", "唐家湾雨量站", K.RAIN, 113.590, 22.355, "demo-water"),
    ("ZH-R03", "井岸雨量站", K.RAIN, 113.295, 22.210, "demo-water"),
    ("ZH-R04", "三灶雨量站", K.RAIN, 113.370, 22.060, "demo-water"),
    ("ZH-R05", "红旗雨量站", K.RAIN, 113.400, 22.140, "demo-water"),
    ("ZH-H01", "灯笼山水位站", K.RIVER, 113.397, 22.238, "demo-water"),
    ("ZH-H02", "白蕉水位站", K.RIVER, 113.330, 22.180, "demo-water"),
    ("ZH-T01", "香洲潮位站", K.TIDE, 113.585, 22.280, "demo-water"),
    ("ZH-K01", "大镜山水库", K.RESERVOIR, 113.530, 22.300, "demo-water"),
    ("ZH-W01", "珠海气象站", K.WIND, 113.575, 22.265, "demo-weather"),
    ("ZH-W02", "横琴气象站", K.WIND, 113.530, 22.120, "demo-weather"),
    ("ZH-G01", "白蕉联围排涝站", K.WORKS, 113.335, 22.175, "demo-water"),
    # The Hong Kong Observatory's headquarters, for the real HKO monthly climate file.
    ("HKO-HQ", "香港天文台总部", K.RAIN, 114.174, 22.302, ""),
]


DEMO_THRESHOLDS = {
    "ZH-H01": ("water_level", 2.0, 2.8),
    "ZH-H02": ("water_level", 2.5, 3.2),
    "ZH-T01": ("tide_level", 2.2, 2.8),
    "ZH-K01": ("reservoir_level", 46.0, 47.5),
}


@register_demo_loader("stations", order=30)
def load_stations(ctx: DemoContext) -> None:
    owners = {o.code: o for o in Organisation.objects.filter(code__in={row[5] for row in DEMO_STATIONS})}
    created = 0
    for code, name, kind, lng, lat, owner in DEMO_STATIONS:
        _station, was_created = station_upsert(
            code=code,
            name=name,
            kind=kind,
            location=Point(lng, lat, srid=4326),
            owner=owners.get(owner),
            source=DEMO_SOURCE,
        )
        created += was_created
    # Made-up warning and danger levels (not the owners' official ones), so the demo screen has
    # something to judge: the simulated river level sits above ZH-H01's warning level.
    for code, (variable, warning, danger) in DEMO_THRESHOLDS.items():
        Station.objects.filter(code=code).update(
            threshold_variable=variable, warning_value=warning, danger_value=danger
        )
    ctx.say(f"{len(DEMO_STATIONS)} stations ({created} new)")


# The impact part's synthetic registries register their own loader.
from sanfang import demo_registries  # noqa: E402, F401
