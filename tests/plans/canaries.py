"""County-A records of the plans module for the scope harness: a confirmed plan and a draft;
progress reports with evidence, a consolidated report, a 督办单 and notifications, all within
county A (the plan's lead and responsible units are both county-A units)."""

from __future__ import annotations

from django.utils import timezone

from fazhi.core import notifications
from fazhi.core import services as core_services
from fazhi.core.models import Notification
from fazhi.plans import services
from fazhi.plans.periods import period_of
from tests.conftest import PASSWORD, World
from tests.scope_harness import Canary, canary


@canary("plans: a county-A plan, its tasks and an open import draft")
def county_plan(world: World, marker: str) -> Canary:
    importer = core_services.user_create(
        actor=None, username=f"p{marker.lower()}", name="县督查", unit=world.gov_a,
        password=PASSWORD, roles=["supervisor"],
    )  # fmt: skip
    text = (
        f"临川区{marker}工作要点\n一、督察\n"
        f"1.开展{marker}督察。(牵头单位:临川区人民政府;责任单位:临川区司法局)\n"
    )
    draft = services.plan_draft_create(actor=importer, name=f"{marker}.txt", data=text.encode())
    plan = services.plan_import_confirm(actor=importer, draft_id=draft.pk)
    open_draft = services.plan_draft_create(
        actor=importer, name=f"{marker}-2.txt", data=text.encode()
    )
    return Canary(ids=[plan.pk, open_draft.pk, *plan.tasks.values_list("pk", flat=True)])


@canary("plans: county-A progress reports, evidence, consolidation, 督办单, notifications")
def county_work(world: World, marker: str) -> Canary:
    lead = core_services.user_create(
        actor=None, username=f"w{marker.lower()}", name="县督查二", unit=world.gov_a,
        password=PASSWORD, roles=["supervisor", "clerk"],
    )  # fmt: skip
    dept = core_services.user_create(
        actor=None, username=f"d{marker.lower()}", name="县司法经办", unit=world.dept_a,
        password=PASSWORD, roles=["clerk"],
    )  # fmt: skip
    text = (
        f"临川区{marker}台账\n一、推进\n"
        f"1.落实{marker}任务。(牵头单位:临川区人民政府;责任单位:临川区司法局)\n"
    )
    draft = services.plan_draft_create(actor=lead, name=f"{marker}-w.txt", data=text.encode())
    plan = services.plan_import_confirm(actor=lead, draft_id=draft.pk)
    task = plan.tasks.get()
    key = period_of(plan.report_frequency, timezone.localdate()).key
    pdf = f"%PDF-1.7 {marker}\n%%EOF\n".encode()
    report = services.progress_report_submit(
        actor=dept, task_id=task.pk, period_key=key, text=f"{marker}进展",
        self_state="in_progress", files=[(f"{marker}.pdf", pdf)],
    )  # fmt: skip
    consolidation = services.consolidation_submit(
        actor=lead, task_id=task.pk, period_key=key, text=f"{marker}汇总", self_state="in_progress"
    )
    notice = services.supervision_issue(
        actor=lead, task_id=task.pk, unit_ids=[world.dept_a.pk], reason=f"{marker}事由",
        requirement=f"{marker}要求", reply_workdays=5,
    )  # fmt: skip
    notifications.notify_users([dept], kind="task", text=f"{marker}通知")
    notification = Notification.objects.filter(recipient=dept).first()
    assert notification is not None
    evidence = report.evidence.get()
    return Canary(
        ids=[plan.pk, task.pk, report.pk, evidence.pk, consolidation.pk, notice.pk,
             notification.pk],
    )  # fmt: skip
