"""Uploaded plan files to text: .txt / .md (UTF-8, UTF-16 or GBK), .docx; refuses the rest
with a clear Chinese message before anything is kept. The text keeps the document's own
characters (full-width punctuation included); only control and zero-width characters go."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError

from fazhi.core.filetypes import archive_problem
from fazhi.core.text import INVISIBLE, printable

MAX_BYTES = 20 * 1024 * 1024
# A .docx is checked from its zip directory before python-docx opens it (a 567 KB file can
# unpack to 190 MB of XML and take gigabytes to parse). The body of a plan of a few hundred
# tasks is well under 1 MB of XML; images do not count towards the document part.
MAX_DOCX_UNPACKED = 100 * 1024 * 1024
MAX_DOCX_DOCUMENT = 16 * 1024 * 1024
_SPACE_RUN = re.compile(r"[^\S\n]+")
TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
SUFFIXES = TEXT_SUFFIXES | {".docx"}
_IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp"}
_SIGNATURES = (
    (b"%PDF", "PDF 文件"),
    (b"\x89PNG", "图片"),
    (b"\xff\xd8\xff", "图片"),
    (b"GIF8", "图片"),
    (b"II*\x00", "图片"),
    (b"MM\x00*", "图片"),
)
UNSUPPORTED_SCAN = "暂不支持扫描件、PDF 或图片（{what}）：请上传 .txt、.md 或 .docx 格式的方案文本"


def check_name_and_size(name: str, size: int) -> None:
    """What can be refused before the bytes are read: the type by name, and the size."""
    suffix = PurePath(name).suffix.lower()
    if size > MAX_BYTES:
        raise ValidationError(
            f"文件超过 20 MB（{size / 1024 / 1024:.1f} MB），请检查是否传错了文件"
        )
    if suffix == ".pdf":
        raise ValidationError(UNSUPPORTED_SCAN.format(what="PDF 文件"))
    if suffix in _IMAGE_SUFFIXES:
        raise ValidationError(UNSUPPORTED_SCAN.format(what="图片"))
    if suffix in {".doc", ".wps"}:
        raise ValidationError("暂不支持旧版 Word（.doc/.wps）文件：请在 Word 中另存为 .docx 后上传")
    if suffix not in SUFFIXES:
        raise ValidationError(f"暂不支持“{suffix or '无扩展名'}”文件：请上传 .txt、.md 或 .docx")
    if size == 0:
        raise ValidationError("文件是空的，没有可以识别的内容")


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (a superset of GBK)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    if b"\x00" in data[:4096]:
        raise ValidationError("文件不是文本文件（含有二进制内容），请上传 .txt、.md 或 .docx")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise ValidationError("无法识别文件编码：请另存为 UTF-8 或 GBK 编码的文本后上传") from exc


def _markdown_to_lines(text: str) -> str:
    # Headings, emphasis, quotes and bullets are formatting; the numbering is in the words.
    text = re.sub(r"(?m)^\s{0,3}(?:#{1,6}\s*|>\s*|[-*+]\s+)", "", text)
    return re.sub(r"\*\*|__", "", text)


def docx_text(data: bytes) -> str:
    """Paragraphs in order, then table rows as lines ("label:cell" under a label header)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            problem = archive_problem(archive, max_unpacked=MAX_DOCX_UNPACKED)
            body = (
                archive.getinfo("word/document.xml").file_size
                if "word/document.xml" in names
                else 0
            )
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise ValidationError(
            "文件不是有效的 Word 文档（.docx）：无法打开，可能已损坏或扩展名不符"
        ) from exc
    if "word/document.xml" not in names:
        raise ValidationError("文件不是有效的 Word 文档（.docx）：压缩包中没有 Word 正文")
    if problem:
        raise ValidationError(f"Word 文档已拒绝处理：{problem}")
    if body > MAX_DOCX_DOCUMENT:
        raise ValidationError(
            f"Word 文档正文解压后为 {body / 1024 / 1024:.1f} MB，超过 "
            f"{MAX_DOCX_DOCUMENT // 1024 // 1024} MB 的上限，已拒绝处理（一份实施方案的正文远小于此）"
        )
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds on a broken package
        raise ValidationError("文件不是有效的 Word 文档（.docx）：内容无法读取") from exc
    try:
        return _docx_lines(document)
    except Exception as exc:  # a part python-docx opened lazily may still be broken
        raise ValidationError("文件不是有效的 Word 文档（.docx）：内容无法读取") from exc


def _docx_lines(document: Any) -> str:
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        rows = [[cell.text.strip() for cell in row.cells] for row in table.rows]
        if not rows:
            continue
        header = rows[0]
        from fazhi.plans.parsing.labels import LABELS

        for n, row in enumerate(rows[1:], start=1):
            texts = [
                c
                for h, c in zip(header, row, strict=False)
                if h not in LABELS and h not in ("序号", "编号") and c
            ]
            line = "".join(texts)
            if line and not re.match(r"^\d", line):
                line = f"{n}.{line}"
            lines.append(line)
            lines += [f"{h}:{c}" for h, c in zip(header, row, strict=False) if h in LABELS and c]
    return "\n".join(lines)


def source_text(text: str) -> str:
    """A document's words as stored and shown: LF lines, no control or zero-width characters,
    each run of spaces cut to its first character, lines stripped; punctuation and width as
    written. ``fold()`` of it is the text the parser reads, position for position."""
    text = printable(text.replace("\r\n", "\n").replace("\r", "\n")).translate(INVISIBLE)
    return "\n".join(_SPACE_RUN.sub(lambda m: m[0][0], line).strip() for line in text.split("\n"))


def read_plan_file(name: str, data: bytes) -> str:
    """The document's text (``source_text``); ValidationError in Chinese if unusable."""
    check_name_and_size(name, len(data))
    for signature, what in _SIGNATURES:
        if data.startswith(signature):
            raise ValidationError(UNSUPPORTED_SCAN.format(what=what))
    suffix = PurePath(name).suffix.lower()
    if suffix == ".docx":
        text = docx_text(data)
    else:
        text = decode_text(data)
        if suffix in {".md", ".markdown"}:
            text = _markdown_to_lines(text)
    text = source_text(text)
    if not text.strip():
        raise ValidationError("文件中没有文字内容（如为扫描件，暂不支持识别）")
    return text
