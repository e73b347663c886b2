"""Synthetic impact registries for the demo: households to move, hazard points, protected targets,
info officers, and a few shelters, rescue teams and depots across Zhuhai's districts.

Everything here is made up by the project (names, people, phones, positions scattered around real
town centres) and labelled as synthetic in ``notes`` / the name; it is not an official register. The
random generator is seeded, so every demo database gets the same rows.
"""

from __future__ import annotations

import random

from django.contrib.gis.geos import Point

from accounts.models import Organisation
from core.demo import DemoContext, register_demo_loader
from emergency.models import Depot, RescueTeam, Shelter
from gis.models import AdminArea
from sanfang.choices import HazardKind, OfficerKind, PersonCategory, TargetKind
from sanfang.models import HazardPoint, InfoOfficer, PersonToMove, ProtectedTarget

SYNTHETIC = "演示数据（项目合成，非真实登记）"

# (district adcode, town, lon, lat) — approximate town centres, rounded.
TOWNS: list[tuple[str, str, float, float]] = [
    ("440402", "拱北街道", 113.555, 22.225),
    ("440402", "吉大街道", 113.570, 22.245),
    ("440402", "香湾街道", 113.560, 22.280),
    ("440402", "梅华街道", 113.545, 22.265),
    ("440402", "前山街道", 113.525, 22.245),
    ("440402", "湾仔街道", 113.530, 22.215),
    ("440402", "南屏镇", 113.505, 22.235),
    ("440402", "唐家湾镇", 113.585, 22.360),
    ("440403", "井岸镇", 113.295, 22.215),
    ("440403", "白蕉镇", 113.330, 22.175),
    ("440403", "斗门镇", 113.200, 22.225),
    ("440403", "乾务镇", 113.225, 22.150),
    ("440403", "莲洲镇", 113.250, 22.330),
    ("440404", "三灶镇", 113.370, 22.060),
    ("440404", "红旗镇", 113.400, 22.140),
    ("440404", "平沙镇", 113.190, 22.090),
    ("440404", "南水镇", 113.250, 22.040),
]
SURNAMES = "陈李张黄王林吴刘梁何郑杨周谭钟冯邓罗卢蔡"
GIVEN = "伟芳娜敏静强磊军洋勇艳杰涛明超秀英华平刚桂兰"
COUNTS = {"people": 1200, "hazards": 160, "targets": 90, "officers": 68}


def _phone(rng: random.Random) -> str:
    return "1" + rng.choice("3589") + "".join(rng.choice("0123456789") for _ in range(9))


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _near(rng: random.Random, lon: float, lat: float, spread: float = 0.012) -> Point:
    return Point(round(rng.gauss(lon, spread), 6), round(rng.gauss(lat, spread), 6), srid=4326)


def registries_generate(*, seed: int = 5, counts: dict[str, int] | None = None) -> dict[str, int]:
    """Create the synthetic registries (``bulk_create``, so no per-row audit; the demo command is
    audited as a whole). Returns the counts created."""
    counts = {**COUNTS, **(counts or {})}
    rng = random.Random(seed)  # noqa: S311  (synthetic demo data, reproducible on purpose)
    areas = {a.adcode: a for a in AdminArea.objects.filter(adcode__in={t[0] for t in TOWNS})}
    orgs = {o.code: o for o in Organisation.objects.filter(code__startswith="demo-")}

    def common(town_row):
        adcode, town, lon, lat = town_row
        return {
            "geom": _near(rng, lon, lat),
            "district": areas.get(adcode),
            "town": town,
            "organisation": orgs.get(f"demo-{adcode}"),
            "contact_phone": _phone(rng),
            "notes": SYNTHETIC,
        }

    people = []
    categories = [c.value for c in PersonCategory]
    for _i in range(counts["people"]):
        row = rng.choice(TOWNS)
        head = _name(rng)
        category = rng.choices(categories, weights=(25, 35, 10, 15, 10, 5))[0]
        people.append(
            PersonToMove(
                name=head,
                category=category,
                people=rng.choice((1, 2, 2, 3, 3, 4, 5)),
                address=f"{row[1]}{rng.randint(1, 60)}号",
                contact_name=head,
                **common(row),
            )
        )
    hazards = []
    hazard_kinds = [k.value for k in HazardKind]
    for i in range(counts["hazards"]):
        row = rng.choice(TOWNS)
        kind = rng.choices(hazard_kinds, weights=(40, 5, 40, 10, 5))[0]
        label = {"landslide": "滑坡隐患点", "debris_flow": "泥石流隐患点", "waterlogging": "内涝黑点"}.get(
            kind, "险段"
        )
        hazards.append(
            HazardPoint(
                name=f"{row[1]}{label}{i + 1:03d}",
                kind=kind,
                susceptibility=round(rng.uniform(0.2, 0.9), 2),
                people_threatened=rng.randint(0, 120),
                contact_name=_name(rng),
                **common(row),
            )
        )
    targets = []
    target_names = {
        TargetKind.SCHOOL: "小学",
        TargetKind.HOSPITAL: "医院",
        TargetKind.CHEMICAL_PLANT: "化工厂",
        TargetKind.NURSING_HOME: "养老院",
        TargetKind.WORK_SITE: "在建工地",
    }
    for i in range(counts["targets"]):
        row = rng.choice(TOWNS)
        kind = rng.choices(list(target_names), weights=(40, 15, 10, 15, 20))[0]
        targets.append(
            ProtectedTarget(
                name=f"{row[1][:2]}{target_names[kind]}{i + 1:02d}（演示）",
                kind=kind.value,
                occupants=rng.randint(50, 2000),
                contact_name=_name(rng),
                **common(row),
            )
        )
    officers = []
    for i, row in enumerate(TOWNS * (counts["officers"] // len(TOWNS) or 1)):
        if i >= counts["officers"]:
            break
        agency = i % 8 == 7
        officers.append(
            InfoOfficer(
                name=f"{row[1]}三防办" if agency else _name(rng),
                kind=OfficerKind.AGENCY if agency else OfficerKind.INFO_OFFICER,
                **common(row),
            )
        )
    PersonToMove.objects.bulk_create(people, batch_size=2000)
    HazardPoint.objects.bulk_create(hazards)
    ProtectedTarget.objects.bulk_create(targets)
    InfoOfficer.objects.bulk_create(officers)
    return {
        "people": len(people),
        "hazards": len(hazards),
        "targets": len(targets),
        "officers": len(officers),
    }


def resources_generate(*, seed: int = 6) -> int:
    """A few shelters, rescue teams and depots per district (synthetic, marked 演示 in the name)."""
    rng = random.Random(seed)  # noqa: S311  (synthetic demo data, reproducible on purpose)
    orgs = {o.code: o for o in Organisation.objects.filter(code__startswith="demo-")}
    made = 0
    for adcode, town, lon, lat in TOWNS:
        org = orgs.get(f"demo-{adcode}") or orgs.get("demo-bureau")
        if org is None:
            continue
        capacity = rng.choice((200, 300, 500, 800))
        Shelter.objects.create(
            name=f"{town}应急避护场所（演示）",
            organisation=org,
            geom=_near(rng, lon, lat, 0.006),
            capacity=capacity,
            occupancy=rng.randint(0, capacity // 3),
            is_open=rng.random() < 0.5,
        )
        made += 1
        if rng.random() < 0.5:
            RescueTeam.objects.create(
                name=f"{town}应急救援队（演示）", organisation=org, geom=_near(rng, lon, lat, 0.006)
            )
            made += 1
        if rng.random() < 0.3:
            Depot.objects.create(
                name=f"{town}防汛物资仓库（演示）", organisation=org, geom=_near(rng, lon, lat, 0.006)
            )
            made += 1
    return made


@register_demo_loader("impact registries", order=45)
def load_registries(ctx: DemoContext) -> None:
    if PersonToMove.objects.filter(notes=SYNTHETIC).exists():
        ctx.say("impact registries already loaded")
        return
    counts = registries_generate()
    made = 0
    if not Shelter.objects.filter(name__endswith="（演示）").exists():
        made = resources_generate()
    ctx.say(
        "impact registries (synthetic): "
        + ", ".join(f"{v} {k}" for k, v in counts.items())
        + f"; {made} shelters, teams and depots"
    )
