"""Log in through headless Chromium and see the Chinese home page."""

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_shows_the_chinese_home_page(live_server, browser_page):
    UserFactory(username="duty_officer_zhang", last_name="张", first_name="值班")
    page = browser_page
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url  # anonymous visitors are sent to log in
    assert page.locator("h1").inner_text() == "应急指挥中心"
    page.fill("#id_username", "duty_officer_zhang")
    page.fill("#id_password", PASSWORD)
    page.click("button.primary")
    page.wait_for_selector("section.welcome")
    assert page.url == f"{live_server.url}/"
    assert page.locator("section.welcome h1").inner_text() == "欢迎，张值班"
    nav = page.locator("nav.mainnav").inner_text()
    for label in (
        "一张图",
        "指挥大屏",
        "突发事件",
        "应急资源",
        "应急预案",
        "三防",
        "森林防火",
        "企业安全",
        "数据接入",
        "系统管理",
    ):
        assert label in nav
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "home-zh.png"), full_page=True)

    # The language switch is on the page and turns the interface into English.
    page.select_option("#lang-select", "en")
    page.wait_for_selector("text=Welcome")
    assert "One map" in page.locator("nav.mainnav").inner_text()
    page.screenshot(path=str(ARTIFACTS / "home-en.png"), full_page=True)


def test_wrong_password_shows_a_clear_error(live_server, browser_page):
    UserFactory(username="someone")
    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "someone")
    page.fill("#id_password", "Wrong-pass-1")
    page.click("button.primary")
    page.wait_for_selector(".error")
    assert "用户名" in page.locator(".error").inner_text() or "密码" in page.locator(".error").inner_text()
