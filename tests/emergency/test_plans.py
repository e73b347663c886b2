"""Digital plans: document validation (field paths and lines), versions, import/export through the
service, the API and the commands, the trigger rule language, and the demo flood plan."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from accounts.choices import AuditAction
from accounts.models import AuditEntry
from emergency.choices import PlanVersionStatus
from emergency.models import PlanUnit, PlanVersion, PlanVersionLocked
from emergency.services.plan_documents import PlanDocumentError, deadline_minutes
from emergency.services.plans import plan_export, plan_import, plan_version_put_in_force
from emergency.triggers import facts_clean, rule_errors, rule_evaluate
from tests.emergency.command_fixtures import client_for
from tests.emergency.plan_fixtures import PLAN, plan_document, plan_yaml

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("incident_types")]


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in English here (the API test asks for Chinese explicitly)."""
    from django.utils import translation

    with translation.override("en"):
        yield


def problems(exc: PlanDocumentError) -> dict[str, tuple[int | None, str]]:
    return {p.path: (p.line, p.message) for p in exc.problems}


# --- Validation ---------------------------------------------------------------------------------


def test_yaml_syntax_error_names_the_line(personas, units):
    text = plan_yaml().replace("name: 测试防汛应急预案", "name: [测试防汛应急预案", 1)
    with pytest.raises(PlanDocumentError) as caught:
        plan_import(user=personas.commander, text=text, format="yaml")
    (problem,) = caught.value.problems
    assert problem.code == "syntax" and problem.line is not None
    assert "YAML syntax error" in problem.message
    assert f"Line {problem.line}:" in problem.text()


def test_json_syntax_error_names_line_and_column(personas, units):
    text = json.dumps(PLAN, ensure_ascii=False, indent=2).replace(
        '"kind": "special",', '"kind": "special"', 1
    )
    with pytest.raises(PlanDocumentError) as caught:
        plan_import(user=personas.commander, text=text.encode(), filename="plan.json")
    (problem,) = caught.value.problems
    assert problem.line == 5 and "column" in problem.message


def test_semantic_errors_name_field_paths_and_lines(personas, units):
    document = plan_document(kind="secret", surprise=1)
    document["units"][1]["organisation"] = "nowhere"
    document["units"][2]["phone"] = "138****5678"
    document["groups"][0]["members"] = ["water", "ghost"]
    level = document["levels"][0]
    level["trigger"]["any"][1]["value"] = "purple"
    level["actions"][1]["unit"] = "nobody"
    level["actions"][2]["deadline"] = "soon"
    level["actions"].append({"key": "duty", "unit": "xz", "text": "again", "deadline": 10})
    document["levels"][3]["actions"][1] = {
        "key": "command-post",
        "unit": "water",
        "group": "coord",
        "text": "x",
        "deadline": 1,
    }
    text = plan_yaml(document)
    with pytest.raises(PlanDocumentError) as caught:
        plan_import(user=personas.commander, text=text, format="yaml")
    found = problems(caught.value)
    lines = text.splitlines()
    expected = {
        "kind": "kind: secret",
        "surprise": "surprise: 1",
        "units.1.organisation": "organisation: nowhere",
        "units.2.phone": "phone: 138****5678",
        "groups.0.members.1": "- ghost",
        "levels.0.trigger.any.1.value": "value: purple",
        "levels.0.actions.1.unit": "unit: nobody",
        "levels.0.actions.2.deadline": "deadline: soon",
        "levels.0.actions.4.key": "key: duty",
        "levels.3.actions.1": "key: command-post",
    }
    for path, needle in expected.items():
        assert path in found, (path, found)
        line, _message = found[path]
        assert needle in lines[line - 1], (path, line, lines[line - 1])
    assert (
        "purple" not in found["levels.0.trigger.any.1.value"][1]
        and "yellow" in found["levels.0.trigger.any.1.value"][1]
    )
    assert not PlanVersion.objects.exists()


def test_same_action_key_needs_the_same_assignee_at_every_level(personas, units):
    document = plan_document()
    document["levels"][1]["actions"][1]["unit"] = "xz"  # "patrol" was the water bureau's at Ⅳ
    with pytest.raises(PlanDocumentError) as caught:
        plan_import(user=personas.commander, text=plan_yaml(document), format="yaml")
    assert "levels.1.actions.1" in problems(caught.value)


def test_required_fields_and_aliases(personas, units):
    with pytest.raises(PlanDocumentError) as caught:
        plan_import(user=personas.commander, text="code: x\nunits: []\n", format="yaml")
    found = problems(caught.value)
    assert {"name", "kind", "response_type", "organisation", "units", "levels"} <= set(found)
    bomb = "a: &a [x, x]\nb: &b [*a, *a]\ncode: *b\n"
    with pytest.raises(PlanDocumentError) as caught:
        plan_import(user=personas.commander, text=bomb, format="yaml")
    assert "aliases" in caught.value.problems[0].message


def test_deadline_forms():
    assert [deadline_minutes(v) for v in (90, "90", "30m", "2h", "1d", "1h30m", "soon", True)] == [
        90,
        90,
        30,
        120,
        1440,
        90,
        None,
        None,
    ]


def test_errors_come_in_the_requests_language_through_the_api(personas, units):
    document = plan_document()
    document["levels"][0]["actions"][1]["unit"] = "nobody"
    response = client_for(personas.commander, "zh-hans").post(
        "/api/plans/import/", plan_yaml(document).encode(), content_type="application/yaml"
    )
    assert response.status_code == 400
    body = response.json()
    (error,) = body["errors"]
    assert error["field"] == "levels.0.actions.1.unit"
    assert error["message"].startswith("第") and "nobody" in error["message"]


# --- Versions -------------------------------------------------------------------------------------


def test_versions_one_in_force_and_never_edited(personas, units, plan):
    assert plan.number == 1 and plan.status == PlanVersionStatus.IN_FORCE
    again, created = plan_import(user=personas.commander, text=plan_yaml(), format="yaml")
    assert (again.pk, created) == (plan.pk, False)

    changed = plan_document()
    changed["levels"][0]["actions"][1]["text"] = "巡查水库山塘和堤防"
    v2, created = plan_import(user=personas.commander, text=plan_yaml(changed), format="yaml")
    assert created and v2.number == 2 and v2.status == PlanVersionStatus.DRAFT
    plan.refresh_from_db()
    assert plan.status == PlanVersionStatus.IN_FORCE  # the draft changes nothing yet

    plan_version_put_in_force(user=personas.commander, version_id=v2.pk)
    plan.refresh_from_db()
    v2.refresh_from_db()
    assert (plan.status, v2.status) == (PlanVersionStatus.SUPERSEDED, PlanVersionStatus.IN_FORCE)
    assert plan.in_force_until == v2.in_force_from

    # In place edits are refused, by the model and by the database.
    plan.name = "改名"
    with pytest.raises(PlanVersionLocked):
        plan.save()
    unit = PlanUnit.objects.filter(version=v2).first()
    unit.duties = "改了"
    with pytest.raises(PlanVersionLocked):
        unit.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanVersion.objects.filter(pk=plan.pk).update(status=PlanVersionStatus.IN_FORCE)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        plan_version_put_in_force(user=personas.commander, version_id=plan.pk)


def test_only_plan_managers_import(personas, units):
    from django.core.exceptions import PermissionDenied

    for user in (personas.duty, units.staff_a, personas.enterprise):
        with pytest.raises(PermissionDenied):
            plan_import(user=user, text=plan_yaml(), format="yaml")


def test_plans_are_scoped_to_the_units_in_them(personas, units, plan):
    assert [p["code"] for p in client_for(units.staff_a).get("/api/plans/").json()["results"]] == [
        "test-flood"
    ]
    assert client_for(personas.enterprise).get("/api/plans/").json()["results"] == []
    assert client_for(personas.grid_a).get("/api/plans/").json()["results"] == []


def test_export_round_trip_masks_phones_unless_asked_and_audited(personas, units, plan):
    masked = plan_export(user=personas.commander, version_id=plan.pk, format="yaml")
    assert "075*****0001" in masked and "0756-0000001" not in masked
    full = plan_export(user=personas.commander, version_id=plan.pk, format="json", with_phones=True)
    assert json.loads(full)["units"][0]["phone"] == "0756-0000001"
    assert AuditEntry.objects.filter(
        action=AuditAction.VIEW, model="planversion", actor_id=personas.commander.pk
    ).exists()
    # A full export imports back as the same plan: no new version.
    _version, created = plan_import(user=personas.commander, text=full, format="json")
    assert created is False
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        plan_export(user=units.staff_a, version_id=plan.pk, format="yaml", with_phones=True)


def test_import_and_export_through_the_api(personas, units):
    commander = client_for(personas.commander)
    upload = io.BytesIO(plan_yaml().encode())
    upload.name = "flood.yaml"
    response = commander.post("/api/plans/import/", {"file": upload, "in_force": "true"}, format="multipart")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["created"] and body["version"]["status"] == "in_force"
    plan_id = PlanVersion.objects.get(pk=body["version"]["id"]).plan_id
    again = commander.post(
        "/api/plans/import/", json.dumps(PLAN, ensure_ascii=False).encode(), content_type="application/json"
    )
    assert again.status_code == 200 and again.json()["created"] is False
    exported = commander.get(f"/api/plans/{plan_id}/export/?as=json")
    assert exported.status_code == 200 and exported["Content-Type"].startswith("application/json")
    assert json.loads(exported.content)["levels"][0]["actions"][0]["deadline"] == "1h"
    as_yaml = commander.get(f"/api/plans/{plan_id}/export/?as=yaml&version=1")
    assert as_yaml.status_code == 200 and "防汛Ⅳ级应急响应" in as_yaml.content.decode()
    assert commander.get(f"/api/plans/{plan_id}/export/?as=xml").status_code == 400
    detail = commander.get(f"/api/plan-versions/{body['version']['id']}/").json()
    assert detail["document"]["units"][0]["phone"] == "075*****0001"
    assert (
        client_for(units.staff_a)
        .post("/api/plans/import/", plan_yaml().encode(), content_type="application/yaml")
        .status_code
        == 403
    )


def test_commands(personas, units, tmp_path):
    good = tmp_path / "plan.yaml"
    good.write_text(plan_yaml(), encoding="utf-8")
    out = io.StringIO()
    call_command("plan_import", str(good), "--user", "commander", "--in-force", stdout=out)
    assert "test-flood v1" in out.getvalue()
    bad = tmp_path / "bad.json"
    bad.write_text('{"code": "x",\n "name": }', encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("plan_import", str(bad), "--user", "commander", stderr=err)
    assert "Line 2" in err.getvalue()
    exported = tmp_path / "out.yaml"
    call_command("plan_export", "test-flood", "--user", "commander", "-o", str(exported))
    assert "防汛Ⅳ级应急响应" in exported.read_text(encoding="utf-8")


def test_demo_flood_plan_loads_once(personas):
    from accounts.demo import ORGANISATIONS
    from accounts.models import Organisation
    from core.demo import DemoContext
    from emergency.demo import load_plans

    by_code = {}
    for code, name, kind, parent in ORGANISATIONS:
        by_code[code] = Organisation.objects.create(
            code=code, name=name, kind=kind, parent=by_code.get(parent or "")
        )
    personas.commander.username = "commander"
    said: list[str] = []
    load_plans(DemoContext(say=said.append))
    load_plans(DemoContext(say=said.append))
    version = PlanVersion.objects.get(plan__code="zhuhai-flood-demo")
    assert version.status == PlanVersionStatus.IN_FORCE
    # two demo plans (flood, wind), each imported once and unchanged the second time
    assert len(said) == 4 and all("unchanged" in line for line in said[2:])
    assert version.levels.count() == 4 and version.groups.count() == 4
    wind = PlanVersion.objects.get(plan__code="zhuhai-wind-demo")
    assert wind.status == PlanVersionStatus.IN_FORCE and wind.plan.response_type == "wind"
    assert wind.levels.count() == 4


# --- Trigger rules --------------------------------------------------------------------------------


def test_rule_errors_name_their_path():
    rule = {
        "all": [
            {"fact": "rain_3h_mm", "op": "~", "value": 50},
            {"fact": "moon_phase", "op": "==", "value": 1},
            {"any": []},
            {"not": {"fact": "typhoon_warning_colour", "op": "in", "value": ["orange", "pink"]}},
            {"fact": "dam_danger", "op": ">", "value": True},
            {"fact": "rain_1h_mm", "op": ">=", "value": "a lot"},
        ]
    }
    paths = [path for path, _message in rule_errors(rule)]
    assert paths == [
        "trigger.all.0.op",
        "trigger.all.1.fact",
        "trigger.all.2.any",
        "trigger.all.3.not.value.1",
        "trigger.all.4.op",
        "trigger.all.5.value",
    ]
    deep = {"fact": "deaths", "op": ">", "value": 0}
    for _ in range(10):
        deep = {"not": deep}
    assert rule_errors(deep)
    assert rule_errors({"all": [{"fact": "deaths", "op": ">", "value": 0}], "any": []})


def test_rule_evaluation_with_scales_any_all_not():
    rule = {
        "all": [
            {"fact": "typhoon_warning_colour", "op": ">=", "value": "orange"},
            {
                "any": [
                    {"fact": "rain_3h_mm", "op": ">=", "value": 50},
                    {"fact": "tc_class", "op": ">=", "value": "STS"},
                ]
            },
            {"not": {"fact": "landfall_hours", "op": ">", "value": 48}},
        ]
    }
    holds, reasons = rule_evaluate(
        rule, {"typhoon_warning_colour": "red", "rain_3h_mm": 62, "landfall_hours": 12}
    )
    assert holds and len(reasons) == 3 and "62 mm ≥ 50 mm" in reasons[1]
    assert rule_evaluate(rule, {"typhoon_warning_colour": "yellow", "rain_3h_mm": 62})[0] is False
    assert rule_evaluate(rule, {"typhoon_warning_colour": "orange", "tc_class": "TY"})[0] is True
    assert (
        rule_evaluate(rule, {"typhoon_warning_colour": "orange", "tc_class": "TS"})[0] is False
    )  # missing rain
    assert (
        rule_evaluate(rule, {"typhoon_warning_colour": "orange", "tc_class": "TY", "landfall_hours": 60})[0]
        is False
    )
    assert (
        rule_evaluate({"fact": "rain_3h_mm", "op": ">=", "value": 50}, {})[0] is False
    )  # no reading, no trigger


def test_facts_are_checked_against_the_vocabulary():
    from django.core.exceptions import ValidationError

    assert facts_clean({"rain_3h_mm": 12.5, "typhoon_warning_colour": None}) == {"rain_3h_mm": 12.5}
    with pytest.raises(ValidationError) as caught:
        facts_clean({"rain_3h_mm": "heavy", "moon": 1, "typhoon_warning_colour": "pink", "deaths": -1})
    assert set(caught.value.message_dict) == {
        "facts.rain_3h_mm",
        "facts.moon",
        "facts.typhoon_warning_colour",
        "facts.deaths",
    }
