"""The progress summary of a plan for a period in Word, for the supervisor to edit: by chapter
and measure, each task with its units, status and latest progress, laid out as a 公文
(core.officialdoc, GB/T 9704-2012)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.utils import timezone

from fazhi.core.officialdoc import DOCX, OfficialDocument, chinese_date
from fazhi.plans.models import Plan
from fazhi.plans.periods import Period
from fazhi.plans.status import SEVERITY

__all__ = ["DOCX", "summary_docx"]


def summary_docx(plan: Plan, period: Period, rows: list[Any]) -> bytes:
    """The summary .docx (text enters through the builder, which drops control characters
    a row saved before input was checked may hold)."""
    today = timezone.localdate()
    doc = OfficialDocument()
    doc.title(f"{plan.title}\n{period.label}推进情况汇总")
    counts = Counter(row.status for row in rows)
    figures = "，".join(f"{s}{counts[str(s)]}项" for s in SEVERITY if counts[str(s)])
    doc.paragraph(f"截至{chinese_date(today)}，本方案共有任务{len(rows)}项：{figures}。")
    chapter = measure = None
    for row in rows:
        task = row.task
        m = task.measure
        if m.chapter_id != chapter and m.chapter is not None:
            chapter = m.chapter_id
            # the plan's own numbers, "（一）" and "1.", are the standard's second and third
            # heading levels
            doc.heading(f"（{m.chapter.number}）{m.chapter.title}", 2)
        if m.pk != measure:
            measure = m.pk
            doc.heading(f"{m.number}.{m.title}", 3)
        doc.paragraph(row.text, lead=f"{row.code} ")
        doc.paragraph(
            f"牵头单位：{row.lead or '—'}；责任单位：{row.responsible or '—'}；"
            f"完成时限：{row.deadline or '—'}；状态：{row.status}。"
        )
        doc.paragraph(f"进展情况：{row.progress or '本期暂无进展报告。'}")
    doc.signature(plan.owner_unit.name, today)
    return doc.bytes()
