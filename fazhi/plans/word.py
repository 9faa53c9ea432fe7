"""The progress summary of a plan for a period in Word (python-docx), for the supervisor to edit:
by chapter and measure, each task with its units, status and latest progress."""

from __future__ import annotations

import io
from collections import Counter
from typing import Any

import docx
from django.utils import timezone
from docx.shared import Pt

from fazhi.core.text import printable
from fazhi.plans.models import Plan
from fazhi.plans.periods import Period
from fazhi.plans.status import SEVERITY

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def summary_docx(plan: Plan, period: Period, rows: list[Any]) -> bytes:
    """The summary .docx. Every stored text goes through ``printable``: a row saved before
    input was checked may hold a control character, which XML (so Word) cannot carry."""
    document = docx.Document()
    style = document.styles["Normal"]
    style.font.size = Pt(12)
    document.add_heading(f"{printable(plan.title)}\n{period.label}推进情况汇总", level=0)
    counts = Counter(row.status for row in rows)
    figures = "，".join(f"{s}{counts[str(s)]}项" for s in SEVERITY if counts[str(s)])
    document.add_paragraph(
        f"截至{timezone.localdate():%Y年%m月%d日}，本方案共有任务{len(rows)}项：{figures}。"
    )
    chapter = measure = None
    for row in rows:
        task = row.task
        m = task.measure
        if m.chapter_id != chapter and m.chapter is not None:
            chapter = m.chapter_id
            document.add_heading(printable(f"（{m.chapter.number}）{m.chapter.title}"), level=1)
        if m.pk != measure:
            measure = m.pk
            document.add_heading(printable(f"{m.number}. {m.title}"), level=2)
        p = document.add_paragraph()
        p.add_run(f"{row.code} ").bold = True
        p.add_run(printable(row.text))
        meta = document.add_paragraph()
        meta.add_run(
            printable(
                f"牵头单位：{row.lead or '—'}；责任单位：{row.responsible or '—'}；"
                f"完成时限：{row.deadline or '—'}；状态：{row.status}"
            )
        ).italic = True
        document.add_paragraph(printable(f"进展情况：{row.progress or '本期暂无进展报告。'}"))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
