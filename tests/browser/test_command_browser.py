"""The "done means" flow of the command core in headless Chromium against a real Daphne: a duty officer
reports a flood on the one map and sees the nearest shelter and rescue team; the commander starts a Ⅳ
response from the flood plan; a member unit reports its task done; the big screen shows the progress."""

from __future__ import annotations

import pytest
from django.contrib.gis.geos import Point
from playwright.sync_api import expect

from emergency.models import EmergencyResponse, Incident, RescueTeam, Shelter
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_bigscreen_browser import log_in
from tests.emergency.command_fixtures import seed_incident_types
from tests.emergency.plan_fixtures import PNG, plan, units  # noqa: F401  (fixtures)


@pytest.fixture
def incident_types(transactional_db):
    seed_incident_types()


pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("incident_types", "units", "plan"),
]


@pytest.fixture
def resources(personas):
    """A shelter and a team near the flood, a shelter far away; made before the browser's event loop
    starts (their saves broadcast map-layer changes)."""
    Shelter.objects.create(
        name="香洲区第一中学避难场所",
        organisation=personas.bureau,
        geom=Point(113.553, 22.252, srid=4326),
        capacity=800,
        is_open=True,
    )
    Shelter.objects.create(  # outside the 10 km radius: not listed
        name="斗门区体育馆避难场所",
        organisation=personas.bureau,
        geom=Point(113.25, 22.25, srid=4326),
        capacity=500,
        is_open=True,
    )
    RescueTeam.objects.create(
        name="香洲区应急救援大队", organisation=personas.bureau, geom=Point(113.547, 22.249, srid=4326)
    )


def test_report_on_map_start_response_report_task_big_screen(resources, daphne, browser, personas, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)

    # 1. The duty officer reports a flood on the one map.
    duty = browser.new_context(viewport={"width": 1600, "height": 900}, locale="zh-CN").new_page()
    log_in(duty, daphne.url, "duty")
    duty.goto(f"{daphne.url}/map/")
    expect(duty.locator("#report-start")).to_be_visible(timeout=15_000)
    duty.locator("#report-start").click()
    # Submitting before placing the point says what is missing.
    duty.fill("#report-title", "前山河水位超警")
    duty.locator("#report-submit").click()
    expect(duty.locator('[data-error-for="geometry"]')).to_contain_text("请先")
    duty.evaluate("window.ccOnemap.map.setView([22.25, 113.55], 14, {animate: false})")
    duty.wait_for_timeout(300)
    box = duty.locator("#onemap").bounding_box()
    duty.locator("#onemap").click(position={"x": box["width"] / 2, "y": box["height"] / 2})
    expect(duty.locator("#report-hint")).to_contain_text("22.25")
    duty.locator("#report-submit").click()  # no type nor level: the API's field errors show
    expect(duty.locator('[data-error-for="type"]')).not_to_be_empty(timeout=30_000)
    expect(duty.locator('[data-error-for="level"]')).not_to_be_empty()
    duty.select_option("#report-type", "flood")
    duty.select_option("#report-level", "IV")
    duty.fill("#report-description", "前山河水位超过警戒水位0.3米")
    duty.locator("#report-submit").click()
    saved = duty.locator(".report-saved")
    expect(saved).to_contain_text("前山河水位超警", timeout=10_000)
    shelters = duty.locator('.nearest-list[data-kind="shelter"]')
    teams = duty.locator('.nearest-list[data-kind="team"]')
    expect(shelters).to_contain_text("香洲区第一中学避难场所")
    expect(shelters).not_to_contain_text("斗门区体育馆避难场所")
    expect(teams).to_contain_text("香洲区应急救援大队")
    expect(duty.locator(".leaflet-interactive")).not_to_have_count(0)
    duty.wait_for_timeout(800)
    duty.screenshot(path=str(ARTIFACTS / "command-report-incident.png"))
    incident = Incident.objects.get(title="前山河水位超警")
    assert saved.get_attribute("data-incident-id") == str(incident.pk)
    assert incident.district == personas.area_a and incident.source == "web"

    # 2. The commander starts a Ⅳ response from the flood plan on the incident page.
    command_context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    commander = command_context.new_page()
    log_in(commander, daphne.url, "commander")
    commander.goto(f"{daphne.url}/incidents/")
    commander.locator(f'a[href="/incidents/{incident.pk}/"]').click()
    expect(commander.locator("#timeline")).to_contain_text("已上报")
    commander.select_option("#id_plan", label="测试防汛应急预案")
    commander.select_option("#id_level", "IV")
    commander.fill("#id_reason", "前山河水位超警，暴雨黄色预警")
    commander.locator("#response-start button.primary").click()
    expect(commander.locator(".messages")).to_contain_text("4")
    expect(commander.locator("#responses")).to_contain_text("0/4")
    assert EmergencyResponse.objects.get().level == "IV"
    commander.screenshot(path=str(ARTIFACTS / "command-incident-response.png"), full_page=True)

    screen = command_context.new_page()
    screen.set_viewport_size({"width": 1920, "height": 1080})
    screen.goto(f"{daphne.url}/bigscreen/")
    panel = screen.locator('[data-panel="active_responses"]')
    expect(panel).to_contain_text("前山河水位超警", timeout=15_000)
    expect(panel).to_contain_text("0/4")

    # 3. A member-unit user of 香洲 sees the task, accepts it and reports it done with a photo.
    staff = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN").new_page()
    log_in(staff, daphne.url, "staff_a")
    staff.goto(f"{daphne.url}/tasks/")
    task = staff.locator(".task", has_text="排查香洲低洼易涝点")
    expect(task).to_be_visible()
    expect(staff.locator(".task", has_text="排查斗门低洼易涝点")).to_have_count(0)
    task.locator('button[value="accepted"]').click()
    task = staff.locator(".task", has_text="排查香洲低洼易涝点")
    expect(task).to_have_class("task status-accepted")
    photo = tmp_path / "现场.png"
    photo.write_bytes(PNG)
    task.locator("textarea[name=note]").fill("已排查低洼点3处，无人员被困")
    task.locator("input[name=photo]").set_input_files(str(photo))
    task.locator('button[value="done"]').click()
    expect(staff.locator(".messages")).to_be_visible()
    staff.goto(f"{daphne.url}/tasks/?show=all")
    done = staff.locator(".task", has_text="排查香洲低洼易涝点")
    expect(done).to_have_class("task status-done")
    expect(done.locator(".reports")).to_contain_text("已排查低洼点3处")
    expect(done.locator(".reports a")).to_contain_text(".png")
    staff.screenshot(path=str(ARTIFACTS / "command-my-tasks.png"), full_page=True)

    # 4. The big screen's active-responses panel shows the progress, pushed.
    expect(panel).to_contain_text("1/4", timeout=10_000)
    screen.screenshot(path=str(ARTIFACTS / "command-bigscreen-progress.png"))
    commander.reload()
    expect(commander.locator("#responses")).to_contain_text("1/4")
