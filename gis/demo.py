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
