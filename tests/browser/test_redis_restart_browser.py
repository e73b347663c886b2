"""A restarted Redis loses no alert: the screen catches up from the database, and pushes resume."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.choices import RoleCode
from accounts.services.roles import role_assign
from tests.browser.conftest import DaphneServer, daphne_env
from tests.browser.test_bigscreen_browser import log_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_alerts_survive_a_redis_restart(transactional_db, private_redis, browser):
    officer = UserFactory(username="duty_zhao")
    role_assign(user=officer, role_code=RoleCode.DUTY_OFFICER)
    server = DaphneServer(daphne_env(CHANNEL_LAYER_URL=private_redis.url))
    server.start()
    try:
        page = browser.new_page(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
        log_in(page, server.url, "duty_zhao")
        page.goto(f"{server.url}/bigscreen/")
        expect(page.locator("#live-state")).to_have_attribute("data-state", "open", timeout=15_000)

        before = server.manage("raise_test_alert", "--title", "重启前").strip()
        expect(page.locator(f'.alert-item[data-alert-id="{before}"]')).to_be_visible(timeout=5_000)

        # Redis goes away: the push cannot be delivered, but the row is written and the command succeeds.
        private_redis.stop()
        during = server.manage("raise_test_alert", "--title", "Redis 停机期间").strip()
        private_redis.start()
        # The periodic sync (5 s here) brings it from the database.
        expect(page.locator(f'.alert-item[data-alert-id="{during}"]')).to_be_visible(timeout=20_000)

        # And live pushes work again once the channel layer has reconnected.
        page.wait_for_timeout(2_000)
        after = server.manage("raise_test_alert", "--title", "重启后").strip()
        expect(page.locator(f'.alert-item[data-alert-id="{after}"]')).to_be_visible(timeout=12_000)
    finally:
        server.stop()
