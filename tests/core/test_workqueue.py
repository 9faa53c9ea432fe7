"""The work queue (我的待办, fazhi.core.workqueue) with the plans and case providers: what
waits for whom, counts equal to the items, overdue first, scoping, the page's filter."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fazhi.core import workqueue
from fazhi.plans import services as plans
from fazhi.plans.models import SupervisionNotice
from tests.conftest import client_for
from tests.disclosure.helpers import act, register
from tests.plans.work import consolidate, report, work_plan

pytestmark = pytest.mark.django_db


def _counts(user) -> dict[str, int]:
    return {c.kind: c.value for c in workqueue.counts(user)}


def _all_items(user, **filters) -> list[workqueue.WorkItem]:
    first = workqueue.page(user, **filters)
    items = list(first.items)
    for number in range(2, first.num_pages + 1):
        items += workqueue.page(user, number=number, **filters).items
    return items


def _titles(user, kind: str) -> list[str]:
    return [i.title for i in _all_items(user, kind=kind)]


def test_a_unit_is_asked_to_report_on_its_tasks_until_it_has(world):
    work = work_plan(world)
    assert _counts(world.clerk_a)["plans.report"] == 2  # 1.1 and 2.1 (county A shares both)
    assert sorted(t.split()[0] for t in _titles(world.clerk_a, "plans.report")) == ["1.1", "2.1"]
    report(world, work)
    assert _titles(world.clerk_a, "plans.report")[0].startswith("2.1")
    assert _counts(world.clerk_a)["plans.report"] == 1


def test_the_lead_unit_is_asked_to_consolidate_and_the_supervisor_to_review(world):
    work = work_plan(world)
    assert _counts(work.lead_clerk)["plans.consolidate"] == 0
    report(world, work)
    assert _titles(work.lead_clerk, "plans.consolidate")[0].startswith("1.1")
    assert _counts(world.supervisor)["plans.review"] == 0
    c = consolidate(world, work)
    assert _counts(work.lead_clerk)["plans.consolidate"] == 0
    review = workqueue.page(world.supervisor, kind="plans.review").items
    assert [i.kind for i in review] == ["待审核"]
    assert review[0].url == f"{reverse('plans:task', args=[work.review.pk])}?period={c.period_key}"
    plans.consolidation_decide(actor=world.supervisor, consolidation_id=c.pk, accept=True)
    assert _counts(world.supervisor)["plans.review"] == 0
    assert "plans.review" not in _counts(world.clerk_a)  # not a clerk's business at all


def test_a_notice_waits_for_its_reply_and_the_overdue_come_first(world):
    work = work_plan(world)
    for reason, days in (("后到期", 10), ("先到期", 2)):
        plans.supervision_issue(
            actor=world.supervisor, task_id=work.late.pk, unit_ids=[world.gov_a.pk], reason=reason,
            requirement="请回复", reply_workdays=days,
        )  # fmt: skip
    late = SupervisionNotice.objects.get(reason="后到期")
    # Time passes for this one: its reply date is behind us.
    SupervisionNotice.objects.filter(pk=late.pk).update(
        reply_due_on=timezone.localdate() - timedelta(days=3)
    )
    replies = workqueue.page(world.clerk_a, kind="plans.reply").items
    assert [i.title.split()[1] for i in replies] == ["后到期", "先到期"]
    assert [i.overdue for i in replies] == [True, False]
    whole = workqueue.page(world.clerk_a).items
    assert whole[0].overdue
    keys = [i.sort_key() for i in whole]
    assert keys == sorted(keys)
    plans.supervision_reply(actor=world.clerk_a, notice_id=late.pk, text="已整改")
    assert _counts(world.clerk_a)["plans.reply"] == 1


def test_cases_wait_for_the_receiving_office_only_while_it_owes_the_next_step(world):
    today = timezone.localdate()
    request = register(world, on=today)
    handle = workqueue.page(world.clerk_a, kind="disclosure.handle").items
    assert [i.kind for i in handle] == ["待办理"]
    assert handle[0].url == reverse("disclosure:detail", args=[request.pk])
    assert handle[0].due_on == request.case.due_on
    act(world, request, "ask_correction", today, items="请写明具体年份")
    assert _counts(world.clerk_a)["disclosure.handle"] == 0  # waiting for the applicant
    assert _counts(world.clerk_b)["disclosure.handle"] == 0


def test_an_online_request_waits_as_to_be_confirmed(world):
    from fazhi.disclosure import services as disclosure

    disclosure.desk_set(actor=None, unit=world.gov_a)
    form = {
        "applicant_type": "person", "applicant_name": "陈晨", "phone": "13907945678",
        "description": "临川区2026年老旧小区改造项目清单", "unit": world.gov_a.pk,
    }  # fmt: skip
    assert Client().post("/public/disclosure/", form).status_code == 302
    confirm = workqueue.page(world.clerk_a, kind="disclosure.submitted").items
    assert [i.kind for i in confirm] == ["待确认收到"]
    assert "disclosure.submitted" in _counts(world.clerk_a)
    assert _counts(world.clerk_b)["disclosure.submitted"] == 0


def test_a_clerk_of_county_b_never_sees_county_a_items(world):
    work = work_plan(world)
    report(world, work)
    plans.supervision_issue(
        actor=world.supervisor, task_id=work.late.pk, unit_ids=[world.gov_a.pk], reason="临川督办",
        requirement="请回复", reply_workdays=5,
    )  # fmt: skip
    register(world, on=timezone.localdate())
    for item in _all_items(world.clerk_b):
        assert item.unit == "南城县人民政府"
        assert "临川" not in item.title
    page = client_for(world.clerk_b).get(reverse("queue")).content.decode()
    assert "临川督办" not in page
    assert "临川区人民政府" not in page


def test_every_count_equals_its_items(world):
    work = work_plan(world)
    report(world, work)
    register(world, on=timezone.localdate())
    register(world, on=timezone.localdate(), applicant_name="王芳")
    for user in (world.clerk_a, world.clerk_b, world.supervisor, work.lead_clerk):
        counts = workqueue.counts(user)
        for c in counts:
            assert len(_all_items(user, kind=c.kind)) == c.value, (user, c.kind)
        assert len(_all_items(user)) == sum(c.value for c in counts) == workqueue.total(user)


def test_the_pages_split_the_queue_without_losing_or_repeating_an_item(world):
    for n in range(7):
        register(world, on=timezone.localdate(), applicant_name=f"申请人{n}")
    work = work_plan(world)
    assert work  # and the plan's two tasks
    whole = workqueue.page(world.clerk_a, size=100).items
    paged = []
    for number in (1, 2, 3):
        paged += workqueue.page(world.clerk_a, number=number, size=3).items
    assert workqueue.page(world.clerk_a, number=4, size=3).number == 3  # past the end: the last
    assert [i.url for i in paged] == [i.url for i in whole]
    assert len(whole) == 9


def test_the_queue_page_filters_and_the_home_page_shows_one_card_per_kind(world):
    work = work_plan(world)
    register(world, on=timezone.localdate())
    client = client_for(world.clerk_a)
    home = client.get("/").content.decode()
    assert 'data-queue-kind="plans.report"' in home
    assert 'href="/queue/?kind=disclosure.handle"' in home
    page = client.get(reverse("queue"), {"kind": "plans.report"}).content.decode()
    assert page.count("data-queue-item=") == 2
    assert work.review.text[:10] in page
    page = client.get(reverse("queue"), {"module": "disclosure"}).content.decode()
    assert page.count('data-queue-item="disclosure"') == 1
    bar = client.get(reverse("queue")).content.decode()
    assert '<span class="badge">3</span>' in bar[bar.index("data-queue-count") :][:80]


@pytest.mark.parametrize(
    ("params", "message"),
    [({"kind": "plans.bogus"}, "没有这个待办类型"), ({"module": "penalty"}, "没有这个模块"),
     ({"page": "abc"}, "页码应为正整数"), ({"page": "0"}, "页码应为正整数"),
     ({"page": "9" * 30}, "页码"),
     ({"module": "plans", "kind": "disclosure.handle"}, "所选类型不属于所选模块"),
     ({"kind": "plans.review"}, "没有这个待办类型")],  # a clerk has no review queue
)  # fmt: skip
def test_the_queue_page_refuses_bad_filters_in_chinese(world, params, message):
    work_plan(world)
    response = client_for(world.clerk_a).get(reverse("queue"), params)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "data-queue-item" not in page


def test_the_lists_filter_to_my_queue(world):
    work = work_plan(world)
    report(world, work)  # 1.1 reported: only 2.1 still waits
    today = timezone.localdate()
    waiting = register(world, on=today, applicant_name="等答复")
    asked = register(world, on=today, applicant_name="等补正")
    act(world, asked, "ask_correction", today, items="请写明年份")
    client = client_for(world.clerk_a)
    mine = client.get(reverse("plans:mine"), {"mine": "1"}).content.decode()
    assert 'data-task="2.1"' in mine
    assert 'data-task="1.1"' not in mine
    everything = client.get(reverse("plans:mine")).content.decode()
    assert 'data-task="1.1"' in everything
    listed = client.get(reverse("disclosure:list"), {"mine": "1"}).content.decode()
    assert "等答复" in listed
    assert "等补正" not in listed
    assert "等补正" in client.get(reverse("disclosure:list")).content.decode()
    assert waiting.pk


def test_an_anonymous_visitor_has_no_queue(db):
    assert workqueue.counts(None) == []
    assert Client().get(reverse("queue")).status_code == 302
