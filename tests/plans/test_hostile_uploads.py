"""Hostile uploads are refused from their zip directory or a bounded read, with a Chinese
message, and nothing is written (#13 item 12). The files are built in tests/plans/hostile."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from fazhi.core.filetypes import sniff
from fazhi.plans import services
from fazhi.plans.models import Evidence, LedgerImport, PlanDraft, ProgressReport, SourceFile
from fazhi.plans.parsing.reader import read_plan_file
from tests.plans import hostile
from tests.plans.work import report, work_plan

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def bomb() -> bytes:
    data = hostile.docx_bomb(190)
    assert len(data) < 1024 * 1024
    return data


def test_a_docx_plan_that_unpacks_to_190_mb_is_refused_before_it_is_opened(world, bomb):
    with pytest.raises(ValidationError, match=r"Word 文档已拒绝处理：.*压缩比异常"):
        services.plan_draft_create(actor=world.supervisor, name="方案.docx", data=bomb)
    assert not PlanDraft.objects.exists()
    assert not SourceFile.objects.exists()


def test_a_docx_plan_whose_body_is_over_the_limit_is_refused_naming_it(monkeypatch):
    import io
    import random

    import docx

    from fazhi.plans.parsing import reader

    monkeypatch.setattr(reader, "MAX_DOCX_DOCUMENT", 1024 * 1024)
    document = docx.Document()
    chars = [chr(c) for c in range(0x4E00, 0x9FA5)]
    document.add_paragraph("".join(random.Random(1).choices(chars, k=500_000)))
    buffer = io.BytesIO()
    document.save(buffer)
    with pytest.raises(ValidationError, match=r"正文解压后为 1\.\d MB，超过 1 MB 的上限"):
        read_plan_file("方案.docx", buffer.getvalue())


def test_a_zip_bomb_is_not_accepted_as_evidence(world, bomb):
    assert sniff(bomb) is None
    work = work_plan(world)
    with pytest.raises(ValidationError, match=r"佐证材料“佐证\.docx”已拒绝：.*压缩比异常"):
        report(world, work, files=[("佐证.docx", bomb)])
    assert not ProgressReport.objects.exists()
    assert not Evidence.objects.exists()


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (hostile.ledger_broken_xml, "不是有效的 Excel 文件"),
        (hostile.ledger_claiming_rows, "声明有 1048576 行、7 列，超过台账的上限（5000 项任务"),
        (lambda **kw: hostile.ledger_many_rows(6000, **kw), "超过 5000 行任务"),
        (lambda **kw: b"PK\x03\x04" + b"\0" * 100, "不是有效的 Excel 文件"),
    ],
)
def test_a_hostile_ledger_is_refused_and_nothing_is_kept(world, build, message):
    work = work_plan(world)
    data = build(plan_id=work.plan.pk, period=work.period_key)
    with pytest.raises(ValidationError, match=message):
        services.ledger_import_prepare(
            actor=world.clerk_a, plan_id=work.plan.pk, name="台账.xlsx", data=data
        )
    assert not LedgerImport.objects.exists()
    assert not ProgressReport.objects.exists()


def test_a_ledger_upload_of_broken_xml_is_a_400_page_in_chinese(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.conftest import client_for

    work = work_plan(world)
    data = hostile.ledger_broken_xml(plan_id=work.plan.pk, period=work.period_key)
    response = client_for(world.clerk_a).post(
        f"/plans/ledger/{work.plan.pk}/import/", {"file": SimpleUploadedFile("台账.xlsx", data)}
    )
    assert response.status_code == 400
    assert "不是有效的 Excel 文件" in response.content.decode()
