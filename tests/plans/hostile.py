"""Hostile uploads built in memory: a .docx zip bomb, ledgers with broken XML or claiming a
million rows, a ledger with too many real rows. Used by the tests and bench/plans_upload_bombs."""

from __future__ import annotations

import io
import zipfile

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_bomb(megabytes: int = 190) -> bytes:
    """A .docx whose word/document.xml is ``megabytes`` MB of one repeated paragraph: it packs
    to well under 1 MB."""
    paragraph = "<w:p><w:r><w:t>" + "推进严格规范公正文明执法。" * 20 + "</w:t></w:r></w:p>"
    chunk = (paragraph * 200).encode("utf-8")
    size = megabytes * 1024 * 1024
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(f'<?xml version="1.0"?><w:document xmlns:w="{_W}"><w:body>'.encode())
            written = 0
            while written < size:
                part.write(chunk)
                written += len(chunk)
            part.write(b"</w:body></w:document>")
    return buffer.getvalue()


def _ledger_package(sheet_xml: bytes | str, *, plan_id: int, period: str) -> bytes:
    """An .xlsx shaped like our exported ledger (first sheet + hidden _fazhi sheet)."""
    wb_xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="任务分工台账" sheetId="1" r:id="rId1"/>'
        '<sheet name="_fazhi" sheetId="2" state="hidden" r:id="rId2"/></sheets></workbook>'
    )
    wb_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet2.xml"/></Relationships>'
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
    )
    meta = _sheet([["plan", str(plan_id)], ["period", period], ["unit", ""], ["checksum", "x"]])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("_rels/.rels", rels)
        archive.writestr("xl/workbook.xml", wb_xml)
        archive.writestr("xl/_rels/workbook.xml.rels", wb_rels)
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        archive.writestr("xl/worksheets/sheet2.xml", meta)
    return buffer.getvalue()


def _cell(ref: str, value: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def _sheet(rows: list[list[str]], *, dimension: str = "", first: int = 1) -> str:
    body = "".join(
        f'<row r="{n}">'
        + "".join(_cell(f"{'ABCDEFG'[i]}{n}", v) for i, v in enumerate(row))
        + "</row>"
        for n, row in enumerate(rows, start=first)
    )
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{dim}<sheetData>{body}</sheetData></worksheet>"
    )


def ledger_broken_xml(*, plan_id: int = 1, period: str = "2026-Q1") -> bytes:
    """A ledger whose task sheet's XML breaks off in the middle of a row."""
    sheet = _sheet([["序号", "任务内容"]], first=2)
    broken = sheet.replace(
        "</sheetData></worksheet>", '<row r="3"><c r="A3" t="inlineStr"><is><t>1'
    )
    return _ledger_package(broken, plan_id=plan_id, period=period)


def ledger_claiming_rows(*, plan_id: int = 1, period: str = "2026-Q1") -> bytes:
    """A small ledger whose sheet says it spans A1:G1048576 and has a row at 1048576."""
    sheet = _sheet([["序号", "任务内容"]], dimension="A1:G1048576", first=2)
    sheet = sheet.replace(
        "</sheetData>", '<row r="1048576">' + _cell("A1048576", "1.1") + "</row></sheetData>"
    )
    return _ledger_package(sheet, plan_id=plan_id, period=period)


def ledger_many_rows(rows: int, *, plan_id: int = 1, period: str = "2026-Q1") -> bytes:
    """A ledger with ``rows`` real task rows of varied text (about 26 bytes packed per row)."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    ]
    words = "推进严格规范公正文明执法完善依法行政制度体系健全行政决策机制"
    for n in range(3, rows + 3):
        text = words[n % 20 :] + str(n * 7919 % 100003)
        parts.append(
            f'<row r="{n}">{_cell(f"A{n}", f"{n // 9}.{n % 9}")}{_cell(f"B{n}", text)}'
            f"{_cell(f'C{n}', '市司法局')}{_cell(f'D{n}', '各县(区)政府')}"
            f"{_cell(f'E{n}', '长期坚持')}{_cell(f'F{n}', text[::-1])}{_cell(f'G{n}', '推进中')}</row>"
        )
    parts.append("</sheetData></worksheet>")
    return _ledger_package("".join(parts), plan_id=plan_id, period=period)
