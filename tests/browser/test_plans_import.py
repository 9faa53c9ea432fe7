"""A supervisor imports the seed plan in a real browser: upload, fix a warning, confirm, ledger."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import ARTIFACTS, screenshot
from tests.conftest import PASSWORD, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "000_242dd94098f8f416.txt"


def test_a_supervisor_imports_the_seed_and_sees_the_ledger(live_server, page):
    if not SEED.exists():
        pytest.skip(f"参考方案不存在：{SEED}（需要 /work/shared）")
    from fazhi.core.demo import load_demo

    build_world()
    load_demo()
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "supervisor")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.click("nav#sidenav >> text=方案导入")
    page.set_input_files("#id_file", str(SEED))
    page.click("button:has-text('上传并解析')")
    page.wait_for_url("**/plans/import/*/")
    assert page.locator("[data-count='measures']").inner_text() == "26"
    assert page.locator("[data-count='tasks']").inner_text() == "46"
    assert page.locator("[data-count='warnings']").inner_text() == "8"
    assert page.locator("#t13-3 .warning-note").inner_text().startswith("第13项措施第3条任务")
    screenshot(page, "plans-import-preview")
    page.locator("#m3").screenshot(path=str(ARTIFACTS / "plans-import-measure3.png"))

    # Fix one warning: measure 19's title ran into its text; confirm a corrected title.
    measure = page.locator("#m19")
    measure.locator("summary:has-text('修改标题')").click()
    measure.locator(".measure-head input[name=title]").fill("加强行政执法协调监督工作")
    measure.locator(".measure-head button:has-text('保存')").click()
    page.wait_for_load_state()
    assert page.locator("#m19 strong").inner_text() == "19. 加强行政执法协调监督工作"
    assert "已核对" in page.locator("#m19 .measure-head [data-warning]").inner_text()
    assert page.locator("[data-count='warnings']").inner_text() == "7"

    # The two names the demo has no unit for are kept as written.
    for name in ("市住建局", "立法项目起草部门"):
        page.select_option(f"tr[data-unit='{name}'] select", "ignore")
    page.click("[data-save-units]")
    page.wait_for_load_state()
    assert page.locator("[data-count='unmatched']").inner_text() == "0"

    page.click("[data-confirm-import]")
    page.wait_for_url("**/plans/ledger/*/")
    assert page.locator("h1").inner_text() == "抚州市法治政府建设实施方案(2022-2025年)"
    assert page.locator("table.ledger tbody tr").count() == 46
    row = page.locator("tr[data-task='13.3']")
    assert row.locator("[data-lead]").inner_text() == "市应急管理局、市司法局"
    assert page.locator("#m19").inner_text() == "19. 加强行政执法协调监督工作"
    screenshot(page, "plans-ledger")
    page.screenshot(path=str(ARTIFACTS / "plans-ledger-top.png"))
    assert page.console_errors == []
