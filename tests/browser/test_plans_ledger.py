"""The whole ledger loop in a real browser under the strict CSP: a county clerk reports with
a file, the lead unit consolidates, the supervisor returns it, the clerk fixes it, the lead
unit consolidates again and the supervisor accepts; a late task shows 逾期 and gets a 督办."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import screenshot
from tests.conftest import PASSWORD, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "000_242dd94098f8f416.txt"


def _seed_plan(world):
    """The supervisor imports the seed (through the services: the import UI has its own test)."""
    from fazhi.plans import services

    draft = services.plan_draft_create(
        actor=world.supervisor, name=SEED.name, data=SEED.read_bytes()
    )
    for name, entry in draft.data["units"].items():
        if not entry["match"]:
            services.plan_draft_choose_unit(
                actor=world.supervisor, draft_id=draft.pk, name=name, choice="ignore"
            )
    return services.plan_import_confirm(actor=world.supervisor, draft_id=draft.pk)


def _login(page, base: str, username: str, password: str) -> None:
    if page.locator("button:has-text('退出')").count():
        page.click("button:has-text('退出')")
        page.wait_for_load_state()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def test_report_consolidate_return_fix_accept_and_supervise(live_server, page, tmp_path):
    if not SEED.exists():
        pytest.skip(f"参考方案不存在：{SEED}（需要 /work/shared）")
    from fazhi.core.demo import DEMO_PASSWORD, load_demo
    from fazhi.plans.models import Task

    world = build_world()
    load_demo()
    plan = _seed_plan(world)
    task = next(
        t
        for t in Task.objects.filter(plan=plan, due_on=None).order_by("measure__number")
        if t.lead_units.filter(pk=world.justice.pk).exists()
        and t.responsible_units.filter(pk=world.gov_a.pk).exists()
    )
    late = next(
        t
        for t in Task.objects.filter(plan=plan, due_on__year=2023).order_by("measure__number")
        if t.responsible_units.filter(pk=world.gov_a.pk).exists()
    )
    base = live_server.url
    task_url = f"{base}/plans/tasks/{task.pk}/"
    page.on("dialog", lambda dialog: dialog.accept())
    evidence = tmp_path / "评查报告.pdf"
    evidence.write_bytes(b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n")

    # 1. The county clerk finds the task under 我的任务 and reports with a file.
    _login(page, base, "clerk_a", PASSWORD)
    page.click("nav#sidenav >> text=我的任务")
    page.wait_for_url("**/plans/mine/")
    page.click(f"tr[data-plan='{plan.pk}'][data-task='{task.code}'] a")
    page.wait_for_url(f"**/plans/tasks/{task.pk}/")
    page.fill("#report-text", "临川区已完成行政执法案卷评查 12 卷。")
    page.set_input_files("#report-files", str(evidence))
    page.click("[data-report-form] button[type=submit]")
    page.wait_for_load_state()
    row = page.locator("tr[data-report-unit='临川区人民政府']")
    assert "案卷评查 12 卷" in row.inner_text()
    assert row.locator("[data-evidence]").inner_text() == "评查报告.pdf"
    screenshot(page, "plans-ledger-1-clerk-reported")

    # 2. The lead unit (市司法局) consolidates its units' reports.
    _login(page, base, "sfj", DEMO_PASSWORD)
    page.goto(task_url)
    assert "【临川区人民政府】" in page.locator("#cons-text").input_value()
    page.click("[data-consolidate-form] button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("[data-consolidation='submitted']").count() == 1

    # 3. The supervisor returns it with comments.
    _login(page, base, "supervisor", PASSWORD)
    page.goto(task_url)
    page.fill("#comment", "请补充评查发现的问题及整改情况。")
    page.click("[data-decide-form] button[value=return]")
    page.wait_for_load_state()
    assert page.locator("[data-task-status]").inner_text() == "退回待改"
    screenshot(page, "plans-ledger-2-returned")

    # 3b. The return goes to the lead unit alone; it sends the county's report back to the
    # county with its own comment (#13 item 8: a return reaches whom it is addressed to).
    _login(page, base, "sfj", DEMO_PASSWORD)
    page.click("nav#sidenav >> text=通知")
    page.wait_for_url("**/notifications/")
    page.click("[data-notification='return'] a")
    page.wait_for_url(f"**/plans/tasks/{task.pk}/")
    county_row = page.locator("tr[data-report-unit='临川区人民政府']")
    county_row.locator("[data-return-report] summary").click()
    county_row.locator("textarea[name=comment]").fill("请补充评查发现的问题及整改情况。")
    county_row.locator("[data-return-report] button[type=submit]").click()
    page.wait_for_load_state()

    # 4. The clerk is notified, sees the comment and fixes the report.
    _login(page, base, "clerk_a", PASSWORD)
    page.click("nav#sidenav >> text=通知")
    page.wait_for_url("**/notifications/")
    page.click("[data-notification='return'] a")
    page.wait_for_url(f"**/plans/tasks/{task.pk}/")
    assert "请补充评查发现的问题" in page.locator("[data-return-comment]").inner_text()
    page.fill("#report-text", "临川区已评查案卷 12 卷，发现问题 3 个，均已整改。")
    page.click("[data-report-form] button[type=submit]")
    page.wait_for_load_state()
    assert "均已整改" in page.locator("tr[data-report-unit='临川区人民政府']").inner_text()

    # 5. The lead unit consolidates again, claiming completion; the supervisor accepts.
    _login(page, base, "sfj", DEMO_PASSWORD)
    page.goto(task_url)
    page.fill("#cons-text", "全市已完成案卷评查，临川区发现的 3 个问题均已整改。")
    page.select_option("#cons-state", "completed")
    page.click("[data-consolidate-form] button[type=submit]")
    page.wait_for_load_state()
    _login(page, base, "supervisor", PASSWORD)
    page.goto(task_url)
    page.click("[data-decide-form] button[value=accept]")
    page.wait_for_load_state()
    assert page.locator("[data-task-status]").inner_text() == "已完成"
    events = page.locator("[data-timeline] [data-event]")
    kinds = [events.nth(i).get_attribute("data-event") for i in range(events.count())]
    assert kinds.count("decision") == 3  # returned by the supervisor, by the lead unit; accepted
    assert kinds.count("report") == 2
    screenshot(page, "plans-ledger-3-accepted-timeline")

    # 6. A late task shows 逾期 in the ledger and gets a 督办单.
    page.goto(f"{base}/plans/ledger/{plan.pk}/?status=逾期")
    assert page.locator(f"tr[data-task='{late.code}'] [data-status]").inner_text() == "逾期"
    screenshot(page, "plans-ledger-4-overdue")
    page.click(f"tr[data-task='{late.code}'] a")
    page.click("[data-supervise] summary")
    page.select_option("#n-unit", [str(world.gov_a.pk)])
    page.fill("#n-reason", "该项任务已逾期未完成。")
    page.fill("#n-req", "请于期限内说明原因并报送整改计划。")
    page.click("[data-supervise] button[type=submit]")
    page.wait_for_load_state()
    page.click("nav#sidenav >> text=督办")
    page.wait_for_url("**/plans/supervision/")
    assert page.locator("tr[data-notice]").count() == 1
    assert "临川区人民政府" in page.locator("tr[data-notice]").inner_text()
    screenshot(page, "plans-ledger-5-supervision")
    page.click("tr[data-notice] a")
    page.click("[data-print-link]")
    page.wait_for_url("**/print")
    assert page.locator("[data-number]").inner_text().endswith("〕1号")
    assert "临川区人民政府" in page.locator("[data-units]").inner_text()
    page.emulate_media(media="print")
    assert not page.locator(".screen-only").is_visible()
    screenshot(page, "plans-ledger-5b-notice-print")
    page.emulate_media(media="screen")
    page.goto(f"{base}/plans/ledger/{plan.pk}/matrix/")
    assert page.locator("table.matrix td.st-late").count() > 0
    county = page.locator("tr[data-unit='临川区人民政府'] td.cell")
    assert county.count() == page.locator("table.matrix thead th").count() - 1
    screenshot(page, "plans-ledger-6-matrix")
    assert page.console_errors == []
