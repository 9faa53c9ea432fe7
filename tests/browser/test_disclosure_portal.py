"""A citizen applies on the portal, the office asks for 补正, the citizen supplies it by query
code, the office replies, the citizen sees the reply — in a real browser, CSP clean."""

from __future__ import annotations

import re

import pytest

from fazhi.disclosure import services
from tests.browser.conftest import screenshot
from tests.conftest import PASSWORD, build_world
from tests.procedures.signers import signer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def _act(page, action, fields):
    box = page.locator(f"details[data-action='{action}']")
    box.locator("summary").click()
    for name, value in fields.items():
        box.locator(f"[name='{action}-{name}']").fill(value) if not name.startswith(
            "select:"
        ) else (box.locator(f"[name='{action}-{name[7:]}']").select_option(value))
    with page.expect_navigation():
        box.locator("button[type=submit]").click()


def _queue(page, base, kind):
    """The home page's 我的待办 count of ``kind`` (0 when the card shows no items)."""
    page.goto(f"{base}/")
    card = page.locator(f"[data-queue-kind='{kind}'] [data-count]")
    return int(card.inner_text()) if card.count() else 0


def test_a_citizen_applies_supplies_the_correction_and_reads_the_reply(live_server, browser):
    world = build_world()
    services.desk_set(actor=None, unit=world.gov_a)
    base = live_server.url
    citizen = browser.new_context(
        locale="zh-CN", viewport={"width": 1280, "height": 900}
    ).new_page()
    errors: list[str] = []
    citizen.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    citizen.goto(f"{base}/public/")
    citizen.click("text=政府信息公开申请")
    citizen.select_option("#id_unit", str(world.gov_a.pk))
    citizen.fill("#id_applicant_name", "陈晨")
    citizen.fill("#id_phone", "13907945678")
    citizen.fill("#id_description", "临川区2026年老旧小区改造项目清单")
    screenshot(citizen, "disclosure-portal-apply")
    citizen.click("button:has-text('提交申请')")
    citizen.wait_for_url("**/public/disclosure/submitted/")
    code = citizen.locator("[data-query-code]").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{5}-[A-Z0-9]{5}", code)
    screenshot(citizen, "disclosure-portal-submitted")

    office = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    office.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    _login(office, base, "clerk_a")
    office.click("nav#sidenav >> text=依申请公开")
    office.click(f"[data-pending] >> text={code}")
    _act(office, "confirm", {})
    assert "办理中" in office.locator("[data-state]").inner_text()
    _act(office, "ask_correction", {"items": "请写明小区名称"})
    assert "待申请人补正" in office.locator("[data-state]").inner_text()
    screenshot(office, "disclosure-office-correction")

    # The citizen comes back later in a fresh browser: code + phone's last four digits.
    later = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    later.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    later.goto(f"{base}/public/disclosure/status/")
    later.fill("#id_code", code.lower())
    later.fill("#id_phone_last4", "5678")
    later.click("button:has-text('查询')")
    later.wait_for_url(f"**/status/{code}/")
    assert "请写明小区名称" in later.locator("[data-supply]").inner_text()
    later.fill("#id_text", "文昌里小区")
    with later.expect_navigation():
        later.click("button:has-text('提交补正')")
    assert "办理中" in later.locator("[data-state]").inner_text()
    screenshot(later, "disclosure-portal-supplied")

    office.reload()
    _act(office, "reply", {"select:reply_type": "public", "reply_text": "予以公开，清单附后。"})
    # Drafted, not replied: the chain is shown and nothing has reached the citizen.
    assert "办理中" in office.locator("[data-state]").inner_text()
    assert "审批中：答复" in office.locator("[data-approval]").inner_text()
    assert office.locator("[data-approval-form]").count() == 0  # the drafter cannot sign
    screenshot(office, "disclosure-office-drafted")
    later.reload()
    assert "办理中" in later.locator("[data-state]").inner_text()
    assert "答复书" not in later.locator("body").inner_text()
    detail = office.url
    # The clerk's queue no longer holds the request: it waits for its signers.
    assert _queue(office, base, "disclosure.handle") == 0

    # 科室负责人 审核, 法制审核, 机关负责人 签发 — each from their queue to the request's page.
    people = {}
    for step in ("review", "legal", "sign"):
        person = browser.new_context(
            locale="zh-CN", viewport={"width": 1280, "height": 900}
        ).new_page()
        person.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        _login(person, base, signer(world.gov_a, step).username)
        people[step] = person
    for step in ("review", "legal", "sign"):
        person = people[step]
        waiting = {s: _queue(people[s], base, "disclosure.approval") for s in people}
        assert waiting == {s: int(s == step) for s in people}, (step, waiting)
        person.goto(detail)
        panel = person.locator("[data-approval]")
        assert panel.get_attribute("data-step") == step
        assert person.locator("[data-approval-form]").count() == 1
        person.fill("[name='approval-comment']", "同意")
        screenshot(person, f"disclosure-sign-{step}")
        with person.expect_navigation():
            person.click("[data-decision='approve']")
        assert _queue(person, base, "disclosure.approval") == 0
        later.reload()
        if step != "sign":
            assert "答复书" not in later.locator("body").inner_text(), step

    # Signed: the reply waits for the clerk's 送达.
    assert _queue(office, base, "disclosure.handle") == 1
    office.goto(detail)
    assert "已答复待送达" in office.locator("[data-state]").inner_text()
    office.click("text=完整办理过程")
    # submitted, confirmed, 补正 notice, supply, the draft, three signatures, the reply
    assert office.locator("[data-timeline] > li").count() == 9
    screenshot(office, "disclosure-office-timeline")

    later.reload()
    assert "已答复待送达" in later.locator("[data-state]").inner_text()
    assert "政府信息公开申请答复书" in later.locator("[data-documents]").inner_text()
    screenshot(later, "disclosure-portal-reply")
    assert errors == []
