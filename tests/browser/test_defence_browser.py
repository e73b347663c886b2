"""Defence progress in headless Chromium against a real Daphne: a member unit reports on the phone page,
the command centre's big screen and overview show the new totals against the targets."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.choices import RoleCode
from accounts.services.roles import role_assign
from sanfang.models import DefenceReport
from sanfang.services.defence import DEFENCE_PANEL, defence_target_set
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_bigscreen_browser import log_in
from tests.emergency.command_fixtures import report, seed_incident_types
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def event(transactional_db, personas):
    seed_incident_types()
    incident = report(personas.duty, title="台风天鸽防御")
    defence_target_set(
        user=personas.commander,
        incident_id=incident.pk,
        district_id=personas.area_a.pk,
        town="拱北",
        category="people_moved",
        target=1000,
    )
    staff = UserFactory(username="town_staff", organisation=personas.town_a)
    role_assign(user=staff, role_code=RoleCode.MEMBER_UNIT_STAFF)
    return incident


def test_unit_reports_on_phone_and_totals_update(event, daphne, browser, personas):
    ARTIFACTS.mkdir(exist_ok=True)
    command = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    screen = command.new_page()
    log_in(screen, daphne.url, "commander")
    screen.goto(f"{daphne.url}/bigscreen/")
    panel = screen.locator(f'[data-panel="{DEFENCE_PANEL}"]')
    expect(panel).to_contain_text("台风天鸽防御", timeout=15_000)
    expect(panel).to_contain_text("0 / 1,000")

    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True
    ).new_page()
    log_in(phone, daphne.url, "town_staff")
    phone.goto(f"{daphne.url}/sanfang/defence/report/")
    expect(phone.locator("#defence-report-form")).to_be_visible()
    # The form fits the phone's width (no sideways scrolling).
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    phone.select_option("#id_district", label="香洲区")
    phone.fill("#id_town", "拱北")
    phone.select_option("#id_category", "people_moved")
    phone.fill("#id_value", "-3")
    phone.locator("#defence-report-form button.primary").click()
    expect(phone.locator('[data-field="value"]')).to_be_visible()
    phone.fill("#id_value", "420")
    phone.locator("#defence-report-form button.primary").click()
    expect(phone.locator(".messages")).to_contain_text("420")
    expect(phone.locator("#my-reports")).to_contain_text("420")
    phone.screenshot(path=str(ARTIFACTS / "defence-report-phone.png"), full_page=True)
    assert DefenceReport.objects.get().value == 420

    # The big screen gets the new figure pushed, without a reload.
    expect(panel).to_contain_text("420 / 1,000", timeout=15_000)
    expect(panel).to_contain_text("42%")
    screen.screenshot(path=str(ARTIFACTS / "defence-bigscreen.png"))

    overview = command.new_page()
    overview.goto(f"{daphne.url}/sanfang/defence/")
    card = overview.locator('#defence-totals [data-category="people_moved"]')
    expect(card.locator(".done")).to_have_text("420")
    expect(card.locator(".percent")).to_have_text("42%")
    expect(overview.locator("#defence-places")).to_contain_text("拱北")
    overview.screenshot(path=str(ARTIFACTS / "defence-overview.png"), full_page=True)
