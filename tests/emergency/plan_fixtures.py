"""Shared helpers for the plan and response tests: member-unit personas and a small flood plan."""

from __future__ import annotations

import copy
from types import SimpleNamespace

import pytest
import yaml

from accounts.choices import OrganisationKind as K
from accounts.choices import RoleCode as R
from accounts.services.roles import role_assign
from tests.factories import OrganisationFactory, UserFactory

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

PLAN = {
    "code": "test-flood",
    "name": "测试防汛应急预案",
    "kind": "special",
    "response_type": "flood",
    "organisation": "bureau",
    "approved_at": "2025-04-01",
    "scope": {"incident_types": ["flood", "rainstorm", "waterlogging"], "districts": []},
    "units": [
        {"key": "bureau", "organisation": "bureau", "duties": "组织协调", "phone": "0756-0000001"},
        {"key": "water", "organisation": "water", "duties": "水库巡查", "responsible": "王水务"},
        {"key": "xz", "organisation": "xz", "duties": "香洲区防御"},
        {"key": "dm", "organisation": "dm", "duties": "斗门区防御"},
    ],
    "groups": [{"key": "coord", "name": "综合协调组", "lead": "bureau", "members": ["water"]}],
    "levels": [
        {
            "level": "IV",
            "name": "防汛Ⅳ级应急响应",
            "trigger": {
                "any": [
                    {"fact": "rain_3h_mm", "op": ">=", "value": 50},
                    {"fact": "rainstorm_warning_colour", "op": ">=", "value": "yellow"},
                ]
            },
            "actions": [
                {"key": "duty", "group": "coord", "text": "24小时值班", "deadline": "1h"},
                {"key": "patrol", "unit": "water", "text": "巡查水库山塘", "deadline": "2h"},
                {"key": "xz-check", "unit": "xz", "text": "排查香洲低洼易涝点", "deadline": "2h"},
                {"key": "dm-check", "unit": "dm", "text": "排查斗门低洼易涝点", "deadline": "2h"},
            ],
        },
        {
            "level": "III",
            "name": "防汛Ⅲ级应急响应",
            "trigger": {
                "any": [
                    {"fact": "rainstorm_warning_colour", "op": ">=", "value": "orange"},
                    {
                        "all": [
                            {"fact": "rain_3h_mm", "op": ">=", "value": 80},
                            {"fact": "water_level_over_warning_m", "op": ">", "value": 0},
                        ]
                    },
                ]
            },
            "actions": [
                {"key": "duty", "group": "coord", "text": "24小时值班", "deadline": "1h"},
                {"key": "patrol", "unit": "water", "text": "巡查水库山塘", "deadline": "2h"},
                {"key": "xz-check", "unit": "xz", "text": "排查香洲低洼易涝点", "deadline": "2h"},
                {"key": "dm-check", "unit": "dm", "text": "排查斗门低洼易涝点", "deadline": "2h"},
                {"key": "xz-evacuate", "unit": "xz", "text": "转移香洲危险区域群众", "deadline": "3h"},
            ],
        },
        {
            "level": "II",
            "name": "防汛Ⅱ级应急响应",
            "trigger": {"fact": "rainstorm_warning_colour", "op": "==", "value": "red"},
            "actions": [
                {"key": "duty", "group": "coord", "text": "24小时值班", "deadline": "1h"},
                {"key": "xz-evacuate", "unit": "xz", "text": "转移香洲危险区域群众", "deadline": "3h"},
                {"key": "dm-evacuate", "unit": "dm", "text": "转移斗门危险区域群众", "deadline": "3h"},
            ],
        },
        {
            "level": "I",
            "name": "防汛Ⅰ级应急响应",
            "actions": [
                {"key": "duty", "group": "coord", "text": "24小时值班", "deadline": "1h"},
                {"key": "command-post", "group": "coord", "text": "开设现场指挥部", "deadline": 30},
            ],
        },
    ],
}


def plan_document(**changes) -> dict:
    document = copy.deepcopy(PLAN)
    document.update(changes)
    return document


def plan_yaml(document: dict | None = None) -> str:
    return yaml.safe_dump(document or PLAN, allow_unicode=True, sort_keys=False)


@pytest.fixture
def units(personas):
    """Codes for the personas' organisations, a water bureau, and member-unit staff in each."""
    for org, code in ((personas.bureau, "bureau"), (personas.district_a, "xz"), (personas.district_b, "dm")):
        org.code = code
        org.save()
    water = OrganisationFactory(name="珠海市水务局", kind=K.MEMBER_UNIT, parent=personas.bureau, code="water")

    def staff(username, org):
        user = UserFactory(username=username, organisation=org)
        role_assign(user=user, role_code=R.MEMBER_UNIT_STAFF)
        return user

    return SimpleNamespace(
        water=water,
        staff_a=staff("staff_a", personas.district_a),
        staff_b=staff("staff_b", personas.district_b),
        staff_water=staff("staff_water", water),
    )


@pytest.fixture
def plan(personas, units):
    from emergency.services.plans import plan_import

    version, _created = plan_import(
        user=personas.commander, text=plan_yaml(), format="yaml", put_in_force=True
    )
    return version
