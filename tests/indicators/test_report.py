"""The annual report draft: a .docx organised by the plan's chapters that LibreOffice opens."""

from __future__ import annotations

import io
import os
import shutil
import subprocess

import pytest
from django.urls import reverse
from docx import Document

from tests.conftest import client_for, require_soffice
from tests.indicators.helpers import import_plan

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _report(world, text=None):
    plan = import_plan(world, text) if text else import_plan(world)
    response = client_for(world.supervisor).get(
        reverse("indicators:report_docx", args=[plan.pk, 2025])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    return plan, response.content


def test_the_report_has_every_chapter_and_the_indicator_table(world, seed_text):
    plan, data = _report(world, seed_text)
    doc = Document(io.BytesIO(data))
    text = "\n".join(p.text for p in doc.paragraphs)
    for chapter in plan.chapters.all():
        assert f"（{chapter.number}）{chapter.title}" in text
    assert "2025年度法治政府建设情况报告" in text
    cells = [c.text for row in doc.tables[0].rows for c in row.cells]
    assert "对符合法定条件要求的依申请公开政府信息的答复率" in cells
    assert "无数据（系统计算）" in cells


def test_a_clerk_may_not_download_the_report(world):
    plan = import_plan(world)
    url = reverse("indicators:report_docx", args=[plan.pk, 2025])
    assert client_for(world.clerk_a).get(url).status_code == 403


def test_libreoffice_opens_the_report(world, seed_text, tmp_path):
    soffice = require_soffice()
    plan, data = _report(world, seed_text)
    source = tmp_path / "report.docx"
    source.write_bytes(data)
    subprocess.run(  # noqa: S603  (a fixed program with our own temp paths)
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "report.pdf"
    assert pdf.exists()
    assert pdf.read_bytes().startswith(b"%PDF")
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        message = "未安装 pdftotext：无法核对报告各章；apt-get install poppler-utils"
        if os.environ.get("FAZHI_REQUIRE_LIBREOFFICE"):
            pytest.fail(message)
        pytest.skip(message)
    out = subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, check=True)  # noqa: S603
    text = out.stdout.decode().replace("\n", "")
    chapters = list(plan.chapters.all())
    assert len(chapters) == 9
    for chapter in chapters:
        assert chapter.title in text


def test_the_report_carries_accepted_progress_and_not_returned_drafts(world):
    from django.utils import timezone

    from fazhi.plans import services as plan_services
    from fazhi.plans.periods import period_of

    plan = import_plan(world)
    task = plan.tasks.get(measure__number=3)  # led by 临川区人民政府
    key = period_of(plan.report_frequency, timezone.localdate()).key
    plan_services.progress_report_submit(
        actor=world.clerk_a,
        task_id=task.pk,
        period_key=key,
        text="负责人出庭应诉19件",
        self_state="in_progress",
    )
    summary = plan_services.consolidation_submit(
        actor=world.clerk_a,
        task_id=task.pk,
        period_key=key,
        text="全区负责人出庭率95%",
        self_state="in_progress",
    )
    year = timezone.localdate().year
    url = reverse("indicators:report_docx", args=[plan.pk, year])

    def text() -> str:
        data = client_for(world.supervisor).get(url).content
        return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)

    assert "全区负责人出庭率95%" not in text()  # submitted, not yet accepted
    plan_services.consolidation_decide(
        actor=world.supervisor, consolidation_id=summary.pk, accept=True
    )
    assert "临川区人民政府：全区负责人出庭率95%" in text()


def test_rows_stored_with_control_characters_still_make_a_report(world):
    # Rows written before input was checked (simulated through the ORM) may hold characters
    # a .docx cannot: they are left out, the rest of the text is kept.
    from fazhi.indicators.models import Indicator
    from fazhi.plans.models import Chapter, Measure, Plan

    plan = import_plan(world)
    Plan.objects.filter(pk=plan.pk).update(title=plan.title + "\x07")
    Chapter.objects.filter(plan=plan).update(title="推进政务公开\x0b")
    Measure.objects.filter(plan=plan, number=1).update(title="推进\x1b政务公开")
    Indicator.objects.filter(plan=plan, code="2.1").update(name="法治专题讲座\x08期数")
    response = client_for(world.supervisor).get(
        reverse("indicators:report_docx", args=[plan.pk, 2025])
    )
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = [c.text for row in doc.tables[0].rows for c in row.cells]
    assert "（一）推进政务公开" in text
    assert "1.推进政务公开" in text
    assert "法治专题讲座期数" in cells
