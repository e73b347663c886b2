"""The issue's "done means", end to end in headless Chromium: the Hato replay runs up to landfall;
on the one map the commander picks the replayed storm, asks the impact panel for its forecast zone
and sees it fill; the decisions page shows the 防风 level the rules give, and confirming it starts
the response from the wind plan."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.utils import timezone
from playwright.sync_api import expect

from emergency.models import EmergencyResponse
from gis.choices import AreaLevel
from gis.models import AdminArea
from sanfang.models import PersonToMove, ResponseRecommendation, Station
from sanfang.replay import Replay
from sanfang.services.decisions import recommendations_evaluate
from sanfang.typhoon_formats import read_wztf
from tests.browser.test_bigscreen_browser import log_in
from tests.emergency.plan_fixtures import units  # noqa: F401
from tests.sanfang.test_decisions import rules, wind_plan  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def zhuhai(personas) -> None:
    area = AdminArea.objects.filter(adcode="440402").first() or personas.area_a
    AdminArea.objects.filter(pk=area.pk).update(
        geom=MultiPolygon(Polygon.from_bbox((113.45, 22.15, 113.65, 22.35)), srid=4326),
        level=AreaLevel.DISTRICT,
    )
    for name, lon, lat, people in (("张一", 113.55, 22.25, 3), ("李二", 113.58, 22.27, 4)):
        PersonToMove.objects.create(
            name=name, geom=Point(lon, lat, srid=4326), district=area, town="拱北街道",
            category="low_lying", people=people, contact_phone="13812345678",
        )  # fmt: skip
    Station.objects.create(
        code="ZH-R01", name="香洲雨量站", kind="rain", geom=Point(113.553, 22.271, srid=4326)
    )
    Station.objects.create(
        code="ZH-T01", name="香洲潮位站", kind="tide", geom=Point(113.585, 22.28, srid=4326)
    )


def test_replay_hato_then_impact_lists_and_the_wind_response(
    daphne,
    browser,
    shared_data,
    personas,
    rules,  # noqa: F811
    wind_plan,  # noqa: F811
):
    zhuhai(personas)
    track = read_wztf((shared_data / "typhoon" / "typhoon_hato_201713_wztf121.json").read_bytes())[0]
    # 46 storm hours up to 2 h before landfall, one second apart, ending just now.
    start = timezone.now().replace(microsecond=0) - timedelta(seconds=60)
    clock = iter(start + timedelta(seconds=i) for i in range(100))
    steps = Replay(track=track, speed=0, hours_before_landfall=48, steps=47, clock=lambda: next(clock)).run()
    assert steps[-1].signal == "red"
    # The worker re-evaluates on every stored step in production; the suite has no worker.
    recommendations_evaluate()
    wind = ResponseRecommendation.objects.get(response_type="wind", status="open")
    assert wind.level == "II"

    page = browser.new_page(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
    log_in(page, daphne.url, personas.commander.username)
    page.goto(f"{daphne.url}/map/")
    expect(page.locator("#typhoon-panel")).to_be_visible(timeout=15_000)
    expect(page.locator("#typhoon-storm option[value='R201713']")).to_have_count(1, timeout=10_000)
    page.select_option("#typhoon-storm", "R201713")
    expect(page.locator("#typhoon-panel")).to_have_attribute("data-state", "ready", timeout=10_000)

    # The impact panel on the storm's 24 h forecast zone: both households near the city are in it.
    expect(page.locator("#impact-panel")).to_be_visible()
    page.select_option("#impact-kind", "storm")
    page.fill("#impact-storm", "R201713")
    page.click("#impact-analyse")
    people = page.locator('#impact-summary li[data-list="people"]')
    expect(people.locator(".impact-count")).to_have_text("2", timeout=15_000)
    expect(people.locator(".impact-measure")).to_contain_text("7")

    # The recommended 防风 level, confirmed by the commander: the response starts from the plan.
    page.goto(f"{daphne.url}/sanfang/decisions/")
    section = page.locator(f"#recommendation-{wind.pk}")
    expect(section.locator(".level")).to_contain_text("Ⅱ")
    section.locator("button.confirm").click()
    expect(page.locator(f"#recommendation-{wind.pk}")).to_have_class(
        "recommendation status-confirmed", timeout=10_000
    )
    response = EmergencyResponse.objects.get()
    assert (response.level, response.plan.code) == ("II", "test-wind")
