"""Documents from .docx templates: a shipped default per code, replaceable by an administrator.

A template is an ordinary Word file whose text holds placeholders such as ``{{number}}``;
filling replaces them paragraph by paragraph (in the body, tables, headers and footers),
keeping the formatting of the paragraph's first run. Word often splits a typed placeholder
across runs, which is why a paragraph is joined before it is filled. Every filled document
leaves through core.officialdoc.conform: A4 with the GB/T 9704 margins, styles and "— N —"
page numbers, whatever page the template was drawn on.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import docx
from django.core.exceptions import ValidationError

from fazhi.core.officialdoc import DOCX, chinese_date, conform, docx_bytes
from fazhi.core.text import printable
from fazhi.procedures.models import DocumentTemplate

__all__ = ["DOCX", "chinese_date", "render"]

PLACEHOLDER = re.compile(r"\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}")
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class DefaultTemplate:
    code: str
    name: str
    path: Path


_DEFAULTS: dict[str, DefaultTemplate] = {}


def register_template(code: str, name: str, path: Path) -> None:
    """A module ships the default file for ``code``; call from AppConfig.ready()."""
    _DEFAULTS[code] = DefaultTemplate(code, name, path)


def default_templates() -> list[DefaultTemplate]:
    return [t for _, t in sorted(_DEFAULTS.items())]


def template_name(code: str) -> str:
    found = _DEFAULTS.get(code)
    return found.name if found else code


def template_bytes(code: str) -> bytes:
    """The administrator's replacement if there is one, else the shipped default."""
    row = DocumentTemplate.objects.filter(code=code).values_list("content", flat=True).first()
    if row is not None:
        return bytes(row)
    default = _DEFAULTS.get(code)
    if default is None:
        raise ValidationError(f"文书模板“{code}”不存在")
    return default.path.read_bytes()


def check_template(data: bytes) -> list[str]:
    """Refuse what is not a readable .docx; return the placeholders it uses."""
    if len(data) > MAX_TEMPLATE_BYTES:
        raise ValidationError("模板文件超过 5 MB")
    if not data.startswith(b"PK") or not _has_word_body(data):
        raise ValidationError("模板必须是 Word 文档（.docx）")
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several kinds on a damaged file
        raise ValidationError("模板文件无法读取，请用 Word 另存为 .docx 后再上传") from exc
    names: list[str] = []
    for paragraph in _paragraphs(document):
        for name in PLACEHOLDER.findall(paragraph.text):
            if name not in names:
                names.append(name)
    return names


def _has_word_body(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def _paragraphs(document: Any, *, body_only: bool = False) -> Iterator[Any]:
    def from_container(container: Any) -> Iterator[Any]:
        yield from container.paragraphs
        for table in getattr(container, "tables", []):
            for row in table.rows:
                for cell in row.cells:
                    yield from from_container(cell)

    yield from from_container(document)
    if body_only:
        return
    for section in document.sections:
        for part in (section.header, section.footer):
            yield from from_container(part)


def render(code: str, context: Mapping[str, Any]) -> bytes:
    """Fill template ``code``; a placeholder with no value is left empty.

    Values pass through core.text.printable: a row stored before input was checked may hold
    a control character, which Word's XML cannot carry (python-docx would refuse it).
    """
    document = docx.Document(io.BytesIO(template_bytes(code)))

    def value(match: re.Match[str]) -> str:
        found = context.get(match.group(1), "")
        if isinstance(found, date):
            return chinese_date(found)
        return "" if found is None else printable(str(found))

    for paragraph in _paragraphs(document):
        text = paragraph.text
        if "{{" not in text:
            continue
        filled = PLACEHOLDER.sub(value, text)
        runs = paragraph.runs
        if not runs:
            continue
        runs[0].text = filled  # python-docx turns "\n" into a line break
        for run in runs[1:]:
            run.text = ""
    return docx_bytes(conform(document))


def document_text(data: bytes) -> str:
    """Plain text of a .docx body (for tests and previews): the footer holds the page number
    that conform gives every page, and a 公文 has no header."""
    document = docx.Document(io.BytesIO(data))
    return "\n".join(p.text for p in _paragraphs(document, body_only=True) if p.text)
