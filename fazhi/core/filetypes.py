"""What an uploaded file really is, read from its content (magic bytes, zip structure).

One sniffer for every upload of the platform: evidence of progress reports and indicators,
attachments of disclosure requests. Callers decide which kinds they accept. A zip package
(.docx, .xlsx, .ofd) is judged by its central directory alone: one whose entries say they
unpack to too much, or pack too tightly (a zip bomb), is not a file of any kind we accept.
"""

from __future__ import annotations

import io
import zipfile

# What a zip package may say it unpacks to. The sizes an archive declares bind every reader
# that goes through ``zipfile`` (it stops at the declared size, and a lie fails the CRC).
MAX_ENTRIES = 5000
MAX_UNPACKED = 256 * 1024 * 1024  # all entries together
# Apache POI's ZipSecureFile default: an entry may not unpack to more than 100 times its
# packed size, once past a size at which ordinary XML parts stay.
MAX_RATIO = 100
RATIO_FROM = 1024 * 1024

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
                if archive_problem(archive):
                    return None
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError, OSError, EOFError):
            return None
        if "[Content_Types].xml" in names:
            if "word/document.xml" in names:
                return "docx"
            if "xl/workbook.xml" in names:
                return "xlsx"
        if "OFD.xml" in names:
            return "ofd"
    return None


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def archive_problem(
    archive: zipfile.ZipFile,
    *,
    max_unpacked: int = MAX_UNPACKED,
    max_entry: int | None = None,
    max_entries: int = MAX_ENTRIES,
) -> str:
    """Why the package must not be opened (a Chinese sentence), or "" when it may. Reads only
    the central directory: nothing is decompressed."""
    entries = archive.infolist()
    if len(entries) > max_entries:
        return f"压缩包内文件过多（{len(entries)} 个，上限 {max_entries} 个）"
    total = 0
    for info in entries:
        total += info.file_size
        if max_entry is not None and info.file_size > max_entry:
            return (
                f"压缩包内“{info.filename[:60]}”解压后为 {_mb(info.file_size)}，"
                f"超过 {_mb(max_entry)} 的上限"
            )
        if info.file_size > RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            return (
                f"压缩包内“{info.filename[:60]}”的压缩比异常（{_mb(info.compress_size or 0)} "
                f"解压为 {_mb(info.file_size)}，超过 {MAX_RATIO} 倍），疑为压缩炸弹"
            )
    if total > max_unpacked:
        return f"文件解压后共 {_mb(total)}，超过 {_mb(max_unpacked)} 的上限"
    return ""
