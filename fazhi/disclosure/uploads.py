"""Attachments: refused by size before the body is stored, and checked by content, not name."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest

from fazhi.core.filetypes import sniff as core_sniff
from fazhi.procedures.services import Upload

MAX_BYTES = 10 * 1024 * 1024
TOO_LARGE = f"附件超过 {MAX_BYTES // 1024 // 1024} MB，已拒绝上传"
_ENVELOPE = 64 * 1024  # the other form fields and the multipart framing

KINDS = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword",
}


def too_large(request: HttpRequest) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > MAX_BYTES + _ENVELOPE


class SizeLimitHandler(FileUploadHandler):
    """Stops reading the moment a file passes the limit (a client may lie about its length)."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.received = 0
        self.exceeded = False

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > MAX_BYTES:
            self.exceeded = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> Any:
        return None


def install(request: HttpRequest) -> SizeLimitHandler:
    handler = SizeLimitHandler(request)
    request.upload_handlers = [handler, *request.upload_handlers]
    return handler


def sniff(data: bytes) -> str | None:
    """The kind of an attachment by its content: pdf, jpg, png, docx or doc; None otherwise."""
    kind = core_sniff(data)
    if kind == "ole":
        return "doc"
    return kind if kind in KINDS else None


def checked_upload(name: str, file: UploadedFile[Any] | None) -> Upload | None:
    """An Upload for the engine, or a Chinese refusal; None when no file was given."""
    if file is None:
        return None
    if (file.size or 0) > MAX_BYTES:
        raise ValidationError(TOO_LARGE)
    data = file.read()
    if not data:
        raise ValidationError("附件是空文件")
    kind = sniff(data)
    if kind is None:
        raise ValidationError(
            "附件只接受 PDF、JPG、PNG 图片或 Word 文档（按文件内容识别，不看扩展名）"
        )
    stem = (file.name or "附件").rsplit(".", 1)[0][:100]
    return Upload(input=name, name=f"{stem}.{kind}", content_type=KINDS[kind], data=data)
