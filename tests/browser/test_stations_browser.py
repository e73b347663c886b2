"""The one map's station panel in headless Chromium: click a station, see its status and the chart of
its recent readings."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone
from playwright.sync_api import expect

from accounts.choices import RoleCode
from accounts.services.roles import role_assign
from sanfang.models import Reading, Station
from sanfang.services.monitoring import station_statuses_refresh
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_bigscreen_browser import log_in
from tests.browser.test_onemap_browser import wait_until
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LNG, LAT = 113.397, 22.238
# The label of the danger state (in Chinese once the catalogues are compiled).
DANGER = re.compile("超保证水位|Over danger level")


def test_click_a_station_and_see_its_chart(daphne, browser):
    now = timezone.now()
    river = Station.objects.create(
        code="ZH-H01",
        name="灯笼山水位站",
        kind="river",
        geom=Point(LNG, LAT, srid=4326),
        threshold_variable="water_level",
        warning_value=2.0,
        danger_value=2.8,
    )
    Reading.objects.bulk_create(
        [
            Reading(
                station=river,
                variable="water_level",
                time=now - timedelta(minutes=10 * i),
                value=2.9 - 0.02 * i,
            )
            for i in range(48)
        ]
    )
    station_statuses_refresh()
    officer = UserFactory(username="duty_zhao")
    role_assign(user=officer, role_code=RoleCode.DUTY_OFFICER)

    page = browser.new_page(viewport={"width": 1600, "height": 900}, locale="zh-CN")
    log_in(page, daphne.url, "duty_zhao")
    tiles = []
    page.on("response", lambda r: tiles.append((r.url, r.status)) if "/tiles/stations/" in r.url else None)
    page.goto(f"{daphne.url}/map/")
    page.wait_for_function("() => window.ccOnemap && window.echarts")
    # The legend colours the stations by state.
    expect(page.locator("#layer-tree")).to_contain_text(DANGER)
    wait_until(page, lambda: any(status == 200 for _url, status in tiles))
    tiles.clear()
    page.evaluate(f"() => window.ccOnemap.map.setView([{LAT}, {LNG}], 13)")
    wait_until(page, lambda: any("/13/" in url and status == 200 for url, status in tiles))
    page.wait_for_timeout(500)  # the canvas tile draws after it arrives

    # A click on the station's feature (fired on the layer as VectorGrid fires it: headless Chromium's
    # synthetic mouse does not reach the canvas tiles' hit test reliably).
    page.evaluate(
        f"""() => window.ccOnemap.layers.stations.grid.fire("click", {{
            layer: {{ properties: {{ id: {river.pk} }} }}, latlng: L.latLng({LAT}, {LNG}),
        }})"""
    )
    panel = page.locator("#station-panel")
    expect(panel).to_be_visible(timeout=10_000)
    expect(panel.locator(".station-panel-title")).to_have_text("灯笼山水位站 (ZH-H01)")
    expect(panel).to_have_attribute("data-state", "danger")
    expect(panel).to_contain_text(DANGER)
    # The chart has the 24 h of readings (48 points) and is drawn on a canvas.
    expect(panel).to_have_attribute("data-points", "48")
    expect(panel.locator("#station-chart canvas")).to_have_count(1)
    assert (
        page.evaluate(
            "() => echarts.getInstanceByDom(document.getElementById('station-chart')).getOption().series[0].data.length"
        )
        == 48
    )

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "onemap-station-panel.png"))
    panel.locator(".station-panel-close").click()
    expect(panel).to_be_hidden()
    page.close()
