"""The typhoon panel of the one map in headless Chromium: pick Hato, see its track, move the slider."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.choices import RoleCode
from accounts.services.roles import role_assign
from sanfang.services.typhoons import storm_track_store
from sanfang.typhoon_formats import read_wztf
from tests.browser.test_bigscreen_browser import log_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pick_hato_see_the_track_and_replay_with_the_slider(daphne, browser, shared_data):
    track = read_wztf((shared_data / "typhoon" / "typhoon_hato_201713_wztf121.json").read_bytes())[0]
    storm_track_store(track=track, source="wztf")
    officer = UserFactory(username="duty_typhoon")
    role_assign(user=officer, role_code=RoleCode.DUTY_OFFICER)

    page = browser.new_page(viewport={"width": 1600, "height": 900}, locale="zh-CN")
    log_in(page, daphne.url, "duty_typhoon")
    page.goto(f"{daphne.url}/map/")
    panel = page.locator("#typhoon-panel")
    expect(panel).to_be_visible(timeout=15_000)
    expect(page.locator("#typhoon-storm option[value='201713']")).to_have_count(1, timeout=10_000)
    page.select_option("#typhoon-storm", "201713")
    expect(panel).to_have_attribute("data-fixes", "80", timeout=10_000)
    expect(panel).to_have_attribute("data-state", "ready", timeout=10_000)
    # The track: 80 fix markers drawn, coloured by class.
    expect(page.locator("path.typhoon-fix")).to_have_count(80)
    # Move the slider to the fix of 2017-08-23 04:00 UTC (index 52): wind circles 7/10/12 are drawn.
    slider = page.locator("#typhoon-slider")
    slider.evaluate("(s) => { s.value = '52'; s.dispatchEvent(new Event('input')); }")
    expect(panel).to_have_attribute("data-at", "2017-08-23T04:00:00Z", timeout=10_000)
    expect(page.locator("#typhoon-info")).to_contain_text("km")
    expect(page.locator("path.typhoon-circle")).to_have_count(3)
    page.screenshot(path="/tmp/typhoon-browser.png")
