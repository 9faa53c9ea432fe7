"""Plans with targets made the way the product makes them (upload, confirm), and shortcuts."""

from __future__ import annotations

from fazhi.core import services as core_services
from fazhi.indicators.models import Indicator
from fazhi.plans import services as plan_services
from fazhi.plans.models import Plan

# Three years, a computed target (答复率) and two self-reported ones; both counties hold tasks.
PLAN = (
    "抚州市法治政府建设工作要点(2024-2026年)\n"
    "一、推进政务公开\n"
    "1.推进政务公开,对符合法定条件要求的依申请公开政府信息的答复率达100%。"
    "(牵头单位:市司法局;责任单位:各县(区)政府)\n"
    "二、加强学习培训\n"
    "2.每年举办2期政府领导班子法治专题讲座。(牵头单位:市司法局;责任单位:各县(区)政府)\n"
    "3.行政机关负责人出庭应诉率达95%以上。(牵头单位:临川区人民政府;责任单位:南城县人民政府)\n"
)


def county_group(world) -> None:
    core_services.org_group_set(
        actor=None,
        name="各县(区)政府",
        members=[world.gov_a, world.gov_b],
        aliases=["各县（区）政府"],
    )


def import_plan(world, text: str = PLAN, actor=None) -> Plan:
    county_group(world)
    actor = actor or world.supervisor
    draft = plan_services.plan_draft_create(actor=actor, name="要点.txt", data=text.encode())
    for name, entry in draft.data["units"].items():
        if not entry["match"]:
            plan_services.plan_draft_choose_unit(
                actor=actor, draft_id=draft.pk, name=name, choice="ignore"
            )
    return plan_services.plan_import_confirm(actor=actor, draft_id=draft.pk)


def by_name(plan: Plan, word: str) -> Indicator:
    return Indicator.objects.get(plan=plan, name__contains=word)
