"""A case's parts in a real browser under the strict CSP: the clerk opens a disclosure case's
timeline, registers a 第三人, fixes a 听证会 and brings in the 法制审核机构, and sees them
listed, the ID number and phone masked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.conftest import screenshot
from tests.conftest import PASSWORD, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ID_NUMBER = "11010519491231002X"
PHONE = "13607940001"


def test_a_clerk_adds_a_third_party_a_hearing_and_a_unit_on_the_timeline(live_server, page):
    from tests.disclosure.helpers import register

    world = build_world()
    request = register(world, on=timezone.localdate(), applicant_name="李明")
    hearing_on = (timezone.localdate() + timedelta(days=20)).isoformat()

    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "clerk_a")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/cases/{request.case_id}/")

    page.click("[data-part-form=party] summary")
    page.select_option("#id_party-role", "third_party")
    page.fill("#id_party-name", "抚州某某置业有限公司")
    page.fill("#id_party-id_number", ID_NUMBER)
    page.fill("#id_party-phone", PHONE)
    page.fill("#id_party-address", "抚州市临川区赣东大道2号")
    _top(page)
    screenshot(page, "case-parts-party-form")
    page.click("[data-part-form=party] button[type=submit]")
    page.wait_for_load_state()
    assert "已登记第三人“抚州某某置业有限公司”" in page.locator(".msg.success").inner_text()

    page.click("[data-part-form=appointment] summary")
    page.select_option("#id_appointment-kind", "hearing")
    page.fill("#id_appointment-on", hearing_on)
    page.fill("#id_appointment-place", "临川区人民政府三楼听证室")
    page.click("[data-part-form=appointment] button[type=submit]")
    page.wait_for_load_state()
    assert "已登记日程" in page.locator(".msg.success").inner_text()

    page.click("[data-part-form=participant] summary")
    page.select_option("#id_participant-unit", str(world.dept_a.pk))
    page.select_option("#id_participant-role", "legal_review")
    page.click("[data-part-form=participant] button[type=submit]")
    page.wait_for_load_state()
    assert "临川区司法局" in page.locator(".msg.success").inner_text()

    party = page.locator("[data-parties] tr[data-party]")
    assert party.count() == 1
    row = party.inner_text()
    assert all(shown in row for shown in ("第三人", "抚州某某置业有限公司"))
    assert page.locator("[data-parties] tr[data-party] [data-masked]").all_inner_texts() == [
        "******", "******"
    ]  # fmt: skip
    assert (
        f"{hearing_on} 听证会 · 临川区人民政府三楼听证室"
        in page.locator("[data-appointments] li[data-appointment]").inner_text()
    )
    assert (
        "法制审核机构：临川区司法局"
        in page.locator(f"[data-participant='{world.dept_a.pk}']").inner_text()
    )
    html = page.content()
    for secret in (ID_NUMBER, PHONE):
        assert secret not in html
    _top(page)
    screenshot(page, "case-parts-timeline")
    assert page.console_errors == []


def _top(page) -> None:
    """Scroll back to the top: in a full-page screenshot the sticky top bar stays where the
    viewport was."""
    page.evaluate("window.scrollTo(0, 0)")
