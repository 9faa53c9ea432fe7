"""What a document or a person wrote is stored and shown as written (GB/T 15834 full-width
punctuation), and what a file holds never brings a control character into the database or
breaks a download (#13 items 3 and 4)."""

from __future__ import annotations

import io

import docx
import pytest
from django.urls import reverse
from openpyxl import load_workbook

from fazhi.plans import services
from fazhi.plans.models import Chapter, Measure, ProgressReport, Target, Task
from fazhi.plans.parsing import parse_file
from tests.conftest import client_for
from tests.plans.work import report, work_plan

pytestmark = pytest.mark.django_db

FULL_WIDTH_PLAN = (
    "抚州市2026年法治督察工作要点\n"
    "一、加强监督，严格执法\n"
    "1．开展行政执法案卷评查。对处罚、许可案卷进行评查，发现问题及时整改；2026年6月底前完成。"
    "（牵头单位：市司法局；责任单位：临川区人民政府）\n"
    "2．行政机关负责人出庭应诉率达到95%以上。（牵头单位：南城县人民政府）\n"
)
TASK_TEXT = "对处罚、许可案卷进行评查，发现问题及时整改；2026年6月底前完成。"


def _export(user, plan, period_key: str, fmt: str) -> bytes:
    name = "ledger.xlsx" if fmt == "xlsx" else "summary.docx"
    response = client_for(user).get(f"/plans/ledger/{plan.pk}/{name}", {"period": period_key})
    assert response.status_code == 200
    return response.content


def _docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


def _xlsx_text(data: bytes) -> str:
    ws = load_workbook(io.BytesIO(data))["任务分工台账"]
    return "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)


def test_a_plan_written_with_full_width_punctuation_is_stored_as_written(world):
    work = work_plan(world, FULL_WIDTH_PLAN)
    assert Chapter.objects.get(plan=work.plan).title == "加强监督，严格执法"
    assert Measure.objects.get(plan=work.plan, number=1).title == "开展行政执法案卷评查"
    task = Task.objects.get(plan=work.plan, measure__number=1)
    assert task.text == TASK_TEXT
    assert task.deadline_text == "2026年6月底前"
    assert str(task.deadline_date) == "2026-06-30"
    assert "（牵头单位：市司法局；责任单位：临川区人民政府）" in task.source_text
    assert Target.objects.get(plan=work.plan).text == "行政机关负责人出庭应诉率达到95%以上"


def test_the_ledger_and_the_word_summary_show_the_plans_own_punctuation(world):
    work = work_plan(world, FULL_WIDTH_PLAN)
    report(world, work, task=Task.objects.get(plan=work.plan, measure__number=1),
           text="已评查案卷 12 卷：处罚 8 卷、许可 4 卷；问题已整改（见附件）。")  # fmt: skip
    sheet = _xlsx_text(_export(world.supervisor, work.plan, work.period_key, "xlsx"))
    summary = _docx_text(_export(world.supervisor, work.plan, work.period_key, "docx"))
    for text in (sheet, summary):
        assert TASK_TEXT in text
        assert "已评查案卷 12 卷：处罚 8 卷、许可 4 卷；问题已整改（见附件）。" in text
    assert "加强监督，严格执法" in summary


def test_a_report_typed_with_full_width_punctuation_is_stored_and_shown_as_typed(world):
    work = work_plan(world)
    typed = "已完成评查：共 12 卷，其中处罚（简易程序）8 卷；整改 3 项。"
    report(world, work, text=f"  {typed}\r\n")
    assert ProgressReport.objects.get().text == typed
    page = client_for(world.clerk_a).get(reverse("plans:task", args=[work.review.pk]))
    assert typed in page.content.decode()


def test_a_return_comment_and_a_supervision_notice_keep_what_was_typed(world):
    work = work_plan(world)
    report(world, work)
    consolidation = services.consolidation_submit(
        actor=work.lead_clerk, task_id=work.review.pk, period_key=work.period_key,
        text="汇总：全市评查 30 卷。", self_state="in_progress",
    )  # fmt: skip
    services.consolidation_decide(
        actor=world.supervisor, consolidation_id=consolidation.pk, accept=False,
        comment="请补充：评查结果（合格率）；整改情况。",
    )  # fmt: skip
    consolidation.refresh_from_db()
    assert consolidation.text == "汇总：全市评查 30 卷。"
    assert consolidation.comment == "请补充：评查结果（合格率）；整改情况。"
    notice = services.supervision_issue(
        actor=world.supervisor, task_id=work.late.pk, unit_ids=[world.gov_a.pk],
        reason="逾期未完成（已超期）", requirement="说明原因；报送整改计划。", reply_workdays=5,
    )  # fmt: skip
    assert (notice.reason, notice.requirement) == (
        "逾期未完成（已超期）",
        "说明原因；报送整改计划。",
    )


def test_names_typed_in_the_preview_keep_their_brackets_and_split_on_full_width_commas(world):
    draft = services.plan_draft_create(
        actor=world.supervisor, name="要点.txt", data=FULL_WIDTH_PLAN.encode()
    )
    draft = services.plan_draft_update_task(
        actor=world.supervisor, draft_id=draft.pk, measure=1, task=1,
        text="对处罚、许可案卷进行评查，及时整改。", lead_units="市司法局",
        responsible_units="各县（市、区）人民政府，临川区人民政府；南城县人民政府",
        deadline="2026年6月底前",
    )  # fmt: skip
    task = draft.data["measures"][0]["tasks"][0]
    assert task["text"] == "对处罚、许可案卷进行评查，及时整改。"
    assert task["responsible_units"] == [
        "各县（市、区）人民政府",
        "临川区人民政府",
        "南城县人民政府",
    ]


def test_the_parser_reads_a_fold_of_the_text_that_lines_up_with_it(seed_text):
    from fazhi.core.text import fold, normalise
    from fazhi.plans.parsing.reader import source_text

    source = source_text(seed_text)
    assert len(fold(source)) == len(source)
    assert fold(source) == normalise(source)


def test_control_characters_in_a_plan_file_never_reach_the_draft(world):
    text = FULL_WIDTH_PLAN.replace("开展行政执法", "开展\x07行政\x1b执法")
    source, parsed = parse_file("要点.txt", text.encode())
    assert "\x07" not in source
    assert "\x1b" not in source
    assert parsed.measures[0].title == "开展行政执法案卷评查"
    draft = services.plan_draft_create(actor=world.supervisor, name="要点.txt", data=text.encode())
    assert "\x07" not in draft.text
    assert "\x07" not in str(draft.data)


def test_a_docx_plan_keeps_its_punctuation(world):
    document = docx.Document()
    for line in FULL_WIDTH_PLAN.split("\n"):
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    _, parsed = parse_file("要点.docx", buffer.getvalue())
    assert parsed.chapters[0].title == "加强监督，严格执法"
    assert parsed.measures[0].tasks[0].text == TASK_TEXT


def test_old_rows_holding_control_characters_still_export(world):
    work = work_plan(world)
    row = report(world, work, text="正常的进展")
    # A row stored before the input check existed, as it sits in the database.
    ProgressReport.objects.filter(pk=row.pk).update(text="旧的进展\x07带控制字符\x1b。")
    Task.objects.filter(pk=work.review.pk).update(text="开展行政执法\x07案卷评查")
    sheet = _export(world.supervisor, work.plan, work.period_key, "xlsx")
    summary = _export(world.supervisor, work.plan, work.period_key, "docx")
    assert "旧的进展带控制字符。" in _xlsx_text(sheet)
    text = _docx_text(summary)
    assert "旧的进展带控制字符。" in text
    assert "开展行政执法案卷评查" in text


def test_progress_brought_back_in_the_ledger_is_stored_as_typed(world):
    from tests.plans.test_excel_word import _set

    work = work_plan(world)
    data = _export(world.clerk_a, work.plan, work.period_key, "xlsx")
    typed = "已完成：评查 20 卷（合格 18 卷）；整改 2 项。"
    item = services.ledger_import_prepare(
        actor=world.clerk_a, plan_id=work.plan.pk, name="台账.xlsx",
        data=_set(data, "1.1", progress=typed),
    )  # fmt: skip
    assert [c["text"] for c in item.changes] == [typed]
    services.ledger_import_confirm(actor=world.clerk_a, import_id=item.pk)
    assert ProgressReport.objects.get().text == typed
