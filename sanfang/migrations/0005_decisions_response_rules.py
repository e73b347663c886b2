"""Default response-level rules (三防 防汛/防风/防旱/防冻, Ⅳ–Ⅰ); editable in the admin and the API.

DOMAIN.md §2.3: the exact numeric triggers of the Guangdong provincial plan were not obtained, so
these are starting values built from the cases and the older national plan cited there, marked in
``source``; the 三防 office must replace them with the official plan text. The flood rules mirror the
demo flood plan (emergency/demo_data/zhuhai-flood-plan.yaml). A rule's ``condition`` uses the trigger
language of ``emergency.triggers``.
"""

from django.db import migrations

NATIONAL = "DOMAIN.md §2.3 [P]: 国家防汛抗旱应急预案 台风响应条件"
ILLUSTRATIVE = "DOMAIN.md §2.3 [U]: 示例阈值，须按正式预案核定"


def _f(fact, op, value):
    return {"fact": fact, "op": op, "value": value}


# (response_type, level, name, condition, source)
DEFAULT_RULES = [
    # 防风 (wind / typhoon)
    (
        "wind",
        "IV",
        "台风蓝色预警或72小时内热带风暴影响",
        {
            "any": [
                _f("typhoon_warning_colour", ">=", "blue"),
                {"all": [_f("tc_class", ">=", "TS"), _f("approach_hours", "<=", 72)]},
            ]
        },
        ILLUSTRATIVE,
    ),
    (
        "wind",
        "III",
        "台风黄色预警或48小时内强热带风暴以上影响",
        {
            "any": [
                _f("typhoon_warning_colour", ">=", "yellow"),
                {"all": [_f("tc_class", ">=", "STS"), _f("approach_hours", "<=", 48)]},
            ]
        },
        "DOMAIN.md §2.3 [V]: 台风马鞍2025 防风Ⅳ→Ⅲ（48小时内以台风或强热带风暴强度登陆）",
    ),
    (
        "wind",
        "II",
        "台风橙色预警且台风级以上，或台风红色预警",
        {
            "any": [
                {"all": [_f("typhoon_warning_colour", ">=", "orange"), _f("tc_class", ">=", "TY")]},
                _f("typhoon_warning_colour", ">=", "red"),
            ]
        },
        NATIONAL,
    ),
    (
        "wind",
        "I",
        "台风红色预警且超强台风",
        {"all": [_f("typhoon_warning_colour", ">=", "red"), _f("tc_class", ">=", "SuperTY")]},
        NATIONAL,
    ),
    # 防汛 (flood): as the demo flood plan's triggers
    (
        "flood",
        "IV",
        "暴雨黄色预警、3小时50毫米、水位超警或地质灾害橙色以上",
        {
            "any": [
                _f("rainstorm_warning_colour", ">=", "yellow"),
                _f("rain_3h_mm", ">=", 50),
                _f("water_level_over_warning_m", ">", 0),
                _f("geohazard_points_orange_or_red", ">=", 1),
            ]
        },
        ILLUSTRATIVE,
    ),
    (
        "flood",
        "III",
        "暴雨橙色预警、3小时80毫米或多处内涝",
        {
            "any": [
                _f("rainstorm_warning_colour", ">=", "orange"),
                _f("rain_3h_mm", ">=", 80),
                _f("waterlogging_points", ">=", 10),
                {"all": [_f("water_level_over_warning_m", ">=", 0.5), _f("rain_24h_mm", ">=", 100)]},
            ]
        },
        ILLUSTRATIVE,
    ),
    (
        "flood",
        "II",
        "暴雨红色预警、24小时250毫米、水库超汛限或两区红色暴雨",
        {
            "any": [
                _f("rainstorm_warning_colour", "==", "red"),
                _f("rain_24h_mm", ">=", 250),
                _f("reservoirs_over_flood_limit", ">=", 1),
                _f("districts_with_red_rainstorm", ">=", 2),
            ]
        },
        ILLUSTRATIVE,
    ),
    (
        "flood",
        "I",
        "暴雨红色预警且险情严重",
        {
            "all": [
                _f("rainstorm_warning_colour", "==", "red"),
                {
                    "any": [
                        _f("dam_danger", "==", True),
                        _f("rain_24h_mm", ">=", 400),
                        _f("districts_with_red_rainstorm", ">=", 3),
                    ]
                },
            ]
        },
        ILLUSTRATIVE,
    ),
    # 防旱 (drought): days without effective rainfall
    ("drought", "IV", "连续30天无有效降雨", _f("drought_days", ">=", 30), ILLUSTRATIVE),
    ("drought", "III", "连续45天无有效降雨", _f("drought_days", ">=", 45), ILLUSTRATIVE),
    ("drought", "II", "连续60天无有效降雨", _f("drought_days", ">=", 60), ILLUSTRATIVE),
    ("drought", "I", "连续90天无有效降雨", _f("drought_days", ">=", 90), ILLUSTRATIVE),
    # 防冻 (freeze): lowest forecast temperature (Zhuhai is subtropical: low bars)
    ("freeze", "IV", "最低气温5℃以下", _f("min_temperature_c", "<=", 5), ILLUSTRATIVE),
    ("freeze", "III", "最低气温3℃以下", _f("min_temperature_c", "<=", 3), ILLUSTRATIVE),
    ("freeze", "II", "最低气温0℃以下", _f("min_temperature_c", "<=", 0), ILLUSTRATIVE),
    ("freeze", "I", "最低气温-2℃以下", _f("min_temperature_c", "<=", -2), ILLUSTRATIVE),
]


def seed(apps, schema_editor):
    Rule = apps.get_model("sanfang", "ResponseRule")
    for response_type, level, name, condition, source in DEFAULT_RULES:
        Rule.objects.get_or_create(
            response_type=response_type,
            level=level,
            name=name,
            defaults={"condition": condition, "source": source},
        )


class Migration(migrations.Migration):
    dependencies = [("sanfang", "0004_seed_rain_rules")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
