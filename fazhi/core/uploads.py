"""The one upload gate and the one file store: every attachment of the platform is limited by
size before its body is read, known by its content, and stored once per content.

A module declares a ``Policy`` for what it accepts (kinds, bytes per file, files per request,
bytes per request) and

* wraps the view that takes the files in ``gated(policy, refuse)``: a request whose
  Content-Length is already too much is refused before a byte of its body is read, and the
  rest is read through ``SizeLimit``, which stops at the first file (or total) past the
  limit — a client may lie about its length;
* reads the files with ``read`` (each file's size is looked at before it is read);
* checks their bytes with ``check`` / ``check_all`` in its service (type by content, zip
  packages by their directory, extension against content, a clean name);
* keeps them with ``file_store``: the same bytes uploaded twice are stored once.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import wraps
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.db import IntegrityError, connection, transaction
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from fazhi.core.filetypes import KIND_NAMES, MAX_UNPACKED, archive_problem, sniff
from fazhi.core.models import StoredFile
from fazhi.core.text import INVISIBLE, printable

# Multipart framing and the other form fields around the files.
ENVELOPE = 64 * 1024
MAX_NAME = 255

# A kind is a file type by its usual extension; what sniff() must find in its bytes.
SNIFFED = {
    "pdf": "pdf", "ofd": "ofd", "docx": "docx", "xlsx": "xlsx", "doc": "ole", "xls": "ole",
    "jpg": "jpg", "png": "png",
}  # fmt: skip
ALIASES = {"jpeg": "jpg"}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "ofd": "application/ofd",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "jpg": "image/jpeg",
    "png": "image/png",
}
NAMES = {
    "pdf": "PDF", "ofd": "OFD", "docx": "Word（.docx）", "xlsx": "Excel（.xlsx）",
    "doc": "Word（.doc）", "xls": "Excel（.xls）", "jpg": "JPG", "png": "PNG",
}  # fmt: skip
OCTET_STREAM = "application/octet-stream"
# Allowed in typed text, not in a file name.
_LINE_CHARACTERS = dict.fromkeys(map(ord, "\t\n\r"), None)


def _mb(size: int) -> str:
    """A size as people read it: 20 MB, 1.5 MB, 512 KB, 1000 字节."""
    for unit, name in ((1024 * 1024, "MB"), (1024, "KB")):
        if size >= unit:
            return f"{size // unit} {name}" if size % unit == 0 else f"{size / unit:.1f} {name}"
    return f"{size} 字节"


@dataclass(frozen=True)
class Policy:
    """What one kind of attachment may be. ``label`` names it in messages (佐证材料, 附件);
    ``kinds`` are the accepted types in the order they are offered; ``setting`` names a
    setting that overrides ``max_bytes``. With ``by_content`` the content alone decides the
    type and the name's extension is replaced by it (for the public portal, where a phone
    sends photos without an extension); otherwise extension and content must agree."""

    label: str
    kinds: tuple[str, ...]
    max_bytes: int
    max_files: int
    max_total: int | None = None  # default: max_files × max_bytes
    max_unpacked: int = MAX_UNPACKED
    by_content: bool = False
    setting: str = ""

    def __post_init__(self) -> None:
        unknown = [k for k in self.kinds if k not in SNIFFED]
        if unknown:
            raise ValueError(f"unknown upload kinds: {unknown}")

    def limit(self) -> int:
        """Bytes one file may have."""
        if self.setting:
            return int(getattr(settings, self.setting, self.max_bytes))
        return self.max_bytes

    def total(self) -> int:
        """Bytes all files of one request may have together."""
        return self.max_total if self.max_total is not None else self.max_files * self.limit()

    def accept(self) -> str:
        """For the file input's ``accept`` attribute: every extension the policy takes."""
        aliases = [alias for alias, kind in ALIASES.items() if kind in self.kinds]
        return ",".join(f".{k}" for k in [*self.kinds, *aliases])

    def accepted(self) -> str:
        return "、".join(NAMES[k] for k in self.kinds)

    def too_large(self, name: str) -> str:
        return f"{self.label}“{name}”超过 {_mb(self.limit())}，请压缩后再上传"

    def too_many(self) -> str:
        return f"每次最多上传 {self.max_files} 个{self.label}"

    def too_much(self) -> str:
        return f"上传的{self.label}合计超过 {_mb(self.total())}，已拒绝上传"


@dataclass(frozen=True)
class Checked:
    """A file that passed its policy: its clean name, its kind and the bytes."""

    name: str
    kind: str
    content_type: str
    data: bytes = field(repr=False)
    sha256: str


# --- names -------------------------------------------------------------------------------


def clean_name(name: str | None, default: str = "未命名") -> str:
    """The file's own name without a path (``C:\\fakepath\\``, ``../``), control and zero-width
    characters, at most MAX_NAME characters (the stem is shortened, the extension kept)."""
    text = printable((name or "").translate(INVISIBLE)).translate(_LINE_CHARACTERS)
    text = text.replace("\\", "/")
    text = text.rsplit("/", 1)[-1].strip().strip(".").strip()
    if not text:
        return default
    if len(text) > MAX_NAME:
        stem, dot, suffix = text.rpartition(".")
        if dot and 0 < len(suffix) <= 10:
            text = stem[: MAX_NAME - len(suffix) - 1].rstrip() + "." + suffix
        else:
            text = text[:MAX_NAME]
    return text


def _extension(name: str) -> str:
    suffix = name.rpartition(".")[2].lower() if "." in name else ""
    return ALIASES.get(suffix, suffix)


# --- the bytes ---------------------------------------------------------------------------


def check(policy: Policy, name: str, data: bytes) -> Checked:
    """The file if it is what the policy accepts, else a Chinese ValidationError naming it."""
    name = clean_name(name)
    extension = _extension(name)
    if not policy.by_content and extension not in policy.kinds:
        raise ValidationError(f"{policy.label}“{name}”的类型不支持：仅接受 {policy.accepted()}")
    if not data:
        raise ValidationError(f"{policy.label}“{name}”是空文件")
    if len(data) > policy.limit():
        raise ValidationError(policy.too_large(name))
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                problem = archive_problem(archive, max_unpacked=policy.max_unpacked)
        except (zipfile.BadZipFile, ValueError, OSError, EOFError):
            problem = ""  # not a zip after all: sniff() says what it is not
        if problem:
            raise ValidationError(f"{policy.label}“{name}”已拒绝：{problem}")
    found = sniff(data)
    if policy.by_content:
        kind = next((k for k in policy.kinds if SNIFFED[k] == found), None)
        if kind is None:
            raise ValidationError(
                f"{policy.label}“{name}”的类型不支持：只接受 {policy.accepted()}"
                "（按文件内容识别，不看扩展名）"
            )
        stem = name.rpartition(".")[0] if "." in name else name
        name = clean_name(f"{stem or policy.label}.{kind}")
    else:
        kind = extension
        if SNIFFED[kind] != found:
            what = f"实际是{KIND_NAMES[found]}" if found else "无法识别为所声称的类型"
            raise ValidationError(
                f"{policy.label}“{name}”的内容与扩展名不符（扩展名为 .{extension}，{what}），已拒绝"
            )
    return Checked(name, kind, CONTENT_TYPES[kind], data, hashlib.sha256(data).hexdigest())


def check_all(policy: Policy, files: Sequence[tuple[str, bytes]]) -> list[Checked]:
    """Every file checked, and how many and how much together (all or nothing)."""
    if len(files) > policy.max_files:
        raise ValidationError(policy.too_many())
    if sum(len(data) for _, data in files) > policy.total():
        raise ValidationError(policy.too_much())
    return [check(policy, name, data) for name, data in files]


# --- the request -------------------------------------------------------------------------


class SizeLimit(FileUploadHandler):
    """Stops reading the body at the first file past its limit, the file past the count, or
    the byte past the request's total: what was read so far is dropped with the request."""

    def __init__(self, request: HttpRequest | None, policy: Policy) -> None:
        super().__init__(request)
        self.policy = policy
        self.limit = policy.limit()
        self.budget = policy.total()
        self.files = 0
        self.received = 0
        self.total = 0
        self.current = ""
        self.refusal = ""

    def _refuse(self, message: str) -> None:
        self.refusal = message
        raise StopUpload(connection_reset=True)

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.files += 1
        self.received = 0
        self.current = clean_name(self.file_name)
        if self.files > self.policy.max_files:
            self._refuse(self.policy.too_many())

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        self.total += len(raw_data)
        if self.received > self.limit:
            self._refuse(self.policy.too_large(self.current))
        if self.total > self.budget:
            self._refuse(self.policy.too_much())
        return raw_data

    def file_complete(self, file_size: int) -> Any:
        return None


@dataclass
class Gate:
    """The size checks of one request: by its Content-Length, then while it is read."""

    policy: Policy
    early: str = ""
    handler: SizeLimit | None = None

    @property
    def refusal(self) -> str:
        return self.early or (self.handler.refusal if self.handler else "")


def gate(request: HttpRequest, policy: Policy) -> Gate:
    """Refuse by Content-Length, else install SizeLimit; before anything reads the body."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > policy.total() + ENVELOPE:
        return Gate(policy, early=f"{policy.too_much()}（本次 {_mb(length)}）")
    handler = SizeLimit(request, policy)
    # Django refuses to set handlers once the body was parsed: the gate cannot come too late.
    request.upload_handlers = [handler, *request.upload_handlers]
    return Gate(policy, handler=handler)


Refuse = Callable[..., HttpResponse]


def gated(policy: Policy, refuse: Refuse) -> Callable[[Callable[..., HttpResponse]], Any]:
    """For a view that takes files under ``policy``. On POST the gate is in place before the
    body is read (the CSRF check, which reads it, comes after); a request refused by size is
    answered by ``refuse(request, message, *args, **kwargs)`` and reaches no view code."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        protected = csrf_protect(view)

        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST":
                found = gate(request, policy)
                if not found.refusal:
                    request.FILES  # noqa: B018 (parse the body here, through the size limit)
                if found.refusal:
                    return refuse(request, found.refusal, *args, **kwargs)
            return protected(request, *args, **kwargs)

        return wrapper

    return decorate


def read(policy: Policy, files: Sequence[UploadedFile[Any]]) -> list[tuple[str, bytes]]:
    """The files' names and bytes; the count and each size are checked before a read."""
    if len(files) > policy.max_files:
        raise ValidationError(policy.too_many())
    if sum(f.size or 0 for f in files) > policy.total():
        raise ValidationError(policy.too_much())
    for upload in files:
        if (upload.size or 0) > policy.limit():
            raise ValidationError(policy.too_large(clean_name(upload.name)))
    return [(upload.name or "", upload.read()) for upload in files]


# --- the store ---------------------------------------------------------------------------


def file_store(*, data: bytes, kind: str, content_type: str) -> StoredFile:
    """The stored file holding ``data``: found by its SHA-256, or created.

    Called inside the service that keeps the attachment (which checked permission and
    audits the attachment with this SHA-256), so a refused request keeps nothing. Two
    requests storing the same new bytes at once: the second insert waits for the first
    transaction on the unique key; if that one committed, the second takes its row."""
    if not connection.in_atomic_block:
        raise RuntimeError("file_store runs inside the transaction of the attaching service")
    sha = hashlib.sha256(data).hexdigest()
    found = StoredFile.objects.defer("content").filter(sha256=sha).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():  # a savepoint: a lost race leaves the outer one usable
            return StoredFile.objects.create(
                sha256=sha, size=len(data), kind=kind, content_type=content_type, content=data
            )
    except IntegrityError:
        return StoredFile.objects.defer("content").get(sha256=sha)


def download(stored: StoredFile, name: str) -> HttpResponse:
    """The file's bytes as an attachment named ``name``, with the type its content has."""
    response = HttpResponse(bytes(stored.content), content_type=stored.content_type or OCTET_STREAM)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- moving rows that held their own bytes (the data migrations of plans, indicators and
# procedures; they pass their historical models) ----------------------------------------


def kind_of(data: bytes, name: str = "", content_type: str = "") -> str:
    """The kind of stored bytes: by content, a legacy OLE file by its name or type."""
    found = sniff(data)
    if found == "ole":
        if _extension(name) == "xls" or content_type == CONTENT_TYPES["xls"]:
            return "xls"
        return "doc"
    return next((k for k, sniffed in SNIFFED.items() if sniffed == found), "")


def stored_id(model: Any, data: bytes, *, name: str = "", content_type: str = "") -> int:
    """The id of ``model`` (a historical StoredFile) holding ``data``, created if new."""
    sha = hashlib.sha256(data).hexdigest()
    found = model.objects.filter(sha256=sha).values_list("pk", flat=True).first()
    if found is not None:
        return int(found)
    kind = kind_of(data, name, content_type)
    row = model.objects.create(
        sha256=sha, size=len(data), kind=kind, content=data,
        content_type=CONTENT_TYPES.get(kind) or content_type or OCTET_STREAM,
    )  # fmt: skip
    return int(row.pk)
