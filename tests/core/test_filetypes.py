"""The one content sniffer every upload goes through."""

from __future__ import annotations

import io
import zipfile

import docx
import openpyxl

from fazhi.core.filetypes import sniff


def _zip(names: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


def test_it_recognises_real_office_files_by_their_structure():
    word = io.BytesIO()
    docx.Document().save(word)
    sheet = io.BytesIO()
    openpyxl.Workbook().save(sheet)
    assert sniff(word.getvalue()) == "docx"
    assert sniff(sheet.getvalue()) == "xlsx"


def test_it_tells_images_pdf_ofd_and_legacy_office_apart():
    assert sniff(b"%PDF-1.7 body") == "pdf"
    assert sniff(b"\x89PNG\r\n\x1a\nrest") == "png"
    assert sniff(b"\xff\xd8\xff\xe0rest") == "jpg"
    assert sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest") == "ole"
    assert sniff(_zip(["OFD.xml", "Doc_0/Document.xml"])) == "ofd"


def test_a_zip_of_something_else_or_garbage_is_unknown():
    assert sniff(_zip(["readme.txt"])) is None
    assert sniff(b"PK\x03\x04 not really a zip") is None
    assert sniff(b"MZ\x90\x00 an executable") is None
    assert sniff(b"") is None
