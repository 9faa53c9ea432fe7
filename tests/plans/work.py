"""A plan to work on, made through the services: the city justice bureau leads, county A and
county B share; one task is already late (2023年底前)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from fazhi.core import services as core_services
from fazhi.core.models import User
from fazhi.plans import services
from fazhi.plans.models import Plan, Task
from fazhi.plans.periods import period_of
from tests.conftest import PASSWORD

WORK_PLAN = (
    "抚州市2024年法治督察工作要点\n"
    "一、督察\n"
    "1.开展行政执法案卷评查。(牵头单位:市司法局;责任单位:临川区人民政府、南城县人民政府)\n"
    "2.完成复议规范化建设,2023年底前完成。(牵头单位:市司法局;责任单位:临川区人民政府)\n"
    "二、监督\n"
    "3.落实行政机关负责人出庭应诉。(牵头单位:南城县人民政府)\n"
)


@dataclass
class Work:
    plan: Plan
    review: Task  # 1.1: justice leads, counties A and B share, no deadline
    late: Task  # 2.1: justice leads, county A shares, due 2023-12-31
    county_b_only: Task  # 3.1: county B alone
    lead_clerk: User  # 市司法局经办人
    period_key: str


def lead_clerk(world) -> User:
    return core_services.user_create(
        actor=None, username="sfj", name="李司法", unit=world.justice, password=PASSWORD,
        roles=["clerk"],
    )  # fmt: skip


def work_plan(world, text: str = WORK_PLAN) -> Work:
    clerk = lead_clerk(world)
    draft = services.plan_draft_create(actor=world.supervisor, name="督察.txt", data=text.encode())
    plan = services.plan_import_confirm(actor=world.supervisor, draft_id=draft.pk)
    tasks = {t.code: t for t in Task.objects.filter(plan=plan).select_related("measure")}
    key = period_of(plan.report_frequency, timezone.localdate()).key
    return Work(plan, tasks["1.1"], tasks.get("2.1"), tasks.get("3.1"), clerk, key)  # type: ignore[arg-type]


def report(world, work: Work, user=None, task=None, text="已完成评查 12 卷。", **kw):
    return services.progress_report_submit(
        actor=user or world.clerk_a, task_id=(task or work.review).pk,
        period_key=kw.pop("period_key", work.period_key), text=text,
        self_state=kw.pop("self_state", "in_progress"), **kw,
    )  # fmt: skip


def consolidate(world, work: Work, text="全市共评查案卷 30 卷。", **kw):
    return services.consolidation_submit(
        actor=work.lead_clerk, task_id=kw.pop("task", work.review).pk,
        period_key=kw.pop("period_key", work.period_key), text=text,
        self_state=kw.pop("self_state", "in_progress"), **kw,
    )  # fmt: skip
