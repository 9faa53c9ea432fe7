"""Refusing an oversized upload before its body is read: by Content-Length, then per chunk."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest

from fazhi.plans.parsing.reader import MAX_BYTES

# Multipart framing and the other form fields around the file.
_ENVELOPE = 64 * 1024


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

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > MAX_BYTES:
            self.exceeded = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> Any:
        return None
