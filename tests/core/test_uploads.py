"""The one upload gate and the one file store (fazhi.core.uploads): files are refused by size
before they are read, known by their content, stored once per content, and the rows that held
their own bytes before were moved into the store by the migrations."""

from __future__ import annotations

import hashlib
import io
import os
import time
import zipfile
from dataclasses import replace
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from fazhi.core import uploads
from fazhi.core.models import StoredFile
from fazhi.disclosure import services as disclosure_services
from fazhi.disclosure.models import Channel
from fazhi.indicators import services as indicator_services
from fazhi.indicators.models import Evidence as IndicatorEvidence
from fazhi.plans.models import Evidence, ProgressReport
from fazhi.procedures.models import CaseDocument
from fazhi.procedures.services import Upload
from tests.concurrency import in_threads
from tests.conftest import client_for
from tests.disclosure.helpers import application
from tests.indicators.helpers import by_name, import_plan
from tests.plans.work import report, work_plan

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
SMALL = uploads.Policy(label="材料", kinds=("pdf", "png", "docx"), max_bytes=1000, max_files=2)


def _docx(extra: bytes = b"") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        if extra:
            archive.writestr("word/media/image1.bin", extra)
    return buffer.getvalue()


# --- the bytes ---------------------------------------------------------------------------


def test_it_refuses_a_file_whose_content_lies_about_its_type():
    with pytest.raises(ValidationError, match=r"材料“扫描件\.pdf”的内容与扩展名不符.*实际是PNG"):
        uploads.check(SMALL, "扫描件.pdf", PNG)
    with pytest.raises(ValidationError, match=r"材料“报告\.docx”的内容与扩展名不符.*无法识别"):
        uploads.check(SMALL, "报告.docx", b"MZ\x90\x00 an executable")


def test_it_refuses_a_zip_that_declares_more_unpacked_bytes_than_the_policy_allows():
    bomb = _docx(os.urandom(300_000))  # stored, not deflated: the declared size is real
    tight = uploads.Policy(
        label="材料", kinds=("docx",), max_bytes=1024 * 1024, max_files=1, max_unpacked=200_000
    )
    with pytest.raises(ValidationError, match=r"材料“方案\.docx”已拒绝：文件解压后共 0\.3 MB"):
        uploads.check(tight, "方案.docx", bomb)
    assert uploads.check(replace(tight, max_unpacked=10**6), "方案.docx", bomb).kind == "docx"


def test_it_refuses_by_size_and_by_count_naming_the_file():
    with pytest.raises(ValidationError, match=r"材料“大\.pdf”超过 1000 字节，请压缩后再上传"):
        uploads.check(SMALL, "大.pdf", PDF + b"0" * 1000)
    with pytest.raises(ValidationError, match=r"材料“空\.pdf”是空文件"):
        uploads.check(SMALL, "空.pdf", b"")
    with pytest.raises(ValidationError, match="每次最多上传 2 个材料"):
        uploads.check_all(SMALL, [("a.pdf", PDF), ("b.pdf", PDF), ("c.pdf", PDF)])
    with pytest.raises(ValidationError, match=r"材料“a\.exe”的类型不支持：仅接受 PDF、PNG、Word"):
        uploads.check_all(SMALL, [("a.exe", PDF)])


def test_names_lose_their_path_and_control_characters_and_keep_their_extension():
    assert uploads.clean_name("C:\\fakepath\\..\\报告.pdf") == "报告.pdf"
    assert uploads.clean_name("../../etc/\x00pass\x1bwd\u200b.pdf") == "passwd.pdf"
    assert uploads.clean_name("  ") == "未命名"
    long = uploads.clean_name("长" * 400 + ".docx")
    assert len(long) == uploads.MAX_NAME
    assert long.endswith("长.docx")
    checked = uploads.check(SMALL, "/home/x/佐证\t材料.PDF", PDF)
    assert (checked.name, checked.kind, checked.content_type) == (
        "佐证材料.PDF", "pdf", "application/pdf"
    )  # fmt: skip


def test_a_policy_by_content_names_the_file_by_what_it_is():
    portal = uploads.Policy(
        label="附件", kinds=("pdf", "jpg", "png"), max_bytes=1000, max_files=1, by_content=True
    )
    assert uploads.check(portal, "photo.jpg", PNG).name == "photo.png"
    assert uploads.check(portal, "IMG_0001", PNG).name == "IMG_0001.png"
    with pytest.raises(ValidationError, match="按文件内容识别"):
        uploads.check(portal, "scan.pdf", b"MZ\x90\x00")


# --- the request -------------------------------------------------------------------------


class _Untouchable(io.RawIOBase):
    """A request body that must not be read."""

    def read(self, *args: Any) -> bytes:
        raise AssertionError("the body was read")

    readinto = read


def _refuse(request: HttpRequest, message: str) -> HttpResponse:
    return HttpResponse(message, status=413)


@uploads.gated(SMALL, _refuse)
def _view(request: HttpRequest) -> HttpResponse:
    names = [f.name for f in request.FILES.getlist("f")]
    return HttpResponse(",".join(str(n) for n in names))


def test_a_request_too_large_by_its_length_is_refused_before_its_body_is_read():
    request = RequestFactory().post("/x", {"f": SimpleUploadedFile("a.pdf", PDF)})
    request.META["CONTENT_LENGTH"] = str(SMALL.total() + uploads.ENVELOPE + 1)
    request._stream = _Untouchable()
    response = _view(request)
    assert response.status_code == 413
    assert "上传的材料合计超过" in response.content.decode()


def _post(files: list[SimpleUploadedFile], **fields: str) -> HttpRequest:
    request = RequestFactory().post("/x", {"f": files, **fields})
    request._dont_enforce_csrf_checks = True  # type: ignore[attr-defined]
    return request


def test_the_handler_stops_reading_at_the_first_file_past_its_limit():
    def big() -> list[SimpleUploadedFile]:
        return [SimpleUploadedFile("大文件.pdf", PDF + b"0" * 1500)]

    request = _post(big(), after="x")
    assert int(request.META["CONTENT_LENGTH"]) < SMALL.total() + uploads.ENVELOPE
    gate = uploads.gate(request, SMALL)
    assert not gate.refusal
    request.POST  # noqa: B018
    assert gate.refusal == "材料“大文件.pdf”超过 1000 字节，请压缩后再上传"
    assert "after" not in request.POST
    assert not request.FILES
    assert _view(_post(big())).status_code == 413


def test_a_third_file_is_refused_while_reading():
    def files(count: int) -> list[SimpleUploadedFile]:
        return [SimpleUploadedFile(f"{n}.pdf", PDF) for n in range(count)]

    response = _view(_post(files(3)))
    assert (response.status_code, response.content.decode()) == (413, "每次最多上传 2 个材料")
    assert _view(_post(files(2))).content == b"0.pdf,1.pdf"


def test_a_gated_view_still_checks_csrf_once_the_files_are_in():
    request = RequestFactory().post("/x", {"f": SimpleUploadedFile("a.pdf", PDF)})
    assert _view(request).status_code == 403


def test_the_gate_cannot_be_installed_once_the_body_was_read():
    request = RequestFactory().post("/x", {"f": SimpleUploadedFile("a.pdf", PDF)})
    request.FILES  # noqa: B018
    with pytest.raises(AttributeError):
        uploads.gate(request, SMALL)


@pytest.mark.django_db
def test_a_refused_report_keeps_nothing(world, settings):
    settings.FAZHI_EVIDENCE_MAX_BYTES = 1024
    work = work_plan(world)
    client = client_for(world.clerk_a)
    url = reverse("plans:task_report", args=[work.review.pk])
    fields = {"period_key": work.period_key, "text": "评查", "self_state": "in_progress"}
    big = SimpleUploadedFile("现场照片.png", PNG + b"0" * 2000)
    response = client.post(url, {**fields, "evidence": big}, follow=True)
    assert (
        "进展未报送：佐证材料“现场照片.png”超过 1 KB，请压缩后再上传" in response.content.decode()
    )
    lying = SimpleUploadedFile("表.pdf", PNG)
    response = client.post(url, {**fields, "evidence": lying}, follow=True)
    assert "内容与扩展名不符" in response.content.decode()
    assert not ProgressReport.objects.exists()
    assert not Evidence.objects.exists()
    assert not StoredFile.objects.exists()


# --- the store ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_same_bytes_are_stored_once_across_modules_and_download_byte_identical(world):
    work = work_plan(world)
    first = report(world, work, files=[("评查表.pdf", PDF), ("又一份.pdf", PDF)])
    plan = import_plan(world)
    indicator_services.indicator_value_report(
        actor=world.clerk_a, indicator_id=by_name(plan, "讲座").pk, unit=world.gov_a, year=2025,
        value="2", files=[indicator_services.Upload("讲座通知.pdf", PDF)],
    )  # fmt: skip
    created = disclosure_services.disclosure_register(
        actor=world.clerk_a, unit=world.gov_a, application=application(), channel=Channel.IN_PERSON,
        submitted_on=timezone.localdate(), uploads=[Upload("attachment", "申请.pdf", PDF)],
    )  # fmt: skip
    stored = StoredFile.objects.get(sha256=hashlib.sha256(PDF).hexdigest())
    assert (stored.size, stored.kind) == (len(PDF), "pdf")
    assert Evidence.objects.filter(report=first, file=stored).count() == 2
    assert IndicatorEvidence.objects.get().file == stored
    attached = CaseDocument.objects.get(case=created.case, kind="attachment")
    assert attached.file == stored
    # A generated document is stored the same way.
    receipt = CaseDocument.objects.get(case=created.case, kind="disclosure.receipt")
    assert receipt.file.kind == "docx"
    assert bytes(receipt.file.content).startswith(b"PK")
    client = client_for(world.clerk_a)
    for url in (
        reverse("plans:evidence", args=[first.evidence.first().pk]),
        reverse("indicators:evidence", args=[IndicatorEvidence.objects.get().pk]),
        reverse("procedures:document", args=[created.case.pk, attached.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.content == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_file_store_is_part_of_a_transaction():
    with transaction.atomic():
        one = uploads.file_store(data=PDF, kind="pdf", content_type="application/pdf")
        two = uploads.file_store(data=PDF, kind="pdf", content_type="application/pdf")
    assert one.pk == two.pk


def test_file_store_refuses_to_run_outside_a_transaction():
    with pytest.raises(RuntimeError):
        uploads.file_store(data=PDF, kind="pdf", content_type="application/pdf")


@pytest.mark.django_db(transaction=True)
def test_identical_uploads_at_once_are_all_kept_as_one_file(postgres):
    data = PDF + os.urandom(16)

    def store(i: int) -> int:
        with transaction.atomic():
            stored = uploads.file_store(data=data, kind="pdf", content_type="application/pdf")
            time.sleep(0.2)  # the others' inserts wait on the unique key meanwhile
            return stored.pk

    results = in_threads(6, store)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert len(set(results)) == 1
    assert StoredFile.objects.filter(sha256=hashlib.sha256(data).hexdigest()).count() == 1


# --- the migration -----------------------------------------------------------------------

BEFORE = [
    ("core", "0004_stored_file"),
    ("plans", "0004_draft_text_as_written"),
    ("indicators", "0002_partial_verdict"),
    ("procedures", "0002_list_indexes"),
]
AFTER = [
    ("plans", "0005_stored_file"),
    ("indicators", "0003_stored_file"),
    ("procedures", "0003_stored_file"),
]


def _latest() -> list[tuple[str, str]]:
    from django.db.migrations.loader import MigrationLoader

    leaves: list[tuple[str, str]] = MigrationLoader(connection).graph.leaf_nodes()
    return leaves


def _migrate(targets: list[tuple[str, str]]) -> Any:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_each_rows_bytes_into_one_stored_file(world):
    work = work_plan(world)
    first = report(world, work, files=[("评查表.pdf", PDF), ("现场.png", PNG)])
    plan = import_plan(world)
    indicator_services.indicator_value_report(
        actor=world.clerk_a, indicator_id=by_name(plan, "讲座").pk, unit=world.gov_a, year=2025,
        value="2", files=[indicator_services.Upload("讲座通知.pdf", PDF)],
    )  # fmt: skip
    created = disclosure_services.disclosure_register(
        actor=world.clerk_a, unit=world.gov_a, application=application(), channel=Channel.IN_PERSON,
        submitted_on=timezone.localdate(), uploads=[Upload("attachment", "申请.png", PNG)],
    )  # fmt: skip
    receipt = bytes(created.case.documents.get(kind="disclosure.receipt").file.content)
    try:
        old = _migrate(BEFORE)
        # As the rows were before: each with its own bytes, and no store.
        old.get_model("core", "StoredFile").objects.all().delete()
        plans_rows = old.get_model("plans", "Evidence").objects.filter(report_id=first.pk)
        assert sorted((r.name, bytes(r.content), r.kind) for r in plans_rows) == [
            ("现场.png", PNG, "png"), ("评查表.pdf", PDF, "pdf"),
        ]  # fmt: skip
        documents = old.get_model("procedures", "CaseDocument").objects.filter(
            case_id=created.case.pk
        )
        assert {bytes(d.content) for d in documents} == {PNG, receipt}
        assert documents.get(kind="attachment").content_type == "image/png"
        new = _migrate(AFTER)
    finally:
        _migrate(_latest())  # every app back at its newest migration
    stored = new.get_model("core", "StoredFile").objects
    assert stored.count() == 3  # PDF, PNG and the receipt, each once
    moved = {e.name: e.file_id for e in Evidence.objects.filter(report=first)}
    assert bytes(StoredFile.objects.get(pk=moved["评查表.pdf"]).content) == PDF
    assert StoredFile.objects.get(pk=moved["现场.png"]).content_type == "image/png"
    assert IndicatorEvidence.objects.get().file_id == moved["评查表.pdf"]
    attached = CaseDocument.objects.get(case=created.case, kind="attachment")
    assert attached.file_id == moved["现场.png"]
    document = CaseDocument.objects.get(case=created.case, kind="disclosure.receipt")
    assert (bytes(document.file.content), document.file.kind) == (receipt, "docx")
    response = client_for(world.clerk_a).get(
        reverse("procedures:document", args=[created.case.pk, attached.pk])
    )
    assert (response.content, response["Content-Type"]) == (PNG, "image/png")
