"""What an uploaded file really is, read from its content (magic bytes, zip structure).

One sniffer for every upload of the platform: evidence of progress reports and indicators,
attachments of disclosure requests. Callers decide which kinds they accept.
"""

from __future__ import annotations

import io
import zipfile

# Human names of the kinds sniff() returns, for messages.
KIND_NAMES = {
    "pdf": "PDF",
    "png": "PNG 图片",
    "jpg": "JPEG 图片",
    "docx": "Word 文档（.docx）",
    "xlsx": "Excel 表格（.xlsx）",
    "ofd": "OFD 版式文件",
    "ole": "旧版 Office 文件（.doc/.xls）",
}


def sniff(data: bytes) -> str | None:
    """pdf, png, jpg, docx, xlsx, ofd, ole (legacy .doc/.xls), or None when unknown."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError):
            return None
        if "[Content_Types].xml" in names:
            if "word/document.xml" in names:
                return "docx"
            if "xl/workbook.xml" in names:
                return "xlsx"
        if "OFD.xml" in names:
            return "ofd"
    return None
