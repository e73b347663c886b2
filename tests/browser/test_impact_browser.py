"""The impact panel on the one map in headless Chromium: draw a polygon, see the counts and the
lists grouped by district and town fill in; switch to the rain zone; and the /sanfang/impact/ page."""

from __future__ import annotations

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from playwright.sync_api import expect

from accounts.choices import RoleCode
from accounts.services.roles import role_assign
from emergency.models import Shelter
from gis.choices import AreaLevel
from gis.models import AdminArea
from sanfang.models import HazardPoint, PersonToMove, Station, StationStatus
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_bigscreen_browser import log_in
from tests.factories import OrganisationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def world():
    area = AdminArea.objects.create(
        adcode="440402",
        name="香洲区",
        level=AreaLevel.DISTRICT,
        geom=MultiPolygon(Polygon.from_bbox((113.45, 22.15, 113.60, 22.30)), srid=4326),
    )
    org = OrganisationFactory(name="香洲区", kind="district", admin_area=area)
    for name, lon, lat, people, town in (
        ("张一", 113.53, 22.23, 3, "拱北街道"),
        ("李二", 113.54, 22.25, 2, "吉大街道"),
        ("赵四", 113.59, 22.29, 5, "唐家湾镇"),  # outside the drawn square
    ):
        PersonToMove.objects.create(
            name=name, geom=Point(lon, lat, srid=4326), district=area, town=town, organisation=org,
            category="low_lying", people=people, contact_phone="13812345678",
        )  # fmt: skip
    HazardPoint.objects.create(
        name="将军山滑坡",
        geom=Point(113.525, 22.255, srid=4326),
        district=area,
        town="拱北街道",
        kind="landslide",
    )
    Shelter.objects.create(
        name="拱北避护所", organisation=org, geom=Point(113.53, 22.245, srid=4326), capacity=100
    )
    station = Station.objects.create(
        code="R1", name="拱北雨量站", kind="rain", geom=Point(113.53, 22.23, srid=4326)
    )
    StationStatus.objects.update_or_create(station=station, defaults={"rain_24h": 88})


def test_draw_a_zone_on_the_map_and_see_the_panel_fill(daphne, browser):
    world()
    officer = UserFactory(username="duty_zhou")
    role_assign(user=officer, role_code=RoleCode.DUTY_OFFICER)
    page = browser.new_page(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
    log_in(page, daphne.url, "duty_zhou")
    page.goto(f"{daphne.url}/map/")
    panel = page.locator("#impact-panel")
    expect(panel).to_be_visible(timeout=15_000)
    page.wait_for_function("window.sanfangImpactPanel && window.sanfangImpactPanel.map")
    page.evaluate("window.sanfangImpactPanel.map.setView([22.24, 113.54], 13)")
    page.wait_for_timeout(300)

    # Draw the square 113.52–113.56 E, 22.22–22.26 N by clicking its corners.
    page.select_option("#impact-kind", "polygon")
    page.click("#impact-draw")
    box = page.locator("#onemap").bounding_box()
    for lon, lat in ((113.52, 22.22), (113.56, 22.22), (113.56, 22.26), (113.52, 22.26)):
        xy = page.evaluate(
            "([lat, lon]) => { var p = window.sanfangImpactPanel.map.latLngToContainerPoint([lat, lon]);"
            " return [p.x, p.y]; }",
            [lat, lon],
        )
        page.mouse.click(box["x"] + xy[0], box["y"] + xy[1])
        page.wait_for_timeout(350)  # not a double-click
    page.click("#impact-finish")
    page.click("#impact-analyse")

    people = page.locator('#impact-summary li[data-list="people"]')
    expect(people.locator(".impact-count")).to_have_text("2", timeout=10_000)
    expect(people.locator(".impact-measure")).to_contain_text("5")
    expect(page.locator('#impact-summary li[data-list="hazards"] .impact-count')).to_have_text("1")
    expect(page.locator('#impact-summary li[data-list="shelters"] .impact-count')).to_have_text("1")
    # The people list, grouped by district and town.
    details = page.locator('details.impact-list[data-list="people"]')
    details.locator("summary").click()
    expect(details.locator(".impact-district")).to_contain_text("香洲区")
    expect(details.locator(".impact-town")).to_have_count(2)
    expect(details.locator(".impact-rows li")).to_have_count(2)
    expect(page.locator("#impact-export")).to_be_enabled()
    page.screenshot(path=str(ARTIFACTS / "impact-panel.png"))

    # The rain zone: a 5 km circle around the station over 50 mm in 24 h (≈ 78 km²); over 100 mm
    # nothing is left.
    page.select_option("#impact-kind", "rain")
    page.fill("#impact-min-mm", "50")
    page.click("#impact-analyse")
    expect(page.locator("#impact-status")).to_contain_text("78.", timeout=10_000)
    expect(people.locator(".impact-count")).to_have_text("2")
    page.fill("#impact-min-mm", "100")
    page.click("#impact-analyse")
    expect(people.locator(".impact-count")).to_have_text("0", timeout=10_000)

    # A bad zone gives a clear message.
    page.select_option("#impact-kind", "polygon")
    page.click("#impact-clear")
    page.click("#impact-analyse")
    expect(page.locator("#impact-status")).to_contain_text("params.geometry", timeout=10_000)

    # The page of its own works the same way.
    page.goto(f"{daphne.url}/sanfang/impact/")
    expect(page.locator("#impact-panel")).to_be_visible(timeout=10_000)
    page.select_option("#impact-kind", "rain")
    page.click("#impact-analyse")
    expect(page.locator('#impact-summary li[data-list="people"] .impact-count')).to_have_text(
        "2", timeout=10_000
    )
