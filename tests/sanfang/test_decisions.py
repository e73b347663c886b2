"""Response-level recommendation: the rules engine over the seeded rules, storing only changes,
alerts on a rise, the commander's confirm / reject (permission, audit, response started or
re-levelled), the warning facts and the wiring."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEntry
from emergency.choices import ResponseStatus
from emergency.models import Alert, EmergencyResponse
from emergency.models.warnings import CapStatus
from emergency.services.plans import plan_import
from emergency.triggers import rule_errors
from sanfang.facts_warnings import warning_colours, warning_facts
from sanfang.models import ResponseRecommendation, ResponseRule
from sanfang.services.decisions import (
    recommendation_confirm,
    recommendation_reject,
    recommendations_evaluate,
    response_rules_seed,
    rule_clean,
    rule_save,
    rules_evaluate,
)
from tests.emergency.plan_fixtures import plan_document, plan_yaml, units  # noqa: F401
from tests.sanfang.decisions_fixtures import warning

HATO = {"typhoon_warning_colour": "red", "tc_class": "STY", "approach_hours": 3}


@pytest.fixture
def english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def rules(db):
    ResponseRule.objects.all().delete()
    response_rules_seed()
    return ResponseRule.objects.all()


@pytest.fixture
def wind_plan(personas, units):  # noqa: F811
    document = plan_document(code="test-wind", name="测试防风应急预案", response_type="wind")
    document["scope"] = {"incident_types": [], "districts": []}
    for level in document["levels"]:
        level["name"] = level["name"].replace("防汛", "防风")
        level.pop("trigger", None)
    version, _created = plan_import(
        user=personas.commander, text=plan_yaml(document), format="yaml", put_in_force=True
    )
    return version


def test_seeded_rules_are_valid_and_cover_four_types_and_levels(rules):
    assert rules.count() == 16
    assert {(r.response_type, r.level) for r in rules} == {
        (t, lv) for t in ("flood", "wind", "drought", "freeze") for lv in ("IV", "III", "II", "I")
    }
    assert all(rule_errors(r.condition) == [] for r in rules)
    response_rules_seed()  # idempotent
    assert ResponseRule.objects.count() == 16


def test_rule_naming_an_unknown_fact_is_a_clear_error(english):
    condition = {
        "any": [
            {"fact": "rain_3h_mm", "op": ">=", "value": 50},
            {"fact": "moon_phase", "op": "==", "value": 1},
        ]
    }
    with pytest.raises(ValidationError) as caught:
        rule_clean({"response_type": "flood", "level": "V", "name": " ", "condition": condition})
    errors = {k: v[0] for k, v in caught.value.message_dict.items()}
    assert errors["condition.any.1.fact"] == "Unknown fact moon_phase."
    assert "level" in errors and "name" in errors


def test_highest_level_wins_with_the_rules_that_hold(rules, english):
    found = rules_evaluate(HATO)
    # red + STY: Ⅱ (orange + TY, or red); not Ⅰ (needs SuperTY); Ⅳ/Ⅲ also hold but are lower
    assert found["wind"]["level"] == "II"
    assert [m["level"] for m in found["wind"]["matched"]] == ["II"]
    assert "Typhoon warning signal colour: red ≥ red" in found["wind"]["matched"][0]["reasons"]
    assert found["flood"]["level"] == "" and found["freeze"]["level"] == ""
    assert rules_evaluate({**HATO, "tc_class": "SuperTY"})["wind"]["level"] == "I"
    # 马鞍 2025: STS forecast to land within 48 h → Ⅲ
    assert rules_evaluate({"tc_class": "STS", "approach_hours": 40})["wind"]["level"] == "III"
    assert rules_evaluate({"drought_days": 45, "min_temperature_c": 4})["drought"]["level"] == "III"
    assert rules_evaluate({"min_temperature_c": 4})["freeze"]["level"] == "IV"


@pytest.mark.django_db
def test_recommendations_store_only_changes_and_alert_on_a_rise(rules):
    assert recommendations_evaluate(facts={}) == []  # nothing holds, nothing before: nothing stored
    (first,) = recommendations_evaluate(facts={"typhoon_warning_colour": "yellow"})
    assert (first.response_type, first.level, first.status) == ("wind", "III", "open")
    alert = Alert.objects.get(dedup_key=f"sanfang:recommendation:{first.pk}")
    assert alert.level == "III" and alert.kind == "response" and "role:commander" in alert.targets
    assert recommendations_evaluate(facts={"typhoon_warning_colour": "yellow"}) == []  # unchanged
    (second,) = recommendations_evaluate(facts=HATO)
    first.refresh_from_db()
    alert.refresh_from_db()
    assert second.level == "II" and first.status == "superseded" and alert.cleared_at is not None
    assert Alert.objects.filter(dedup_key=f"sanfang:recommendation:{second.pk}", level="II").exists()
    # Falling back raises no alert, but is stored (the commander sees the rules no longer hold)
    (third,) = recommendations_evaluate(facts={})
    assert (
        third.level == ""
        and not Alert.objects.filter(dedup_key=f"sanfang:recommendation:{third.pk}").exists()
    )
    assert ResponseRecommendation.objects.filter(response_type="wind").count() == 3


@pytest.mark.django_db
def test_confirm_starts_then_raises_the_wind_response(personas, rules, wind_plan):
    (rec,) = recommendations_evaluate(facts={"typhoon_warning_colour": "yellow"})
    assert EmergencyResponse.objects.count() == 0  # never by itself
    with pytest.raises(PermissionDenied):
        recommendation_confirm(user=personas.grid_a, recommendation_id=rec.pk)
    rec = recommendation_confirm(user=personas.commander, recommendation_id=rec.pk)
    response = rec.response
    assert (rec.status, rec.decided_by, response.level, response.status) == (
        "confirmed",
        personas.commander,
        "III",
        ResponseStatus.ACTIVE,
    )
    assert response.plan.code == "test-wind" and response.tasks.count() > 0
    assert response.log.get().facts == {"typhoon_warning_colour": "yellow"}
    entry = AuditEntry.objects.filter(
        model="responserecommendation", object_id=str(rec.pk), action="update"
    ).get()
    assert entry.actor_id == personas.commander.pk and entry.changes["status"] == ["open", "confirmed"]
    assert Alert.objects.get(dedup_key=f"sanfang:recommendation:{rec.pk}").cleared_at is not None
    with pytest.raises(ValidationError):
        recommendation_confirm(user=personas.commander, recommendation_id=rec.pk)

    (higher,) = recommendations_evaluate(facts=HATO)
    higher = recommendation_confirm(user=personas.commander, recommendation_id=higher.pk, reason="天鸽逼近")
    response.refresh_from_db()
    assert higher.response == response and response.level == "II"
    assert EmergencyResponse.objects.count() == 1


@pytest.mark.django_db
def test_confirm_needs_a_plan_and_reject_is_recorded(personas, rules, english):
    (rec,) = recommendations_evaluate(facts={"min_temperature_c": 2})
    with pytest.raises(ValidationError) as caught:
        recommendation_confirm(user=personas.commander, recommendation_id=rec.pk)
    assert "plan" in caught.value.message_dict
    with pytest.raises(PermissionDenied):
        recommendation_reject(user=personas.grid_a, recommendation_id=rec.pk)
    rec = recommendation_reject(user=personas.commander, recommendation_id=rec.pk, reason="气温回升")
    assert rec.status == "dismissed" and rec.decided_by == personas.commander and rec.response is None
    assert AuditEntry.objects.filter(
        model="responserecommendation", object_id=str(rec.pk), message="Dismissed: 气温回升"
    ).exists()
    assert EmergencyResponse.objects.count() == 0


@pytest.mark.django_db
def test_rule_save_validates_and_audits(personas, english):
    with pytest.raises(PermissionDenied):
        rule_save(user=personas.grid_a, data={})
    with pytest.raises(ValidationError) as caught:
        rule_save(user=personas.commander, data={"response_type": "wind", "level": "IV", "name": "x"})
    assert "condition" in caught.value.message_dict
    rule = rule_save(
        user=personas.commander,
        data={
            "response_type": "wind",
            "level": "IV",
            "name": "风力6级",
            "condition": {"fact": "typhoon_wind_force_here", "op": ">=", "value": 6},
        },
    )
    assert AuditEntry.objects.filter(
        model="responserule", object_id=str(rule.pk), actor_id=personas.commander.pk
    ).exists()


@pytest.mark.django_db
def test_warning_facts_prefer_actual_over_exercise(personas):
    warning("台风", "orange", status=CapStatus.EXERCISE)
    warning("暴雨", "yellow", status=CapStatus.EXERCISE)
    warning("暴雨", "red", status=CapStatus.TEST)  # a test message is not a warning
    assert warning_colours() == {"typhoon_warning_colour": "orange", "rainstorm_warning_colour": "yellow"}
    warning("台风", "blue")  # an Actual one exists: the exercise no longer counts
    warning("Typhoon", "yellow")
    assert warning_colours()["typhoon_warning_colour"] == "yellow"
    warning("暴雨", "red", area=personas.area_a.geom)
    facts = warning_facts(None)
    assert facts["rainstorm_warning_colour"] == "red" and facts["districts_with_red_rainstorm"] == 1


@pytest.mark.django_db
def test_signals_reevaluate_after_commit(settings, rules, django_capture_on_commit_callbacks):
    from sanfang.signals import station_statuses_changed

    settings.SANFANG_DECISIONS_ON_CHANGE = True
    settings.SANFANG_DECISIONS_ASYNC = False
    with django_capture_on_commit_callbacks(execute=True):
        warning("台风", "red")  # the warning itself schedules one
        station_statuses_changed.send(sender=None, station_ids=[], changed_ids=[])
    rec = ResponseRecommendation.objects.get(response_type="wind")
    assert rec.level == "II"
    settings.SANFANG_DECISIONS_ON_CHANGE = False
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        station_statuses_changed.send(sender=None, station_ids=[], changed_ids=[])
    assert callbacks == []
