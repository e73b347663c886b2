"""The big screen in headless Chromium against a real Daphne: push, drop, restart, catch up."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from accounts.choices import RoleCode
from accounts.services.roles import role_assign
from tests.browser.conftest import ARTIFACTS
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{base_url}/")


def test_big_screen_receives_alerts_across_a_server_restart(daphne, browser):
    officer = UserFactory(username="duty_li", last_name="李", first_name="值班")
    role_assign(user=officer, role_code=RoleCode.DUTY_OFFICER)

    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    screen = context.new_page()
    log_in(screen, daphne.url, "duty_li")
    screen.goto(f"{daphne.url}/bigscreen/")
    state = screen.locator("#live-state")
    expect(state).to_have_attribute("data-state", "open", timeout=15_000)
    expect(screen.locator('[data-panel="active_warnings"]')).to_be_visible()

    # The one map is open too, in another tab of the same officer.
    onemap = context.new_page()
    onemap.goto(f"{daphne.url}/map/")
    expect(onemap.locator("#live-state")).to_have_attribute("data-state", "open", timeout=15_000)
    expect(onemap.locator('#layer-tree input[data-layer="districts"]')).to_be_checked()

    # 1. An alert raised by another process appears at once, and flashes (it is red).
    first = daphne.manage(
        "raise_test_alert", "--level", "red", "--title", "第一条：台风红色预警", "--point", "113.55,22.25"
    ).strip()
    item = screen.locator(f'.alert-item[data-alert-id="{first}"]')
    expect(item).to_contain_text("第一条：台风红色预警", timeout=5_000)
    expect(item).to_contain_text("红色")
    expect(screen.locator("#flash")).to_be_visible()
    expect(screen.locator("#flash-title")).to_have_text("第一条：台风红色预警")
    expect(onemap.locator(f'.toast[data-alert-id="{first}"]')).to_be_visible(timeout=5_000)

    # 2. The web server goes away: the screen says so at once.
    daphne.stop()
    expect(state).to_have_attribute("data-state", re.compile("closed|connecting"), timeout=5_000)
    expect(screen.locator("body")).to_have_class(re.compile("disconnected"))

    # 3. An alert raised while it is down is stored, and reaches the screen after the restart.
    second = daphne.manage(
        "raise_test_alert", "--level", "orange", "--title", "第二条：断线期间的预警"
    ).strip()
    daphne.start()
    expect(state).to_have_attribute("data-state", "open", timeout=30_000)
    expect(screen.locator(f'.alert-item[data-alert-id="{second}"]')).to_contain_text(
        "第二条：断线期间的预警", timeout=10_000
    )
    expect(screen.locator(f'.alert-item[data-alert-id="{first}"]')).to_be_visible()
    expect(onemap.locator(f'.toast[data-alert-id="{second}"]')).to_be_visible(timeout=30_000)

    # 4. The duty officer acknowledges both flashing alerts; every screen shows who did.
    for alert_id in (first, second):
        expect(screen.locator("#flash")).to_have_attribute("data-alert-id", alert_id)
        screen.locator("#flash-ack").click()
        ack = screen.locator(f'.alert-item[data-alert-id="{alert_id}"] .alert-ack')
        expect(ack).to_contain_text("李值班", timeout=5_000)
    expect(screen.locator("#flash")).to_be_hidden()

    # The acknowledgement redrew the live layers; let the tiles arrive before the picture.
    screen.wait_for_timeout(1500)
    ARTIFACTS.mkdir(exist_ok=True)
    screen.screenshot(path=str(ARTIFACTS / "bigscreen.png"))
    onemap.screenshot(path=str(ARTIFACTS / "onemap.png"))
    context.close()
