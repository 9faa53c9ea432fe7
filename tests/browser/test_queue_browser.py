"""我的待办 in a real browser under the strict CSP: the home page shows one card per kind
with its count, the card opens the filtered queue, the queue lists the items overdue first,
and the top bar counts them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.conftest import screenshot
from tests.conftest import PASSWORD, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_home_page_counts_the_queue_and_the_queue_lists_it(live_server, page):
    from fazhi.core import workqueue
    from fazhi.plans import services as plans
    from fazhi.plans.models import SupervisionNotice
    from tests.disclosure.helpers import register
    from tests.plans.work import work_plan

    world = build_world()
    work = work_plan(world)
    notice = plans.supervision_issue(
        actor=world.supervisor, task_id=work.late.pk, unit_ids=[world.gov_a.pk],
        reason="复议规范化建设滞后", requirement="说明原因并报整改计划", reply_workdays=5,
    )  # fmt: skip
    SupervisionNotice.objects.filter(pk=notice.pk).update(
        reply_due_on=timezone.localdate() - timedelta(days=2)
    )
    register(world, on=timezone.localdate(), applicant_name="李明")
    counts = {c.kind: c.value for c in workqueue.counts(world.clerk_a)}
    assert counts == {"plans.report": 2, "plans.consolidate": 0, "plans.reply": 1,
                      "disclosure.handle": 1, "disclosure.submitted": 0}  # fmt: skip

    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "clerk_a")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    cards = page.locator("[data-queue-cards] a")
    assert cards.count() == len(counts)
    assert page.locator("[data-queue-kind='plans.report'] .card-value").inner_text() == "2"
    assert page.locator("[data-queue-kind='plans.reply'] .card-value").inner_text() == "1"
    assert page.locator("[data-queue-kind='disclosure.handle'] .card-value").inner_text() == "1"
    assert page.locator("[data-queue-count] .badge").inner_text() == "4"
    screenshot(page, "queue-home")

    page.click("[data-queue-kind='plans.report']")
    page.wait_for_url("**/queue/?kind=plans.report")
    assert page.locator("tr[data-queue-item]").count() == 2

    page.click("nav#sidenav >> text=我的待办")
    page.wait_for_url("**/queue/")
    rows = page.locator("tr[data-queue-item]")
    assert rows.count() == 4
    first = rows.nth(0)
    assert "复议规范化建设滞后" in first.inner_text()  # the overdue 督办单 comes first
    assert first.locator("[data-overdue]").count() == 1
    assert page.locator("[data-overdue]").count() == 1
    screenshot(page, "queue-page")

    page.select_option("#id_module", "disclosure")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("tr[data-queue-item]").count() == 1
    assert "李明" in page.locator("tr[data-queue-item]").inner_text()

    assert page.console_errors == []

    refused = page.goto(f"{base}/queue/?kind=nonsense")
    assert refused is not None
    assert refused.status == 400
    assert "没有这个待办类型" in page.locator("[data-queue-error]").inner_text()
