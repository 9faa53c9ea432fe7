"""Evidence uploads: the type is read from the content (magic bytes, zip structure) and must
match the file's extension; the size limit comes from FAZHI_EVIDENCE_MAX_BYTES."""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError

from fazhi.core.filetypes import archive_problem, sniff

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
KINDS = {
    "pdf": "PDF",
    "docx": "Word 文档",
    "xlsx": "Excel 表格",
    "jpg": "JPEG 图片",
    "png": "PNG 图片",
}
EXTENSIONS = {
    "pdf": "pdf",
    "docx": "docx",
    "xlsx": "xlsx",
    "jpg": "jpg",
    "jpeg": "jpg",
    "png": "png",
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jpg": "image/jpeg",
    "png": "image/png",
}


def max_bytes() -> int:
    return int(getattr(settings, "FAZHI_EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES))


@dataclass(frozen=True)
class CheckedFile:
    name: str
    kind: str
    data: bytes
    sha256: str


def check_evidence(name: str, data: bytes) -> CheckedFile:
    """The file if its content is what its extension says and it is within the limit."""
    name = (name or "").strip().replace("\\", "/").rsplit("/", 1)[-1][:255]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    expected = EXTENSIONS.get(extension)
    if expected is None:
        raise ValidationError(
            f"佐证材料“{name}”的类型不支持：仅接受 PDF、Word（.docx）、Excel（.xlsx）、JPG、PNG"
        )
    if not data:
        raise ValidationError(f"佐证材料“{name}”是空文件")
    limit = max_bytes()
    if len(data) > limit:
        raise ValidationError(f"佐证材料“{name}”超过 {limit // 1024 // 1024} MB，请压缩后再上传")
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                problem = archive_problem(archive)
        except (zipfile.BadZipFile, ValueError, OSError, EOFError):
            problem = ""  # not a zip after all: sniff() says what it is not
        if problem:
            raise ValidationError(f"佐证材料“{name}”已拒绝：{problem}")
    found = sniff(data)
    if found != expected:
        what = f"实际是{KINDS[found]}" if found else "无法识别为所声称的类型"
        raise ValidationError(
            f"佐证材料“{name}”的内容与扩展名不符（扩展名为 .{extension}，{what}），已拒绝"
        )
    return CheckedFile(name, expected, data, hashlib.sha256(data).hexdigest())
