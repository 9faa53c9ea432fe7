"""The public portal: apply without login, query code + phone, status, 补正, documents."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from fazhi.disclosure import services
from fazhi.disclosure.models import DisclosureRequest
from fazhi.procedures.models import CASE_UPLOADS
from tests.conftest import client_for
from tests.disclosure.helpers import act, fresh

pytestmark = pytest.mark.django_db

FORM = {
    "applicant_type": "person", "applicant_name": "陈晨", "phone": "13907945678",
    "description": "临川区2026年老旧小区改造项目清单",
}  # fmt: skip


@pytest.fixture
def desk(world):
    return services.desk_set(actor=None, unit=world.gov_a)


def _submit(client: Client, world, **extra):
    return client.post("/public/disclosure/", {**FORM, "unit": world.gov_a.pk, **extra})


def test_a_citizen_applies_and_sees_the_status_only_with_code_and_phone(world, desk):
    citizen = Client()
    response = _submit(citizen, world)
    assert response.status_code == 302
    created = DisclosureRequest.objects.get(applicant_name="陈晨")
    assert created.case.state == "submitted"
    assert created.received_on is None
    assert created.query_code in citizen.get("/public/disclosure/submitted/").content.decode()
    assert (
        "陈晨"
        not in Client().get(f"/public/disclosure/status/{created.query_code}/").content.decode()
    )
    stranger = Client()
    wrong = stranger.post(
        "/public/disclosure/status/", {"code": created.query_code, "phone_last4": "0000"}
    )
    assert wrong.status_code == 400
    ok = stranger.post(
        "/public/disclosure/status/", {"code": created.query_code.lower(), "phone_last4": "5678"}
    )
    assert ok.status_code == 302
    page = stranger.get(ok["Location"]).content.decode()
    assert "待确认收到" in page
    assert "老旧小区" in page


def test_it_refuses_the_same_request_twice_in_a_minute(world, desk):
    assert _submit(Client(), world).status_code == 302
    again = _submit(Client(), world)
    assert again.status_code == 400
    assert "请勿重复提交" in again.content.decode()
    assert DisclosureRequest.objects.count() == 1


def test_it_refuses_huge_and_disguised_attachments_before_storing(world, desk):
    huge = SimpleUploadedFile(
        "big.pdf", b"%PDF-" + b"0" * (CASE_UPLOADS.max_bytes + 10), "application/pdf"
    )
    response = _submit(Client(), world, attachment=huge)
    assert response.status_code == 413
    assert "附件“big.pdf”超过 10 MB，请压缩后再上传" in response.content.decode()
    disguised = SimpleUploadedFile("scan.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    response = _submit(Client(), world, attachment=disguised)
    assert response.status_code == 400
    assert "按文件内容识别" in response.content.decode()
    assert DisclosureRequest.objects.count() == 0
    png = SimpleUploadedFile("photo.jpg", b"\x89PNG\r\n\x1a\n" + b"0" * 100, "image/jpeg")
    assert _submit(Client(), world, attachment=png).status_code == 302
    assert DisclosureRequest.objects.get().case.documents.get().filename == "photo.png"


def test_it_refuses_a_portal_request_without_phone_or_description(world, desk):
    response = _submit(Client(), world, phone="", description="")
    assert response.status_code == 400
    assert DisclosureRequest.objects.count() == 0


def test_the_citizen_supplies_the_correction_and_sees_the_reply(world, desk):
    citizen = Client()
    _submit(citizen, world)
    created = DisclosureRequest.objects.get()
    today = timezone.localdate()
    act(world, created, "confirm", today)
    created = fresh(created)
    assert created.received_on == today
    assert created.case.number.startswith("临川区人民政府公开")
    act(world, created, "ask_correction", today, items="请写明小区名称")
    status = f"/public/disclosure/status/{created.query_code}/"
    assert "请写明小区名称" in citizen.get(status).content.decode()
    assert citizen.post(status + "supply/", {"text": "文昌里小区"}).status_code == 302
    created = fresh(created)
    assert created.case.state == "received"
    assert created.case.clock["main"]["start"] == today.isoformat()
    act(world, created, "reply", today, reply_type="public", reply_text="予以公开，清单附后。")
    page = citizen.get(status).content.decode()
    assert "已答复待送达" in page
    assert "政府信息公开申请答复书" in page
    reply = fresh(created).case.documents.get(kind="disclosure.reply")
    assert citizen.get(f"{status}documents/{reply.pk}/").status_code == 200
    consult_free = fresh(created).case.documents.filter(for_applicant=False)
    assert not consult_free.exists()
    assert Client().get(f"{status}documents/{reply.pk}/").status_code == 404
    # Staff of the unit see the supplied text on the timeline.
    assert (
        "文昌里小区" in client_for(world.clerk_a).get(f"/cases/{created.case_id}/").content.decode()
    )


def test_it_refuses_a_phone_of_only_dashes_whose_code_could_never_be_used(world, desk):
    response = _submit(Client(), world, phone="-----------")
    assert response.status_code == 400
    assert "联系电话格式不正确" in response.content.decode()
    assert DisclosureRequest.objects.count() == 0


def test_the_same_request_typed_in_full_width_is_still_a_duplicate(world, desk):
    assert (
        _submit(Client(), world, description="临川区２０２６年老旧小区改造项目清单").status_code
        == 302
    )
    again = _submit(Client(), world, description="临川区2026年 老旧小区改造项目清单")
    assert again.status_code == 400
    assert "请勿重复提交" in again.content.decode()
    assert DisclosureRequest.objects.get().description == "临川区２０２６年老旧小区改造项目清单"
