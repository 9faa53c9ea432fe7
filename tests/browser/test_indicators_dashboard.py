"""The targets dashboard in a real browser: figures, states, server-drawn charts, strict CSP."""

from __future__ import annotations

from datetime import date

import pytest

from fazhi.indicators import services
from fazhi.indicators.services import Upload
from tests.browser.conftest import screenshot
from tests.conftest import PASSWORD, build_world
from tests.disclosure.helpers import act, register
from tests.indicators.helpers import by_name, import_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_the_supervisor_reads_the_dashboard_and_drills_into_a_number(live_server, page):
    world = build_world()
    plan = import_plan(world)
    # Committed for real here (transactional test): the disclosure signal recomputes on commit.
    request = register(world, on=date(2026, 9, 1))
    act(world, request, "reply", date(2026, 10, 20), reply_type="public", reply_text="予以公开")
    register(world, on=date(2026, 9, 2), unit=world.gov_b, actor=world.clerk_b)
    lectures = by_name(plan, "讲座")
    for clerk, unit, value in (
        (world.clerk_a, world.gov_a, "1"),
        (world.clerk_b, world.gov_b, "2"),
    ):
        services.indicator_value_report(
            actor=clerk,
            indicator_id=lectures.pk,
            unit=unit,
            year=2026,
            value=value,
            files=[Upload("通知.pdf", b"%PDF-1.7")],
        )
    services.annual_report_ensure(actor=world.supervisor, plan=plan, year=2025)

    _login(page, live_server, "supervisor")
    page.click("nav#sidenav >> text=指标看板")
    page.select_option("#id_year", "2026")
    page.click("[data-year-filter] button")
    page.wait_for_url("**/indicators/?year=2026")
    answer = page.locator("tr[data-indicator='1.1']")
    assert answer.locator("[data-value]").inner_text() == "50%"  # 1 of 2 owed a reply
    assert answer.locator("[data-status]").inner_text() == "未达标"
    assert page.locator("tr[data-indicator='3.1'] [data-status]").inner_text() == "无数据"
    lecture_row = page.locator("tr[data-indicator='2.1']")  # owed by 3 units, 2 reported
    assert lecture_row.locator("[data-status]").inner_text() == "未达标"
    assert lecture_row.locator("[data-coverage]").inner_text() == "仅 2/3 个单位报送"
    assert page.locator("[data-deadlines]").is_visible()
    assert page.locator("svg.chart").count() >= 3
    screenshot(page, "indicators-dashboard")

    answer.locator("[data-value] a").click()
    page.wait_for_url("**/records/")
    assert page.locator("[data-records] tbody tr").count() == 2
    assert "（2 条）" in page.locator("h2").first.inner_text()
    screenshot(page, "indicators-records")

    page.goto(f"{live_server.url}/indicators/{lectures.pk}/?year=2026")
    assert page.locator("tr[data-unit='南城县人民政府']").inner_text().count("达标") == 1
    screenshot(page, "indicators-detail")
    assert page.console_errors == []


def test_the_supervisor_sees_a_provisional_ranking_and_downloads_it(live_server, page):
    from openpyxl import load_workbook

    from fazhi.indicators.models import Rule

    world = build_world()
    scheme = services.scheme_create(
        actor=world.supervisor, year=2026, title="2026年度考核", units=[world.gov_a, world.gov_b]
    )
    item = services.scheme_item_add(
        actor=world.supervisor, scheme_id=scheme.pk, name="法治督察问题整改", points="50",
        rule=Rule.ASSESSOR,
    )  # fmt: skip
    services.score_set(
        actor=world.supervisor, item_id=item.pk, unit=world.gov_a, score="45", reason="整改到位"
    )

    _login(page, live_server, "supervisor")
    page.goto(f"{live_server.url}/indicators/assessment/{scheme.pk}/")
    ranking = page.locator("[data-ranking='县（区）']")
    assert (
        "排名为暂定：1 个考核项尚未评分（共 50 分）"
        in ranking.locator("[data-provisional]").inner_text()
    )
    assert ranking.locator("[data-state]").inner_text() == "暂定"
    assert ranking.locator("tr[data-unit='临川区人民政府'] [data-rank]").inner_text() == "1"
    assert ranking.locator("tr[data-unit='南城县人民政府'] [data-rank]").inner_text() == "未评分"
    screenshot(page, "indicators-ranking")
    with page.expect_download() as download:
        page.click("[data-export]")
    assert download.value.suggested_filename.endswith(".xlsx")
    with open(download.value.path(), "rb") as saved:
        ws = load_workbook(saved)["县（区）排名"]
    assert ws["A1"].value == "2026年度考核 · 县（区）得分与排名（暂定）"
    assert page.console_errors == []
