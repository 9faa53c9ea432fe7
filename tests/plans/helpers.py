"""Plans made the way the product makes them: upload through the service, then confirm."""

from __future__ import annotations

from fazhi.core import services as core_services
from fazhi.plans import services
from fazhi.plans.models import Plan, PlanDraft

# Our own small plan: county A and county B both hold tasks (B through the group).
SHARED_PLAN = (
    "抚州市2024年依法行政工作要点\n"
    "一、推进严格规范公正文明执法\n"
    "1.开展行政执法案卷评查。(牵头单位:市司法局;责任单位:各县(区)政府)\n"
    "2.推进复议应诉规范化建设,2024年6月底前完成。(牵头单位:临川区人民政府)\n"
    "二、加强监督\n"
    "3.行政机关负责人出庭应诉率达95%以上。(牵头单位:南城县人民政府;责任单位:市住建局)\n"
)
# Only county A holds a task here.
COUNTY_A_PLAN = (
    "临川区2024年法治督察工作要点\n"
    "一、督察\n"
    "1.开展法治督察。(牵头单位:临川区人民政府;责任单位:临川区司法局)\n"
)


def county_group(world) -> None:
    core_services.org_group_set(
        actor=None, name="各县(区)政府", members=[world.gov_a, world.gov_b],
        aliases=["各县（区）政府"],
    )  # fmt: skip


def draft(world, text: str = SHARED_PLAN, name: str = "要点.txt") -> PlanDraft:
    return services.plan_draft_create(actor=world.supervisor, name=name, data=text.encode())


def confirmed(world, text: str = SHARED_PLAN) -> Plan:
    d = draft(world, text)
    for unit_name, entry in d.data["units"].items():
        if not entry["match"]:
            services.plan_draft_choose_unit(
                actor=world.supervisor, draft_id=d.pk, name=unit_name, choice="ignore"
            )
    return services.plan_import_confirm(actor=world.supervisor, draft_id=d.pk)
