"""An administrator manages units and users in the browser; the audit page records it."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot
from tests.conftest import PASSWORD, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_an_admin_adds_a_user_and_sees_it_in_the_audit_trail(live_server, page):
    world = build_world()
    base = live_server.url
    login(page, base, "admin")
    page.click("text=用户管理")
    page.click("text=新增用户")
    page.fill("#id_username", "newclerk")
    page.fill("#id_name", "赵新")
    page.select_option("#id_unit", str(world.gov_a.pk))
    page.check("text=经办人")
    page.fill("#id_password", "simple")
    page.click("button.primary")
    assert "密码太短，至少需要 10 个字符" in page.locator(".field-error").first.inner_text()
    page.fill("#id_password", "Strong#Pass2026")
    page.click("button.primary")
    page.wait_for_url(f"{base}/users/")
    assert "已新增用户“赵新”" in page.locator(".messages").inner_text()
    screenshot(page, "core-users")
    # The administrator changes the new clerk's roles, deactivates and resets the password.
    page.click("text=newclerk")
    page.wait_for_selector("#id_name")
    page.check("text=单位管理员")
    page.uncheck("#id_is_active")
    page.click("button.primary")
    page.wait_for_url(f"{base}/users/")
    assert "已保存用户“赵新”" in page.locator(".messages").inner_text()
    page.click("text=审计日志")
    page.select_option("#id_action", label="新增用户")
    page.click("button:has-text('查询')")
    table = page.locator("table.data").inner_text()
    assert "赵新" in table
    assert "新增用户" in table
    assert "user.create" not in table
    assert "core.user" not in table
    page.select_option("#id_action", label="修改用户")
    page.click("button:has-text('查询')")
    table = page.locator("table.data").inner_text()
    assert (
        "角色：经办人 → 单位管理员、经办人" in table or "角色：经办人 → 经办人、单位管理员" in table
    )
    assert "有效：是 → 否" in table
    screenshot(page, "core-audit")
    page.click("text=单位管理")
    assert "临川区人民政府" in page.locator("table.data").inner_text()
    screenshot(page, "core-orgs")
    assert page.console_errors == []


def test_a_county_clerk_sees_only_their_own_unit(live_server, page):
    build_world()
    login(page, live_server.url, "clerk_b")
    page.click("text=单位管理")
    table = page.locator("table.data").inner_text()
    assert "南城县人民政府" in table
    assert "临川区" not in table
    assert page.locator("text=用户管理").count() == 0
    assert page.console_errors == []
