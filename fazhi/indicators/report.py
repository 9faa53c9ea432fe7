"""The draft 法治政府建设情况报告 of a year (.docx): the plan's chapters, what each measure's
units reported (accepted progress reports, when the plans module keeps them), the indicators'
figures, and the headings the office completes by hand; laid out as a 公文 (core.officialdoc,
GB/T 9704-2012), which drops the control characters rows stored before typed input was
checked may hold."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.utils import timezone

from fazhi.core.officialdoc import OfficialDocument
from fazhi.indicators import selectors
from fazhi.plans import models as plan_models
from fazhi.plans.models import Chapter, Measure, Plan, Task


def accepted_reports(user: Any, plan: Plan, year: int) -> dict[int, list[str]]:
    """Accepted progress of the year per measure, as far as ``user`` may see it: the lead
    unit's accepted 汇总进展 of each task, else its units' accepted reports (none before the
    plans module kept progress reports)."""
    consolidations = getattr(plan_models, "Consolidation", None)
    reports = getattr(plan_models, "ProgressReport", None)
    states = getattr(plan_models, "ReviewState", None)
    if consolidations is None or reports is None or states is None:
        return {}
    found: dict[int, list[str]] = defaultdict(list)
    covered: set[int] = set()
    order = ("task__measure__number", "task__position", "period_start")
    for kind in (consolidations, reports):
        rows = (
            kind.objects.visible_to(user)
            .filter(task__plan=plan, is_current=True, state=states.ACCEPTED)
            .filter(period_start__year=year)
            .select_related("owner_unit", "task")
            .order_by(*order)
        )
        seen = set()
        for row in rows:
            if row.task_id in covered:
                continue
            seen.add(row.task_id)
            found[row.task.measure_id].append(f"{row.owner_unit.display_name}：{row.text}")
        covered |= seen
    return found


def build(user: Any, plan: Plan, year: int) -> bytes:
    """The report as .docx bytes, within what ``user`` may see."""
    doc = OfficialDocument()
    unit = plan.owner_unit
    doc.title(f"{unit.name}\n{year}年度法治政府建设情况报告")
    doc.paragraph(
        f"（草稿：依据《{plan.title}》的任务台账、已审核通过的进展报告和指标数值自动生成，"
        f"请核实补充后报送。每年3月1日前报送，4月1日前向社会公开。）"
    )

    reports = accepted_reports(user, plan, year)
    tasks: dict[int, list[Task]] = defaultdict(list)
    for task in (
        Task.objects.visible_to(user).filter(plan=plan).order_by("measure__number", "position")
    ):
        tasks[task.measure_id].append(task)
    by_measure: dict[int | None, list[selectors.Row]] = defaultdict(list)
    indicators = list(selectors.indicators_for(user).filter(plan=plan))
    for row in selectors.rows_for(user, year, indicators=indicators):
        by_measure[row.indicator.measure_id].append(row)

    doc.heading(f"一、{year}年度推进法治政府建设的主要举措和成效", 1)
    chapters = list(Chapter.objects.filter(plan=plan).order_by("position"))
    measures: dict[int | None, list[Measure]] = defaultdict(list)
    for measure in Measure.objects.filter(plan=plan).order_by("number"):
        measures[measure.chapter_id].append(measure)
    for chapter in chapters:
        doc.heading(f"（{chapter.number}）{chapter.title}", 2)
        for measure in measures.get(chapter.pk, []):
            _measure(
                doc,
                measure,
                tasks.get(measure.pk, []),
                reports.get(measure.pk, []),
                by_measure.get(measure.pk, []),
            )
    loose = measures.get(None, [])
    if loose:
        doc.heading("（其他）", 2)
        for measure in loose:
            _measure(
                doc,
                measure,
                tasks.get(measure.pk, []),
                reports.get(measure.pk, []),
                by_measure.get(measure.pk, []),
            )

    doc.heading("二、主要指标完成情况", 1)
    all_rows = [r for rows_ in by_measure.values() for r in rows_]
    figures = []
    for row in all_rows:
        kind = "系统计算" if row.indicator.kind == "computed" else "单位自报"
        status = (
            f"{row.status_label}，{kind}" if row.verdict.detail else f"{row.status_label}（{kind}）"
        )
        figures.append(
            (row.indicator.code, row.indicator.name, row.indicator.target_text, row.figure, status)
        )
    doc.table(("编号", "指标", "目标", f"{year}年", "情况"), figures)

    doc.heading("三、存在的不足和原因", 1)
    doc.paragraph("（请结合督察、考核评价发现的问题填写。）")
    doc.heading("四、党政主要负责人履行推进法治建设第一责任人职责情况", 1)
    doc.paragraph("（请填写。）")
    doc.heading(f"五、{year + 1}年度推进法治政府建设的主要安排", 1)
    doc.paragraph("（请填写。）")
    today = timezone.localdate()
    doc.signature(unit.name, today)
    doc.colophon(unit.name, today)
    return doc.bytes()


def _measure(
    doc: OfficialDocument, measure: Measure, tasks: list[Task], reports: list[str], rows: list[Any]
) -> None:
    doc.heading(f"{measure.number}.{measure.title}", 3)
    if reports:
        for text in reports:
            doc.paragraph(text)
    elif tasks:
        units = sorted({u.display_name for t in tasks for u in t.lead_units.all()})
        doc.paragraph(
            f"本项措施共 {len(tasks)} 项任务，牵头单位：{'、'.join(units) or '未指定'}。"
            "尚无审核通过的进展报告，请牵头单位补充。"
        )
    for row in rows:
        doc.paragraph(
            f"指标“{row.indicator.name}”：目标{row.indicator.target_text}，"
            f"{row.year}年{row.figure}，{row.status_label}。"
        )
