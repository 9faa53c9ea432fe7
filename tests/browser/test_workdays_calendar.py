"""The calendar month page in a real browser: holidays, 调休 and the provisional banner, CSP clean."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot
from tests.conftest import PASSWORD, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_a_clerk_reads_october_2026_and_the_provisional_2027(live_server, page):
    build_world()
    _login(page, live_server.url, "clerk_a")
    page.click("text=工作日历")
    page.goto(f"{live_server.url}/calendar/month/?m=2026-10")
    holiday = page.locator("td[data-date='2026-10-01']")
    assert holiday.get_attribute("data-kind") == "holiday"
    assert "国庆节放假" in holiday.inner_text()
    makeup = page.locator("td[data-date='2026-10-10']")
    assert "国庆节调休上班" in makeup.inner_text()
    # The stylesheet applied: holidays and 调休 days are coloured differently from plain days.
    colour = "el => getComputedStyle(el).backgroundColor"
    assert holiday.evaluate(colour) != makeup.evaluate(colour)
    assert page.locator(".banner-provisional").count() == 0
    screenshot(page, "workdays-month-2026-10")
    page.click("a[rel=next]")
    page.wait_for_url("**/calendar/month/?m=2026-11")
    page.goto(f"{live_server.url}/calendar/month/?m=2027-02")
    assert page.locator(".banner-provisional").is_visible()
    assert "2027年尚未导入官方放假安排" in page.locator(".banner-provisional").inner_text()
    screenshot(page, "workdays-month-2027-02-provisional")
    assert page.console_errors == []


def test_the_calculator_shows_each_step_under_the_due_date(live_server, page):
    build_world()
    _login(page, live_server.url, "supervisor")
    page.goto(f"{live_server.url}/calendar/rules/")
    page.fill("#id_start", "2026-02-10")
    page.select_option("#id_rule", "disclosure.reply")
    page.click("button.primary")
    assert page.locator(".result").get_attribute("data-due") == "2026-03-16"
    steps = page.locator(".explanation li").all_inner_texts()
    assert steps[0].startswith("规则：依申请公开答复")
    assert "2026-02-15 至 2026-02-23 春节放假" in " ".join(steps)
    screenshot(page, "workdays-rules-calculator")
    assert page.console_errors == []
