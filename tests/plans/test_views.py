"""Import and ledger pages, each as the three personas."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fazhi.plans.models import Plan, PlanDraft, Task
from tests.conftest import client_for
from tests.plans.helpers import COUNTY_A_PLAN, SHARED_PLAN, confirmed, county_group, draft

pytestmark = pytest.mark.django_db


def _upload(client, name: str, data: bytes):
    return client.post(reverse("plans:import"), {"file": SimpleUploadedFile(name, data)})


def test_the_supervisor_uploads_and_lands_on_the_preview(world):
    county_group(world)
    response = _upload(client_for(world.supervisor), "要点.txt", SHARED_PLAN.encode())
    d = PlanDraft.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:draft", args=[d.pk])
    page = client_for(world.supervisor).get(response["Location"]).content.decode()
    assert "开展行政执法案卷评查" in page
    assert "市住建局" in page
    assert "未对应" in page
    assert not Plan.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("空.txt", b"", "文件是空的"),
        ("扫描件.pdf", b"%PDF-1.7", "暂不支持扫描件"),
        ("照片.png", b"\x89PNG\r\n\x1a\n0000", "暂不支持扫描件"),
        ("假的.docx", b"PK\x03\x04garbage", "不是有效的 Word 文档"),
        ("说明.txt", "这是一段没有编号的文字。".encode(), "未识别出方案结构"),
    ],
)
def test_a_bad_upload_gets_a_chinese_message_and_creates_nothing(world, name, data, message):
    response = _upload(client_for(world.supervisor), name, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not PlanDraft.objects.exists()


def test_more_than_20_mb_is_refused(world):
    response = _upload(client_for(world.supervisor), "大.txt", b"a" * (20 * 1024 * 1024 + 100))
    assert response.status_code == 413
    assert "超过 20 MB" in response.content.decode()
    assert not PlanDraft.objects.exists()


def test_a_clerk_may_not_open_the_import(world):
    for user in (world.clerk_a, world.clerk_b):
        client = client_for(user)
        assert client.get(reverse("plans:import")).status_code == 403
        assert _upload(client, "要点.txt", SHARED_PLAN.encode()).status_code == 403
    assert not PlanDraft.objects.exists()


def test_a_draft_is_404_to_everyone_but_its_importer(world):
    d = draft(world, COUNTY_A_PLAN)
    assert client_for(world.supervisor).get(reverse("plans:draft", args=[d.pk])).status_code == 200
    assert client_for(world.admin).get(reverse("plans:draft", args=[d.pk])).status_code == 404
    assert client_for(world.clerk_a).get(reverse("plans:draft", args=[d.pk])).status_code == 403


def test_inline_edits_and_confirm_through_the_pages(world):
    county_group(world)
    d = draft(world)
    client = client_for(world.supervisor)
    blocked = client.post(reverse("plans:draft_confirm", args=[d.pk]), follow=True)
    assert "还不能确认导入" in blocked.content.decode()
    assert not Plan.objects.exists()
    response = client.post(
        reverse("plans:draft_task", args=[d.pk, 3, 1]),
        {"action": "save", "text": "出庭应诉率达95%以上。", "lead_units": "南城县人民政府",
         "responsible_units": "市司法局", "deadline": "每年12月31日前"},
    )  # fmt: skip
    assert response.status_code == 302
    response = client.post(reverse("plans:draft_confirm", args=[d.pk]))
    plan = Plan.objects.get()
    assert response["Location"] == reverse("plans:plan", args=[plan.pk])
    task = Task.objects.get(plan=plan, measure__number=3)
    assert task.responsible_names == ["市司法局"]
    assert task.deadline_recurring == "yearly"


def test_the_unit_table_saves_a_choice(world):
    county_group(world)
    d = draft(world)
    client = client_for(world.supervisor)
    client.post(reverse("plans:draft_units", args=[d.pk]), {"unit:市住建局": "ignore"})
    assert PlanDraft.objects.get().data["units"]["市住建局"]["choice"] == "ignore"
    response = client.post(reverse("plans:draft_confirm", args=[d.pk]))
    assert response.status_code == 302
    assert Plan.objects.count() == 1


def test_the_ledger_shows_the_plan_to_owner_and_assigned_units_only(world):
    county_group(world)
    plan = confirmed(world, COUNTY_A_PLAN)
    url = reverse("plans:plan", args=[plan.pk])
    supervisor = client_for(world.supervisor).get(url)
    assert supervisor.status_code == 200
    assert "开展法治督察" in supervisor.content.decode()
    clerk_a = client_for(world.clerk_a).get(url)
    assert clerk_a.status_code == 200
    assert "临川区司法局" in clerk_a.content.decode()
    assert client_for(world.clerk_b).get(url).status_code == 404
    assert (
        client_for(world.clerk_b).get(reverse("plans:plan_source", args=[plan.pk])).status_code
        == 404
    )
    listing = client_for(world.clerk_b).get(reverse("plans:ledger")).content.decode()
    assert plan.title not in listing


def test_a_clerk_sees_only_their_tasks_in_a_shared_plan(world):
    county_group(world)
    plan = confirmed(world)
    page = client_for(world.clerk_b).get(reverse("plans:plan", args=[plan.pk])).content.decode()
    assert "行政机关负责人出庭应诉率达95%以上" in page
    assert "推进复议应诉规范化建设" not in page
    full = client_for(world.supervisor).get(reverse("plans:plan", args=[plan.pk])).content.decode()
    assert "推进复议应诉规范化建设" in full


def test_the_original_file_downloads_as_uploaded(world):
    county_group(world)
    plan = confirmed(world, COUNTY_A_PLAN)
    response = client_for(world.clerk_a).get(reverse("plans:plan_source", args=[plan.pk]))
    assert response.status_code == 200
    assert response.content == COUNTY_A_PLAN.encode()


def test_the_navigation_offers_import_to_supervisors_only(world):
    supervisor = client_for(world.supervisor).get(reverse("plans:ledger")).content.decode()
    clerk = client_for(world.clerk_a).get(reverse("plans:ledger")).content.decode()
    assert "方案导入" in supervisor
    assert "方案台账" in clerk
    assert "方案导入" not in clerk
