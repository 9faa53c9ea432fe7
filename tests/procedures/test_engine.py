"""The case engine: numbering, the append-only log, versions, templates, recomputation.

The engine is exercised through the disclosure procedure, the first one declared on it.
"""

from __future__ import annotations

import io
from datetime import date

import docx
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fazhi.core.numbering import number_pattern_set
from fazhi.procedures import documents, engine, services
from fazhi.procedures.models import Case, CaseEvent
from fazhi.workdays.services import calendar_day_set
from tests.disclosure.helpers import act, fresh, register

pytestmark = pytest.mark.django_db
D = date


def test_it_numbers_cases_by_the_units_pattern_per_year(world):
    number_pattern_set(
        actor=world.admin,
        unit=world.gov_a,
        series=engine.case_series("disclosure"),
        pattern="临府公开〔{year}〕{seq}号",
    )
    first = register(world, on=D(2026, 3, 2))
    second = register(world, on=D(2026, 3, 3), applicant_name="王芳")
    previous_year = register(world, on=D(2025, 12, 30), applicant_name="赵强")
    other_unit = register(
        world, on=D(2026, 3, 2), unit=world.gov_b, actor=world.clerk_b, applicant_name="钱伟"
    )
    assert first.case.number == "临府公开〔2026〕1号"
    assert second.case.number == "临府公开〔2026〕2号"
    assert previous_year.case.number == "临府公开〔2025〕1号"
    # Without a pattern of its own a unit gets "<unit name>公开〔year〕n号".
    assert other_unit.case.number == "南城县人民政府公开〔2026〕1号"


def test_it_refuses_a_number_pattern_without_year_and_sequence(world):
    with pytest.raises(ValidationError, match="year"):
        number_pattern_set(
            actor=world.admin, unit=world.gov_a, series="case:disclosure", pattern="抚司公开{seq}号"
        )
    with pytest.raises(PermissionDenied):
        number_pattern_set(
            actor=world.clerk_a, unit=world.gov_a, series="case:disclosure",
            pattern="抚司公开〔{year}〕{seq}号",
        )  # fmt: skip


def test_events_can_be_neither_changed_nor_deleted(world):
    request = register(world, on=D(2026, 3, 2))
    event = CaseEvent.objects.get(case=request.case)
    event.label = "改过"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()


def test_a_stale_version_gets_the_refresh_message_and_changes_nothing(world):
    request = register(world, on=D(2026, 9, 24))
    shown = request.case.version
    services.case_act(
        actor=world.clerk_a, case_id=request.case_id, action="reply", on=D(2026, 10, 9),
        version=shown, inputs={"reply_type": "public", "reply_text": "予以公开。"},
    )  # fmt: skip
    with pytest.raises(ValidationError, match="该申请已被他人处理，请刷新"):
        services.case_act(
            actor=world.clerk_a, case_id=request.case_id, action="reply", on=D(2026, 10, 9),
            version=shown, inputs={"reply_type": "public", "reply_text": "予以公开。"},
        )  # fmt: skip
    # 答复 is drafted for sign-off: one draft, not two.
    assert CaseEvent.objects.filter(case=request.case, action="approval.submit").count() == 1
    assert request.case.approvals.count() == 1


def test_it_refuses_a_date_before_the_previous_step_or_in_the_future(world):
    request = register(world, on=D(2026, 9, 24))
    with pytest.raises(ValidationError, match="早于上一步的日期"):
        act(world, request, "reply", D(2026, 9, 23), reply_type="public", reply_text="x")
    with pytest.raises(ValidationError, match="晚于今天"):
        act(world, request, "reply", D(2099, 1, 1), reply_type="public", reply_text="x")
    assert fresh(request).case.state == "received"


def test_staff_of_another_county_cannot_act_on_a_case(world):
    request = register(world, on=D(2026, 9, 24))
    with pytest.raises(ValidationError, match="不存在或无权办理"):
        services.case_act(
            actor=world.clerk_b, case_id=request.case_id, action="reply", on=D(2026, 10, 9),
            version=None, inputs={"reply_type": "public", "reply_text": "x"},
        )  # fmt: skip


def test_a_supervisor_sees_but_may_not_act(world):
    request = register(world, on=D(2026, 9, 24))
    with pytest.raises(PermissionDenied):
        services.case_act(
            actor=world.supervisor, case_id=request.case_id, action="reply", on=D(2026, 10, 9),
            version=None, inputs={"reply_type": "public", "reply_text": "x"},
        )  # fmt: skip


def test_an_applicant_step_cannot_be_taken_by_staff(world):
    request = register(world, on=D(2026, 9, 24))
    act(world, request, "ask_correction", D(2026, 9, 29), items="请写明路段")
    with pytest.raises(ValidationError, match="申请人本人"):
        act(world, request, "supply", D(2026, 10, 9), text="中山路")


def _docx(text: str) -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_an_administrator_replaces_a_template_and_new_documents_use_it(world):
    services.template_replace(
        actor=world.admin,
        code="disclosure.receipt",
        data=_docx("本地回执 {{number}} {{applicant_name}}"),
    )
    request = register(world, on=D(2026, 9, 24))
    receipt = request.case.documents.get(kind="disclosure.receipt")
    assert documents.document_text(bytes(receipt.file.content)) == (
        f"本地回执 {request.case.number} 李明"
    )
    services.template_reset(actor=world.admin, code="disclosure.receipt")
    again = register(world, on=D(2026, 9, 25), applicant_name="王芳")
    text = documents.document_text(
        bytes(again.case.documents.get(kind="disclosure.receipt").file.content)
    )
    assert "政府信息公开申请登记回执" in text
    assert "王芳" in text


def test_it_refuses_a_template_that_is_not_a_word_document(world):
    with pytest.raises(ValidationError, match="docx"):
        services.template_replace(actor=world.admin, code="disclosure.reply", data=b"%PDF-1.4 ...")
    with pytest.raises(ValidationError, match="不存在"):
        services.template_replace(actor=world.admin, code="nope", data=_docx("x"))
    with pytest.raises(PermissionDenied):
        services.template_replace(actor=world.clerk_a, code="disclosure.reply", data=_docx("x"))


def test_a_calendar_change_recomputes_the_stored_due_date(world):
    # Registered 2026-09-24: 20 WD end on 2026-10-29 (worked in test_procedure_walk).
    request = register(world, on=D(2026, 9, 24))
    assert request.case.due_on == D(2026, 10, 29)
    # A local day off on 2026-10-20 moves the 20th working day to the next one, 10-30.
    calendar_day_set(actor=world.admin, day=D(2026, 10, 20), is_workday=False, name="本地休假")
    case = Case.objects.get(pk=request.case_id)
    assert case.due_on == D(2026, 10, 30)
    assert "2026-10-30" in case.due_explanation[-1]


def test_procedures_are_declared_and_registered():
    disclosure = engine.get("disclosure")
    assert disclosure.action("reply").requires_document
    with pytest.raises(LookupError):
        engine.get("nope")
    with pytest.raises(ValueError, match="unknown state"):
        engine.Procedure(
            code="x", name="x", number_word="x", initial="a",
            states=(engine.State("a", "甲"),),
            actions=(engine.Action("go", "走", sources=("a",), target="b"),),
        )  # fmt: skip


def test_an_administrator_uploads_a_template_in_the_admin(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from fazhi.procedures.models import DocumentTemplate
    from tests.conftest import client_for

    client = client_for(world.admin)
    upload = SimpleUploadedFile("reply.docx", _docx("本地答复书 {{number}}"))
    response = client.post(
        "/admin/procedures/documenttemplate/add/", {"code": "disclosure.reply", "file": upload}
    )
    assert response.status_code == 302
    assert DocumentTemplate.objects.get(code="disclosure.reply").updated_by == world.admin
    bad = SimpleUploadedFile("reply.docx", b"not a docx")
    response = client.post(
        "/admin/procedures/documenttemplate/add/", {"code": "disclosure.receipt", "file": bad}
    )
    assert "docx" in response.content.decode()
    assert not DocumentTemplate.objects.filter(code="disclosure.receipt").exists()
