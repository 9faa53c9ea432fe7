"""督办单 v2: one numbered notice to several units, separate replies, 办结 / 再督办, the print
view, the list filters and who sees what."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from fazhi.core.models import User
from fazhi.core.numbering import number_pattern_set
from fazhi.plans import services
from fazhi.plans.models import NoticeOutcome, SupervisionNotice, SupervisionRecipient
from tests.conftest import client_for
from tests.plans.work import work_plan

pytestmark = pytest.mark.django_db


def issue(world, work, units, **kw):
    return services.supervision_issue(
        actor=world.supervisor, task_id=work.late.pk, unit_ids=[u.pk for u in units],
        reason=kw.get("reason", "逾期未完成"), requirement="说明原因并报送整改计划",
        reply_workdays=kw.get("days", 5),
    )  # fmt: skip


def test_one_numbered_notice_goes_to_several_units_who_reply_separately(world):
    work = work_plan(world)
    justice_clerk = User.objects.get(username="sfj")  # made by work_plan
    number_pattern_set(
        actor=world.admin, unit=world.city_office, series="plans.notice",
        pattern="抚法督〔{year}〕{seq}号",
    )  # fmt: skip
    year = timezone.localdate().year
    first = issue(world, work, [world.justice, world.gov_a])
    second = issue(world, work, [world.gov_a])
    assert (first.number, second.number) == (f"抚法督〔{year}〕1号", f"抚法督〔{year}〕2号")
    assert first.owner_unit == world.city_office  # the issuing unit
    assert [r.owner_unit for r in first.recipients.order_by("pk")] == [world.justice, world.gov_a]
    services.supervision_reply(actor=world.clerk_a, notice_id=first.pk, text="临川已整改")
    rows = {r.owner_unit_id: r for r in first.recipients.all()}
    assert rows[world.gov_a.pk].reply_text == "临川已整改"
    assert rows[world.justice.pk].replied_at is None  # the other unit still owes its reply
    services.supervision_reply(actor=justice_clerk, notice_id=first.pk, text="司法局已整改")
    with pytest.raises(PermissionDenied):
        services.supervision_reply(actor=world.clerk_b, notice_id=first.pk, text="不是我")


def test_a_refused_issue_takes_no_number(world):
    work = work_plan(world)
    with pytest.raises(ValidationError, match="只能向该任务的牵头单位或责任单位督办"):
        issue(world, work, [world.gov_a, world.gov_b])
    with pytest.raises(ValidationError, match="至少一个"):
        issue(world, work, [])
    with pytest.raises(ValidationError, match="回复时限"):
        issue(world, work, [world.gov_a], days=0)
    assert not SupervisionNotice.objects.exists()
    assert issue(world, work, [world.gov_a]).number.endswith("〕1号")


def test_after_the_reply_the_supervisor_closes_or_reissues(world):
    work = work_plan(world)
    justice_clerk = User.objects.get(username="sfj")  # made by work_plan
    notice = issue(world, work, [world.justice, world.gov_a])
    with pytest.raises(ValidationError, match="尚未回复"):
        services.supervision_close(actor=world.supervisor, notice_id=notice.pk,
                                   unit_id=world.gov_a.pk)  # fmt: skip
    services.supervision_reply(actor=world.clerk_a, notice_id=notice.pk, text="已整改")
    services.supervision_reply(actor=justice_clerk, notice_id=notice.pk, text="正在整改")
    with pytest.raises(PermissionDenied):
        services.supervision_close(actor=world.clerk_a, notice_id=notice.pk,
                                   unit_id=world.gov_a.pk)  # fmt: skip
    with pytest.raises(ValidationError, match="“办结意见”不超过 1000 字（现为 1001 字）"):
        services.supervision_close(actor=world.supervisor, notice_id=notice.pk,
                                   unit_id=world.gov_a.pk, comment="同" * 1001)  # fmt: skip
    assert notice.recipients.get(owner_unit=world.gov_a).outcome != NoticeOutcome.CLOSED
    services.supervision_close(
        actor=world.supervisor, notice_id=notice.pk, unit_id=world.gov_a.pk, comment="同意办结"
    )
    followup = services.supervision_reissue(
        actor=world.supervisor, notice_id=notice.pk, unit_id=world.justice.pk,
        reason="整改尚未完成", requirement="完成后报送", reply_workdays=10,
    )  # fmt: skip
    assert followup.follows == notice
    assert [r.owner_unit for r in followup.recipients.all()] == [world.justice]
    assert followup.number.endswith("〕2号")
    rows = {r.owner_unit_id: r for r in notice.recipients.all()}
    assert rows[world.gov_a.pk].outcome == NoticeOutcome.CLOSED
    assert rows[world.justice.pk].outcome == NoticeOutcome.REISSUED
    assert rows[world.justice.pk].followup == followup
    with pytest.raises(ValidationError, match="不能重复处理"):
        services.supervision_close(actor=world.supervisor, notice_id=notice.pk,
                                   unit_id=world.gov_a.pk)  # fmt: skip
    with pytest.raises(ValidationError, match="不能重复回复"):
        services.supervision_reply(actor=world.clerk_a, notice_id=notice.pk, text="again")


def test_an_unreplied_notice_may_be_reissued_only_once_overdue(world):
    work = work_plan(world)
    notice = issue(world, work, [world.gov_a])
    with pytest.raises(ValidationError, match="未逾期"):
        services.supervision_reissue(
            actor=world.supervisor, notice_id=notice.pk, unit_id=world.gov_a.pk, reason="催",
            requirement="催", reply_workdays=3,
        )  # fmt: skip
    SupervisionNotice.objects.filter(pk=notice.pk).update(
        reply_due_on=timezone.localdate() - timedelta(days=1)
    )
    followup = services.supervision_reissue(
        actor=world.supervisor, notice_id=notice.pk, unit_id=world.gov_a.pk, reason="逾期未回复",
        requirement="立即回复", reply_workdays=3,
    )  # fmt: skip
    assert followup.follows_id == notice.pk


def test_the_list_filters_and_scoping(world):
    work = work_plan(world)
    notice = issue(world, work, [world.justice, world.gov_a])
    services.supervision_reply(actor=world.clerk_a, notice_id=notice.pk, text="已整改")
    services.supervision_close(actor=world.supervisor, notice_id=notice.pk, unit_id=world.gov_a.pk)
    SupervisionNotice.objects.filter(pk=notice.pk).update(
        reply_due_on=timezone.localdate() - timedelta(days=1)
    )
    supervisor = client_for(world.supervisor)

    def rows(client, show):
        page = client.get(reverse("plans:notices") + f"?show={show}").content.decode()
        return page.count(f'data-notice="{notice.pk}"')

    assert rows(supervisor, "open") == 1  # the justice bureau's row
    assert rows(supervisor, "overdue") == 1
    assert rows(supervisor, "closed") == 1  # county A's row, 办结
    assert rows(supervisor, "all") == 2
    county_a = client_for(world.clerk_a)
    assert rows(county_a, "all") == 1  # its own row only
    assert rows(county_a, "open") == 0
    detail = county_a.get(reverse("plans:notice", args=[notice.pk])).content.decode()
    assert "已整改" in detail
    county_b = client_for(world.clerk_b)
    assert rows(county_b, "all") == 0
    assert county_b.get(reverse("plans:notice", args=[notice.pk])).status_code == 404
    assert county_b.get(reverse("plans:notice_print", args=[notice.pk])).status_code == 404
    assert SupervisionRecipient.objects.visible_to(world.clerk_b).count() == 0


def test_the_print_view_shows_the_notice_as_issued(world):
    work = work_plan(world)
    notice = issue(world, work, [world.justice, world.gov_a], reason="复议规范化建设逾期")
    page = client_for(world.clerk_a).get(reverse("plans:notice_print", args=[notice.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    for expected in (
        notice.number,
        "主送：",
        "抚州市司法局、临川区人民政府",
        "复议规范化建设逾期",
        "说明原因并报送整改计划",
        f"{notice.reply_due_on:%Y年}{notice.reply_due_on.month}月",
        world.city_office.name,
        "plans/notice_print.css",
    ):
        assert expected in text, expected


def test_the_pages_close_and_reissue_through_the_form(world):
    work = work_plan(world)
    notice = issue(world, work, [world.gov_a])
    services.supervision_reply(actor=world.clerk_a, notice_id=notice.pk, text="已整改")
    client = client_for(world.supervisor)
    page = client.get(reverse("plans:notice", args=[notice.pk])).content.decode()
    assert "data-close" in page
    assert "data-reissue" in page
    url = reverse("plans:notice_decide", args=[notice.pk])
    client.post(url, {"unit": world.gov_a.pk, "decision": "reissue", "reason": "再查",
                      "requirement": "再报", "reply_workdays": 3})  # fmt: skip
    followup = SupervisionNotice.objects.get(follows=notice)
    assert followup.recipients.get().owner_unit == world.gov_a
    refused = client.post(url, {"unit": world.gov_a.pk, "decision": "close"}, follow=True)
    assert "不能重复处理" in refused.content.decode()
    assert (
        not client_for(world.clerk_a)
        .get(reverse("plans:notice", args=[notice.pk]))
        .content.decode()
        .count("data-close")
    )
