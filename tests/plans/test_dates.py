"""Dates a plan takes have a sensible range: no report for a period before the plan's own
start or in the future, no deadline in the year 9999 (#13 item 13)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from fazhi.plans import services
from fazhi.plans.models import ProgressReport, Task
from fazhi.plans.selectors import current_period
from tests.plans.work import WORK_PLAN, report, work_plan

pytestmark = pytest.mark.django_db


def _plan(title: str) -> str:
    return WORK_PLAN.replace("抚州市2024年法治督察工作要点", title)


def test_a_report_for_a_period_before_the_plan_started_is_refused(world):
    work = work_plan(world, _plan("抚州市2024年法治督察工作要点"))
    with pytest.raises(
        ValidationError, match=r"报告期2020年第1季度.*早于 2024-01-01（方案标题所示起始年份为2024年"
    ):
        report(world, work, period_key="2020-Q1")
    with pytest.raises(ValidationError, match="早于 2024-01-01"):
        report(world, work, period_key="2023-Q4")
    assert not ProgressReport.objects.exists()
    assert report(world, work, period_key="2024-Q1").period_key == "2024-Q1"


def test_a_plan_names_its_years_in_its_title_or_starts_the_year_it_was_imported(world):
    from fazhi.plans.periods import plan_start

    ranged = work_plan(world, _plan("抚州市法治政府建设实施方案（２０２２—２０２５年）"))
    assert plan_start(ranged.plan).day == date(2022, 1, 1)
    plain = services.plan_import_confirm(
        actor=world.supervisor,
        draft_id=services.plan_draft_create(
            actor=world.supervisor, name="要点.txt",
            data=_plan("抚州市法治督察工作要点").encode(),
        ).pk,
    )  # fmt: skip
    assert plan_start(plain).day == date(timezone.localdate().year, 1, 1)
    assert "标题未写明年份" in plan_start(plain).why
    # The ledger page does not offer, nor open, a period before the start.
    assert current_period(plain, "2020-Q1").key != "2020-Q1"


def test_a_deadline_typed_in_the_preview_must_be_a_plausible_date(world):
    draft = services.plan_draft_create(
        actor=world.supervisor, name="要点.txt", data=WORK_PLAN.encode()
    )
    for typed in ("9999年底前", "1900年6月底前"):
        with pytest.raises(ValidationError, match="完成时限"):
            services.plan_draft_update_task(
                actor=world.supervisor, draft_id=draft.pk, measure=1, task=1,
                text="开展行政执法案卷评查", lead_units="市司法局", responsible_units="",
                deadline=typed,
            )  # fmt: skip
    draft.refresh_from_db()
    assert draft.data["measures"][0]["tasks"][0]["deadline"] is None


def test_an_absurd_deadline_in_a_plan_file_keeps_its_words_but_no_date(world):
    text = WORK_PLAN.replace("2023年底前完成", "2999年底前完成")
    work = work_plan(world, text)
    task = Task.objects.get(pk=work.late.pk)
    assert task.deadline_text == "2999年底前"
    assert task.deadline_date is None
    assert task.due_on is None
