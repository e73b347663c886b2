"""Seed the incident type tree: the four national classes and the subtypes a coastal city meets
(国家突发事件总体应急预案, 2025). Codes are stable; names can be edited in the admin."""

from django.db import migrations

TYPES = {
    ("natural", "自然灾害", "Natural disaster"): [
        ("typhoon", "台风", "Typhoon"),
        ("rainstorm", "暴雨", "Rainstorm"),
        ("flood", "洪涝", "Flood"),
        ("waterlogging", "城市内涝", "Urban waterlogging"),
        ("storm_surge", "风暴潮", "Storm surge"),
        ("landslide", "滑坡", "Landslide"),
        ("debris_flow", "泥石流", "Debris flow"),
        ("collapse", "崩塌", "Rockfall and collapse"),
        ("earthquake", "地震", "Earthquake"),
        ("drought", "干旱", "Drought"),
        ("forest_fire", "森林火灾", "Forest fire"),
        ("cold_wave", "寒潮冰冻", "Cold wave and freezing"),
    ],
    ("accident", "事故灾难", "Accident and disaster"): [
        ("fire", "火灾", "Fire"),
        ("hazchem", "危险化学品事故", "Hazardous chemicals accident"),
        ("traffic", "道路交通事故", "Road traffic accident"),
        ("waterway", "水上交通事故", "Waterway accident"),
        ("construction", "建筑施工事故", "Construction accident"),
        ("mine", "矿山事故", "Mining accident"),
        ("gas", "燃气事故", "Gas accident"),
        ("utility", "供水供电通信中断", "Utility outage"),
        ("environment", "环境污染事件", "Environmental pollution"),
    ],
    ("public_health", "公共卫生事件", "Public health event"): [
        ("epidemic", "传染病疫情", "Infectious disease outbreak"),
        ("food_poisoning", "食物中毒", "Food poisoning"),
        ("occupational_poisoning", "职业中毒", "Occupational poisoning"),
    ],
    ("social_security", "社会安全事件", "Social security event"): [
        ("mass_incident", "群体性事件", "Mass incident"),
        ("terrorism", "恐怖袭击", "Terrorist attack"),
        ("stampede", "踩踏事件", "Stampede"),
    ],
}


def seed(apps, schema_editor):
    IncidentType = apps.get_model("emergency", "IncidentType")
    for order, ((code, name, name_en), children) in enumerate(TYPES.items()):
        parent, _ = IncidentType.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "category": code, "order": order}
        )
        for child_order, (child_code, child_name, child_en) in enumerate(children):
            IncidentType.objects.update_or_create(
                code=child_code,
                defaults={
                    "name": child_name,
                    "name_en": child_en,
                    "category": code,
                    "parent": parent,
                    "order": child_order,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("emergency", "0003_incidents_resources")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
