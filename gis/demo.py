"""Demo administrative areas: the real Zhuhai districts when ../shared/data is present, otherwise a
coarse outline drawn by the project. District organisations are then linked to their areas."""

from __future__ import annotations

from django.conf import settings

from accounts.choices import OrganisationKind
from accounts.models import Organisation
from core.demo import DemoContext, register_demo_loader
from gis.models import AdminArea
from gis.services.admin_areas import admin_areas_load_demo


@register_demo_loader("administrative areas", order=20)
def load_areas(ctx: DemoContext) -> None:
    ctx.say(admin_areas_load_demo(shared_data_dir=settings.SHARED_DATA_DIR))
    linked = 0
    for org in Organisation.objects.filter(kind=OrganisationKind.DISTRICT, code__startswith="demo-"):
        area = AdminArea.objects.filter(adcode=org.code.removeprefix("demo-")).first()
        if area is not None and org.admin_area_id != area.pk:
            org.admin_area = area
            org.save(update_fields=["admin_area", "updated_at"])
            linked += 1
    ctx.say(f"{linked} district organisations linked to their areas")


DEMO_RISK_SOURCE = "demo: drawn by the platform, not an assessment"
# A fixed pattern, so every demo shows the same map.
_DEMO_LEVELS = ["low", "general", "low", "large", "general", "major", "low", "general", "large"]


@register_demo_loader("risk zones", order=25)
def load_risk_zones(ctx: DemoContext) -> None:
    """Cut each district into a 3 × 3 grid and give the cells fixed levels: a demo four-colour map."""
    from django.contrib.gis.geos import MultiPolygon, Polygon

    from gis.choices import AreaLevel
    from gis.models import RiskZone

    if RiskZone.objects.filter(source=DEMO_RISK_SOURCE).exists():
        ctx.say("demo risk zones already present")
        return
    created = 0
    for district in AdminArea.objects.filter(level=AreaLevel.DISTRICT).order_by("adcode"):
        west, south, east, north = district.geom.extent
        dx, dy = (east - west) / 3, (north - south) / 3
        for i in range(3):
            for j in range(3):
                cell = Polygon.from_bbox(
                    (west + i * dx, south + j * dy, west + (i + 1) * dx, south + (j + 1) * dy)
                )
                cell.srid = 4326
                part = district.geom.intersection(cell)
                if part.empty or part.area < 1e-6:
                    continue
                if part.geom_type == "Polygon":
                    part = MultiPolygon(part, srid=4326)
                elif part.geom_type != "MultiPolygon":
                    continue
                RiskZone.objects.create(
                    name=f"{district.name}{i * 3 + j + 1}号风险区",
                    level=_DEMO_LEVELS[(i * 3 + j + int(district.adcode)) % len(_DEMO_LEVELS)],
                    district=district,
                    hazard="台风、暴雨",
                    source=DEMO_RISK_SOURCE,
                    geom=part,
                )
                created += 1
    ctx.say(f"{created} demo risk zones drawn")
