"""A citizen searches the law database in a real browser: query, filter, open an article."""

from __future__ import annotations

import pytest

from fazhi.laws.demo import load_demo_laws
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_citizen_searches_filters_and_opens_an_article(live_server, page):
    load_demo_laws()
    page.goto(f"{live_server.url}/public/")
    page.click("text=法规查询")
    page.wait_for_url(f"{live_server.url}/public/laws/")
    page.fill("#id_q", "行政复议 申请期限")
    page.click("button[type=submit]")
    first = page.locator(".laws-hit").first
    assert first.locator(".laws-hit-title").inner_text() == "中华人民共和国行政复议法"
    assert first.locator("mark").first.inner_text() in {"行政复议", "申请期限"}
    screenshot(page, "laws-search-results")

    page.fill("#id_q", "信息公开")
    page.select_option("#id_kind", "admin_regulation")
    page.click("button[type=submit]")
    titles = page.locator(".laws-hit-title").all_inner_texts()
    assert titles == ["中华人民共和国政府信息公开条例"]
    page.locator(".laws-article-link").first.click()
    page.wait_for_url("**/a/**")
    assert "中华人民共和国政府信息公开条例 第" in page.locator("h1").inner_text()
    page.click("text=在全文中查看")
    page.wait_for_load_state()
    assert page.locator(".laws-toc").is_visible()
    screenshot(page, "laws-document")
    assert page.console_errors == []


def test_a_bad_query_shows_a_chinese_message_in_the_page(live_server, page):
    load_demo_laws()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{live_server.url}/public/laws/?q=%3Cscript%3Ealert(1)%3C/script%3E+复议")
    assert page.locator("#id_q").input_value() == "<script>alert(1)</script> 复议"
    assert dialogs == []
    page.goto(f"{live_server.url}/public/laws/?q=法")
    assert "至少需要两个汉字" in page.locator(".form-error").inner_text()
    assert page.console_errors == []
