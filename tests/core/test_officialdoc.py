"""Every .docx the product writes follows GB/T 9704-2012 (read back with python-docx, and
printed by LibreOffice as A4 pages numbered "— 1 —"); every workbook prints A4 landscape."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import docx
import pytest
from django.urls import reverse
from docx.oxml.ns import qn
from openpyxl import load_workbook

from fazhi.core import officialdoc
from fazhi.core.officialdoc import OfficialDocument, chinese_date, conform, docx_bytes
from fazhi.disclosure import documents as disclosure_documents
from fazhi.disclosure.models import ReplyType
from fazhi.procedures import documents
from tests.conftest import client_for, require_soffice
from tests.disclosure.helpers import act, fresh, register
from tests.indicators.helpers import import_plan
from tests.plans.work import report, work_plan

MM = 36000  # EMU


def _mm(length: int) -> float:
    return length / MM


def _open(data: bytes):
    return docx.Document(io.BytesIO(data))


def _assert_gb_page(document) -> None:
    for section in document.sections:
        assert round(_mm(section.page_width)) == 210
        assert round(_mm(section.page_height)) == 297
        assert abs(_mm(section.top_margin) - 37) <= 1
        assert abs(_mm(section.left_margin) - 28) <= 1
        text_width = _mm(section.page_width - section.left_margin - section.right_margin)
        text_height = _mm(section.page_height - section.top_margin - section.bottom_margin)
        assert (round(text_width), round(text_height)) == (156, 225)
        odd = section.footer._element.xml
        even = section.even_page_footer._element.xml
        for xml, side in ((odd, "right"), (even, "left")):
            assert "PAGE" in xml
            assert 'w:fldCharType="begin"' in xml
            assert f'w:jc w:val="{side}"' in xml
        footer_text = "".join(t.text for t in section.footer._element.iter(qn("w:t")))
        assert footer_text == "— 1 —"
    assert document.settings.odd_and_even_pages_header_footer
    normal = document.styles["Normal"]
    fonts = normal.element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert normal.font.size.pt == 16
    assert round(normal.paragraph_format.line_spacing.pt, 2) == 28.95
    lang = document.styles.element.find(qn("w:docDefaults")).find(".//" + qn("w:lang"))
    assert lang.get(qn("w:eastAsia")) == "zh-CN"
    # no theme font anywhere: it would win over the fonts named beside it
    for part in (document.styles.element, document.element):
        for found in part.iter(qn("w:rFonts")):
            assert found.get(qn("w:eastAsiaTheme")) is None
            assert found.get(qn("w:asciiTheme")) is None


def _style(document, name: str):
    return document.styles[name]


def test_the_builder_lays_out_a_document_by_the_standard():
    doc = OfficialDocument()
    doc.issuer_mark("抚州市司法局")
    doc.number("抚司公开〔2026〕3号")
    doc.title("关于印发某某办法的通知")
    doc.addressee("各县（区）人民政府")
    doc.heading("一、总体要求", 1)
    doc.heading("（一）工作目标", 2)
    doc.paragraph("正文第一段。")
    doc.attachments(["实施细则", "任务分工表"])
    doc.signature("抚州市司法局", date(2026, 12, 2))
    doc.colophon("抚州市司法局办公室", date(2026, 12, 2), ["市政府办公室"])
    document = _open(doc.bytes())
    _assert_gb_page(document)
    by_text = {p.text: p for p in document.paragraphs if p.text}
    mark = document.paragraphs[0]
    assert mark.text == "抚州市司法局"
    assert mark.style.name == "发文机关标志"
    assert str(mark.style.font.color.rgb) == "FF0000"
    number = by_text["抚司公开〔2026〕3号"]
    assert 'w:color="FF0000"' in number._p.xml  # the red separator line below it
    title = by_text["关于印发某某办法的通知"]
    assert title.style.font.size.pt == 22
    assert title.runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    assert by_text["各县（区）人民政府："].style.name == "主送机关"
    assert _style(document, "一级标题").element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    assert _style(document, "二级标题").element.rPr.rFonts.get(qn("w:eastAsia")) == "楷体_GB2312"
    body = by_text["正文第一段。"]
    assert body.style.paragraph_format.first_line_indent.pt == 32  # 2 字 of 16 pt
    assert body.runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert "附件：1.实施细则" in by_text
    assert "2.任务分工表" in by_text
    assert "2026年12月2日" in by_text  # arabic numerals, no leading zeros
    assert by_text["2026年12月2日"].style.name == "成文日期"
    assert "抄送：市政府办公室。" in by_text
    assert "抚州市司法局办公室\t2026年12月2日印发" in by_text


def test_dates_are_written_in_arabic_numerals_without_leading_zeros():
    assert chinese_date(date(2026, 1, 5)) == "2026年1月5日"
    assert officialdoc.width("2026年12月2日") == 6.5


def test_conform_fixes_the_page_of_a_letter_sized_template_with_theme_fonts():
    source = docx.Document()  # python-docx's own: US Letter, theme fonts, 11 pt
    section = source.sections[0]
    assert round(_mm(section.page_width)) == 216
    run = source.add_paragraph().add_run("模板正文")
    run.font.name = "Arial"  # a Latin font only: CJK would fall to the theme
    document = _open(docx_bytes(conform(source)))
    _assert_gb_page(document)
    fonts = document.paragraphs[-1].runs[0]._r.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "仿宋_GB2312"


def test_the_shipped_templates_are_built_from_their_source():
    for code in disclosure_documents.TEMPLATES:
        shipped = (disclosure_documents.TEMPLATE_DIR / f"{code}.docx").read_bytes()
        built = disclosure_documents.build_template(code)
        assert documents.document_text(shipped) == documents.document_text(built), code
        _assert_gb_page(_open(shipped))


@pytest.mark.django_db
def test_a_disclosure_reply_names_the_review_body_the_court_and_the_periods(world):
    public = disclosure_documents.remedy(world.gov_a, ReplyType.PUBLIC)
    assert "不予公开" not in public
    assert "抚州市人民政府" in public  # a county government: the city above reviews
    assert "抚州市中级人民法院" in public  # a county government is sued at the 中院
    assert "60日" in public
    assert "6个月" in public
    refused = disclosure_documents.remedy(world.gov_a, ReplyType.PROCESS)
    for words in ("应当先", "第二十三条", "15日"):
        assert words in refused
    assert "6个月" not in refused
    partial = disclosure_documents.remedy(world.gov_a, ReplyType.PARTIAL)
    assert "不予公开的部分" in partial
    assert "6个月" in partial
    department = disclosure_documents.remedy(world.dept_a, ReplyType.PUBLIC)
    assert "向临川区人民政府申请行政复议" in department
    assert "抚州市临川区人民法院" in department

    request = register(world, on=date(2026, 9, 24))
    act(world, request, "reply", date(2026, 9, 30), reply_type="public", reply_text="予以公开。")
    reply = fresh(request).case.documents.get(kind="disclosure.reply")
    text = documents.document_text(bytes(reply.file.content))
    assert "不予公开" not in text
    assert "抚州市人民政府申请行政复议" in text
    assert "自收到本答复书之日起6个月内" in text
    _assert_gb_page(_open(bytes(reply.file.content)))


def _generated(world) -> dict[str, bytes]:
    """One .docx of every kind the product writes, made the way users get them."""
    made: dict[str, bytes] = {}
    unclear = register(world, on=date(2026, 9, 24))
    act(world, unclear, "ask_correction", date(2026, 9, 25), items="请写明具体路段")
    request = register(world, on=date(2026, 9, 24))
    act(world, request, "extend", date(2026, 10, 20), days="10", approver="王主任",
        reason="需要调取档案")  # fmt: skip
    act(
        world,
        request,
        "reply",
        date(2026, 10, 30),
        reply_type="secret",
        reply_text="属于国家秘密。",
    )
    for case in (unclear, request):
        for doc in fresh(case).case.documents.all():
            made[doc.kind] = bytes(doc.file.content)
    work = work_plan(world)
    report(world, work, text="已评查案卷 12 卷")
    summary = client_for(work.lead_clerk).get(
        f"/plans/ledger/{work.plan.pk}/summary.docx", {"period": work.period_key}
    )
    made["plans.summary"] = summary.content
    plan = import_plan(world)
    made["indicators.report"] = (
        client_for(world.supervisor)
        .get(reverse("indicators:report_docx", args=[plan.pk, 2025]))
        .content
    )
    return made


def _poppler(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        message = f"未安装 {name}：无法核对打印版式；apt-get install poppler-utils"
        if os.environ.get("FAZHI_REQUIRE_LIBREOFFICE"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def _to_pdf(soffice: str, tmp_path: Path, sources: list[Path]) -> None:
    subprocess.run(  # noqa: S603  (a fixed program with our own temp paths)
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
         "--convert-to", "pdf", "--outdir", str(tmp_path), *map(str, sources)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip


def _page_size(pdfinfo: str, pdf: Path) -> tuple[float, float]:
    info = subprocess.run([pdfinfo, str(pdf)], capture_output=True, check=True, text=True)  # noqa: S603
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info.stdout)
    assert size is not None, info.stdout
    return float(size[1]), float(size[2])


@pytest.mark.django_db
def test_libreoffice_prints_every_generated_document_on_numbered_a4_pages(world, tmp_path):
    soffice = require_soffice()
    pdfinfo, pdftotext = _poppler("pdfinfo"), _poppler("pdftotext")
    made = _generated(world)
    assert {"disclosure.receipt", "disclosure.correction", "disclosure.extension",
            "disclosure.reply", "plans.summary", "indicators.report"} <= set(made)  # fmt: skip
    sources = []
    for kind, data in made.items():
        document = _open(data)
        _assert_gb_page(document)
        path = tmp_path / f"{kind}.docx"
        path.write_bytes(data)
        sources.append(path)
    _to_pdf(soffice, tmp_path, sources)
    for source in sources:
        pdf = source.with_suffix(".pdf")
        width, height = _page_size(pdfinfo, pdf)
        assert abs(width - 595) <= 2, (source.name, width)
        assert abs(height - 842) <= 2, (source.name, height)
        text = subprocess.run(  # noqa: S603
            [pdftotext, "-raw", str(pdf), "-"], capture_output=True, check=True, text=True
        ).stdout  # -raw: in the order written, so the spaces beside the page number stay
        assert "— 1 —" in text, source.name
    keep = os.environ.get("FAZHI_TEST_ARTIFACTS")
    if keep:  # to look at: pdftoppm -png -r 60 <dir>/disclosure.reply.pdf
        shutil.copy(tmp_path / "disclosure.reply.pdf", Path(keep) / "disclosure.reply.pdf")


@pytest.mark.django_db
def test_an_exported_workbook_prints_a4_landscape_with_its_title_on_every_page(world, tmp_path):
    for n in range(40):
        register(world, on=date(2026, 9, 1 + n % 20), applicant_name=f"申请人{n}")
    response = client_for(world.clerk_a).get("/disclosure/?format=xlsx")
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == "9"
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.print_title_rows == "$1:$3"
    soffice = require_soffice()
    pdfinfo, pdftotext = _poppler("pdfinfo"), _poppler("pdftotext")
    source = tmp_path / "list.xlsx"
    source.write_bytes(response.content)
    _to_pdf(soffice, tmp_path, [source])
    pdf = tmp_path / "list.pdf"
    width, height = _page_size(pdfinfo, pdf)
    assert abs(width - 842) <= 2, width  # landscape
    assert abs(height - 595) <= 2, height
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(  # noqa: S603
        [pdfinfo, str(pdf)], capture_output=True, check=True, text=True).stdout)[1])  # fmt: skip
    for page in range(1, pages + 1):
        printed = subprocess.run(  # noqa: S603
            [pdftotext, "-f", str(page), "-l", str(page), str(pdf), "-"],
            capture_output=True, check=True, text=True,
        ).stdout  # fmt: skip
        for words in ("办理中的申请", "制表单位", "案号"):  # title rows and header on every page
            assert words in printed, (page, words)
