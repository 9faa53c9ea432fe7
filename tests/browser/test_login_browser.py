"""A person signs in with a real browser; the pages pass their own CSP."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot
from tests.conftest import PASSWORD, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_clerk_logs_in_sees_home_and_nothing_breaks_the_csp(live_server, page):
    build_world()
    page.goto(f"{live_server.url}/")
    assert page.url.startswith(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "clerk_a")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator(".whoami .unit").inner_text() == "临川区人民政府"
    assert page.locator(".whoami .name").inner_text() == "张临川"
    assert page.locator("[data-count='可见单位']").inner_text() == "1"
    # The stylesheet loaded (it is what colours the top bar) and no CSP violation occurred.
    colour = page.evaluate("getComputedStyle(document.querySelector('.topbar')).backgroundColor")
    assert colour == "rgb(179, 38, 30)"
    screenshot(page, "home-desktop")
    assert page.console_errors == []


def test_a_wrong_password_shows_a_chinese_message(live_server, page):
    build_world()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "clerk_a")
    page.fill("#id_password", "not-the-Password1")
    page.click("button[type=submit]")
    assert "请输入一个正确的" in page.locator(".form-error").inner_text()
    assert page.console_errors == []


def test_on_a_phone_the_navigation_opens_from_the_menu_button(live_server, browser):
    build_world()
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "supervisor")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    nav = page.locator("#sidenav")
    assert not nav.is_visible()
    page.click("[data-toggle-nav]")
    assert nav.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "home-phone")
    context.close()
    assert errors == []
