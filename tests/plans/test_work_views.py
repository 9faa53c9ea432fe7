"""Ledger-work pages as the three personas: the supervisor, county A, county B."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fazhi.core.models import AuditEvent
from fazhi.plans import services
from fazhi.plans.models import Consolidation, Evidence, ProgressReport
from tests.conftest import client_for
from tests.plans.work import consolidate, report, work_plan

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n%%EOF\n"


def test_a_clerk_reports_with_a_file_through_the_task_page(world):
    work = work_plan(world)
    client = client_for(world.clerk_a)
    url = reverse("plans:task", args=[work.review.pk])
    page = client.get(url).content.decode()
    assert "填报本单位进展" in page
    assert "报送汇总进展（牵头单位）" not in page
    response = client.post(
        reverse("plans:task_report", args=[work.review.pk]),
        {"period_key": work.period_key, "text": "评查 12 卷", "self_state": "in_progress",
         "evidence": SimpleUploadedFile("评查表.pdf", PDF)},
    )  # fmt: skip
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    page = client.get(url).content.decode()
    assert "评查 12 卷" in page
    assert "评查表.pdf" in page
    download = client.get(reverse("plans:evidence", args=[evidence.pk]))
    assert download.content == PDF
    assert download["Content-Type"] == "application/pdf"
    # County B shares the task, but never reads county A's report or its file.
    other = client_for(world.clerk_b)
    assert "评查 12 卷" not in other.get(url).content.decode()
    assert other.get(reverse("plans:evidence", args=[evidence.pk])).status_code == 404
    assert AuditEvent.objects.filter(action="access.not_found", actor=world.clerk_b).exists()
    # The supervisor and the lead unit do.
    assert "评查 12 卷" in client_for(world.supervisor).get(url).content.decode()
    assert "评查 12 卷" in client_for(work.lead_clerk).get(url).content.decode()


def test_a_bad_upload_is_told_in_chinese_and_nothing_is_kept(world):
    work = work_plan(world)
    response = client_for(world.clerk_a).post(
        reverse("plans:task_report", args=[work.review.pk]),
        {"period_key": work.period_key, "text": "x", "self_state": "in_progress",
         "evidence": SimpleUploadedFile("照片.png", PDF)},
        follow=True,
    )  # fmt: skip
    assert "内容与扩展名不符" in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_a_crafted_report_on_another_units_task_is_refused(world):
    work = work_plan(world)
    response = client_for(world.clerk_a).post(
        reverse("plans:task_report", args=[work.county_b_only.pk]),
        {"period_key": work.period_key, "text": "x", "self_state": "in_progress"},
    )
    assert response.status_code == 404  # the task is not even visible to county A
    assert not ProgressReport.objects.exists()


def test_the_supervisor_returns_and_the_clerk_sees_the_comment(world):
    work = work_plan(world)
    report(world, work)
    c = consolidate(world, work)
    supervisor = client_for(world.supervisor)
    page = supervisor.get(reverse("plans:task", args=[work.review.pk])).content.decode()
    assert "审核通过" in page
    response = supervisor.post(
        reverse("plans:decide", args=[c.pk]), {"decision": "return", "comment": "请补充数据"}
    )
    assert response.status_code == 302
    assert Consolidation.objects.get().state == "returned"
    # The return is addressed to the lead unit, which wrote the consolidation.
    lead_page = client_for(work.lead_clerk).get(reverse("plans:task", args=[work.review.pk]))
    text = lead_page.content.decode()
    assert "审核意见：请补充数据" in text
    assert "退回待改" in text
    assert "报送汇总进展（牵头单位）" in text  # it may consolidate again at once
    clerk_page = client_for(world.clerk_a).get(reverse("plans:task", args=[work.review.pk]))
    text = clerk_page.content.decode()
    assert "请补充数据" not in text
    assert "退回待改" not in text
    # A clerk cannot decide, and county B cannot even find the consolidation.
    assert client_for(world.clerk_a).post(
        reverse("plans:decide", args=[c.pk]), {"decision": "accept"}
    ).status_code in (403, 404)
    assert (
        client_for(world.clerk_b)
        .post(reverse("plans:decide", args=[c.pk]), {"decision": "accept"})
        .status_code
        == 404
    )


def test_the_ledger_filters_and_searches_and_groups(world):
    work = work_plan(world)
    client = client_for(world.supervisor)
    url = reverse("plans:plan", args=[work.plan.pk])
    page = client.get(url, {"q": "复议"}).content.decode()
    assert "完成复议规范化建设" in page
    assert "开展行政执法案卷评查" not in page
    page = client.get(url, {"status": "逾期"}).content.decode()
    assert 'data-task="2.1"' in page
    assert 'data-task="1.1"' not in page
    page = client.get(url, {"by": "unit", "unit": world.gov_b.pk}).content.decode()
    assert 'data-task="3.1"' in page
    assert 'data-task="2.1"' not in page
    page = client.get(url, {"by": "status"}).content.decode()
    assert page.index("逾期") < page.index("未开始")


def test_the_matrix_colours_cells_by_status_for_the_units_in_scope(world):
    work = work_plan(world)
    page = client_for(world.supervisor).get(reverse("plans:matrix", args=[work.plan.pk]))
    text = page.content.decode()
    assert 'data-unit="临川区人民政府"' in text
    assert "st-late" in text
    assert 'data-unit="南城县人民政府"' in text
    county_b = client_for(world.clerk_b).get(reverse("plans:matrix", args=[work.plan.pk]))
    assert 'data-unit="临川区人民政府"' not in county_b.content.decode()


def test_my_tasks_page_and_home_counts(world):
    work_plan(world)
    client = client_for(world.clerk_a)
    page = client.get(reverse("plans:mine")).content.decode()
    assert page.index('data-task="2.1"') < page.index('data-task="1.1"')
    assert 'data-task="3.1"' not in page
    home = client.get("/").content.decode()
    assert "我的任务" in home
    assert "逾期任务" in home
    assert "未读通知" in home


def test_supervision_notice_list_detail_and_reply(world):
    work = work_plan(world)
    notice = services.supervision_issue(
        actor=world.supervisor, task_id=work.late.pk, unit_ids=[world.gov_a.pk], reason="逾期未完成",
        requirement="报送整改计划", reply_workdays=5,
    )  # fmt: skip
    listing = client_for(world.supervisor).get(reverse("plans:notices")).content.decode()
    assert notice.number in listing
    assert (
        notice.number
        not in client_for(world.clerk_b).get(reverse("plans:notices")).content.decode()
    )
    assert (
        client_for(world.clerk_b).get(reverse("plans:notice", args=[notice.pk])).status_code == 404
    )
    client = client_for(world.clerk_a)
    assert "回复督办单" in client.get(reverse("plans:notice", args=[notice.pk])).content.decode()
    client.post(reverse("plans:notice_reply", args=[notice.pk]), {"text": "已整改"})
    assert notice.recipients.get().reply_text == "已整改"


def test_notifications_page_and_mark_read(world):
    work_plan(world)
    client = client_for(world.clerk_a)
    page = client.get(reverse("notifications")).content.decode()
    assert "1 条未读" in page
    client.post(reverse("notifications_read"))
    assert "0 条未读" in client.get(reverse("notifications")).content.decode()


def test_the_supervisor_reassigns_through_the_page(world):
    work = work_plan(world)
    client_for(world.supervisor).post(
        reverse("plans:task_assign", args=[work.county_b_only.pk]),
        {"lead": [world.gov_b.pk], "responsible": [world.gov_a.pk]},
    )
    page = client_for(world.clerk_a).get(reverse("plans:mine")).content.decode()
    assert 'data-task="3.1"' in page


def test_the_report_form_lists_the_files_it_will_carry_over_and_version_2_shows_them(world):
    work = work_plan(world)
    first = report(world, work, files=[("评查表.pdf", PDF)])
    evidence = Evidence.objects.get(report=first)
    client = client_for(world.clerk_a)
    url = reverse("plans:task", args=[work.review.pk])
    page = client.get(url).content.decode()
    assert "沿用第1版的佐证材料" in page
    assert f'name="remove_evidence" value="{evidence.pk}"' in page
    response = client.post(
        reverse("plans:task_report", args=[work.review.pk]),
        {"period_key": work.period_key, "text": "第二版进展", "self_state": "in_progress",
         "base_id": first.pk},
    )  # fmt: skip
    assert response.status_code == 302
    second = ProgressReport.objects.get(is_current=True)
    assert second.version == 2
    page = client.get(url).content.decode()
    assert "第二版进展" in page
    assert "评查表.pdf" in page
    assert "沿用前一版" in page


def test_the_lead_unit_returns_one_units_report_from_the_task_page(world):
    work = work_plan(world)
    county_a = report(world, work, text="临川的进展")
    report(world, work, user=world.clerk_b, text="南城的进展")
    lead = client_for(work.lead_clerk)
    page = lead.get(reverse("plans:task", args=[work.review.pk])).content.decode()
    assert page.count("data-return-report") == 2
    response = lead.post(
        reverse("plans:report_return", args=[county_a.pk]), {"comment": "请补充案卷清单"}
    )
    assert response.status_code == 302
    county_a.refresh_from_db()
    assert county_a.state == "returned"
    assert ProgressReport.objects.get(owner_unit=world.gov_b).state == "submitted"
    # A responsible unit sees no return button and may not return.
    other = client_for(world.clerk_b)
    assert (
        "data-return-report"
        not in other.get(reverse("plans:task", args=[work.review.pk])).content.decode()
    )
