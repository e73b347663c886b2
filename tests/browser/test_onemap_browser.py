"""The one map in headless Chromium: layer tree from the catalogue, toggling, district filter,
search with popups, and a live layer redrawn when its data changes."""

from __future__ import annotations

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from playwright.sync_api import expect

from accounts.choices import RoleCode
from accounts.services.roles import role_assign
from gis.choices import AreaLevel
from gis.models import AdminArea, RiskZone
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_bigscreen_browser import log_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def wait_until(page, condition, timeout_ms=10_000):
    waited = 0
    while not condition():
        assert waited < timeout_ms, "condition not met in time"
        page.wait_for_timeout(100)
        waited += 100


def test_one_map_layers_filter_search_and_live_redraw(daphne, browser):
    area = AdminArea.objects.create(
        adcode="440402",
        name="香洲区",
        level=AreaLevel.DISTRICT,
        geom=MultiPolygon(Polygon.from_bbox((113.45, 22.15, 113.60, 22.30)), srid=4326),
    )
    RiskZone.objects.create(
        name="拱北口岸风险区",
        level="major",
        district=area,
        geom=MultiPolygon(Polygon.from_bbox((113.53, 22.19, 113.56, 22.22)), srid=4326),
    )
    officer = UserFactory(username="duty_wang")
    role_assign(user=officer, role_code=RoleCode.DUTY_OFFICER)

    page = browser.new_page(viewport={"width": 1600, "height": 900}, locale="zh-CN")
    log_in(page, daphne.url, "duty_wang")
    tiles = []
    page.on("response", lambda r: tiles.append((r.url, r.status)) if "/tiles/" in r.url else None)
    page.goto(f"{daphne.url}/map/")
    expect(page.locator("#live-state")).to_have_attribute("data-state", "open", timeout=15_000)

    # The tree and legend come from the catalogue, in Chinese.
    tree = page.locator("#layer-tree")
    expect(tree).to_contain_text("行政区界线")
    expect(tree).to_contain_text("风险四色图")
    expect(tree.locator(".legend", has_text="重大风险").first).to_contain_text("低风险")
    wait_until(page, lambda: any("/tiles/risk_zones/" in url and status == 200 for url, status in tiles))

    # Toggling a layer off removes it from the map.
    page.locator('#layer-tree input[data-layer="risk_zones"]').uncheck()
    assert (
        page.evaluate("() => window.ccOnemap.map.hasLayer(window.ccOnemap.layers.risk_zones.grid)") is False
    )
    page.locator('#layer-tree input[data-layer="risk_zones"]').check()
    assert page.evaluate("() => window.ccOnemap.map.hasLayer(window.ccOnemap.layers.risk_zones.grid)") is True

    # The district filter zooms to the district and outlines it.
    page.select_option("#district-filter", str(area.pk))
    page.wait_for_function("() => window.ccOnemap.highlight !== null")
    assert page.evaluate("() => window.ccOnemap.map.getZoom()") >= 11

    # Search finds the zone; its popup shows the details and a link to its record.
    page.fill("#search-input", "拱北")
    page.click("#map-search button")
    page.locator("#search-results button", has_text="拱北口岸风险区").click()
    popup = page.locator(".feature-popup")
    expect(popup).to_contain_text("拱北口岸风险区")
    expect(popup).to_contain_text("重大风险")
    expect(popup.locator("a")).to_have_attribute(
        "href", f"/admin/geo/riskzone/{RiskZone.objects.get().pk}/change/"
    )

    # A live layer (alerts) is fetched again as soon as an alert with a place is raised.
    tiles.clear()
    daphne.manage("raise_test_alert", "--level", "red", "--point", "113.54,22.20", "--title", "拱北测试预警")
    expect(page.locator(".toast")).to_contain_text("拱北测试预警", timeout=5_000)
    wait_until(page, lambda: any("/tiles/alerts/" in url for url, _status in tiles))

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "onemap-search.png"))
    page.close()
