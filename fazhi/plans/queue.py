"""What the ledger asks of a user, for the work queue (fazhi.core.workqueue):

* 待报送 — tasks the user's unit leads or shares, not done, whose report is missing: the
  last ended period's while it is missing (overdue once its report date has passed; only
  for a plan already on the platform when that period ended), else the current period's;
* 待汇总 — tasks the unit leads with units' reports in for a period (the last ended or the
  current one) and no consolidated report sent or accepted;
* 待审核 — consolidated reports waiting for the decision of a supervisor of the plan;
* 待回复 — 督办单 addressed to the unit and not replied.

Each count and each first page is one query per plan at most (a unit works on few plans).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from fazhi.core import workqueue
from fazhi.core.models import Permission
from fazhi.core.scoping import scope_q
from fazhi.core.workqueue import Kind, Provider, WorkItem
from fazhi.plans.models import (
    Consolidation,
    Plan,
    ProgressReport,
    ReviewState,
    SupervisionRecipient,
    Task,
)
from fazhi.plans.periods import Period, period_of, plan_start, previous
from fazhi.plans.selectors import report_due
from fazhi.workdays.index import current_calendar

MODULE = "plans"
DONE = (ReviewState.SUBMITTED, ReviewState.ACCEPTED)


def _staff_unit(user: Any) -> Any:
    """The unit a user works for on the ledger, or None if the ledger asks nothing of them."""
    if not user.is_authenticated or not user.has_fazhi_perm(Permission.REPORT):
        return None
    return getattr(user, "unit", None)


def _not_done() -> Q:
    # is_done (plans.status) for a query: an accepted one-off task asks nothing more.
    return Q(completed_on__isnull=True) | ~Q(deadline_recurring="")


@dataclass(frozen=True)
class _Periods:
    plan: Plan
    periods: list[tuple[Period, date]]  # (period, its report date), the older first


def _periods(plan: Plan, today: date) -> _Periods:
    cal = current_calendar()
    current = period_of(plan.report_frequency, today)
    last = previous(plan.report_frequency, current)
    # The last ended period is asked for only if the plan was on the platform before it
    # ended: a plan imported today is not already late with last quarter's reports.
    imported = timezone.localtime(plan.created_at).date() if plan.created_at else today
    asked = last.starts_on >= plan_start(plan).day and last.ends_on >= imported
    chosen = [last, current] if asked else [current]
    return _Periods(plan, [(p, report_due(plan, p, cal)) for p in chosen])


def _unit_plans(unit: Any, today: date, *, lead_only: bool) -> list[_Periods]:
    """The plans the unit leads (or shares) tasks of, with their awaited periods: once per
    reading of the queue."""
    return workqueue.memo(  # type: ignore[no-any-return]
        ("plans.unit_plans", unit.pk, today, lead_only),
        lambda: _read_unit_plans(unit, today, lead_only=lead_only),
    )


def _read_unit_plans(unit: Any, today: date, *, lead_only: bool) -> list[_Periods]:
    lead = Task.lead_units.through.objects.filter(organisation_id=unit.pk).values("task_id")
    tasks = Q(tasks__in=lead)
    if not lead_only:
        resp = Task.responsible_units.through.objects.filter(organisation_id=unit.pk)
        tasks |= Q(tasks__in=resp.values("task_id"))
    plans = Plan.objects.filter(pk__in=Plan.objects.filter(tasks).values("pk")).order_by("pk")
    return [_periods(plan, today) for plan in plans]


def _unit_tasks(user: Any, unit: Any, plan: Plan, *, lead_only: bool) -> QuerySet[Task]:
    lead = Task.lead_units.through.objects.filter(organisation_id=unit.pk).values("task_id")
    mine = Q(pk__in=lead)
    if not lead_only:
        resp = Task.responsible_units.through.objects.filter(organisation_id=unit.pk)
        mine |= Q(pk__in=resp.values("task_id"))
    tasks: QuerySet[Task] = Task.objects.visible_to(user)
    return tasks.filter(mine, _not_done(), plan=plan)


def _reported(unit: Any, key: str) -> Q:
    own = ProgressReport.objects.filter(
        task_id=OuterRef("pk"), owner_unit_id=unit.pk, period_key=key, is_current=True,
        state__in=DONE,
    )  # fmt: skip
    accepted = Consolidation.objects.filter(
        task_id=OuterRef("pk"), period_key=key, is_current=True, state=ReviewState.ACCEPTED
    )
    return Q(Exists(own)) | Q(Exists(accepted))


def _to_report(user: Any, unit: Any, entry: _Periods) -> list[tuple[Period, date, Any]]:
    """(period, report date, tasks missing that period's report) per awaited period."""
    tasks = _unit_tasks(user, unit, entry.plan, lead_only=False)
    found = []
    earlier = Q()
    for period, due in entry.periods:
        # A task is listed once: for the oldest period it has not reported on.
        found.append((period, due, tasks.filter(earlier).exclude(_reported(unit, period.key))))
        earlier &= _reported(unit, period.key)
    return found


def _task_item(
    task: Task, period: Period, due: date, today: date, kind: str, unit: Any
) -> WorkItem:
    return WorkItem(
        module=MODULE, kind=kind, title=f"{task.code} {task.text[:40]}",
        url=f"{reverse('plans:task', args=[task.pk])}?period={period.key}", due_on=due,
        overdue=due < today, unit=unit.display_name, note=f"{period.label}",
    )  # fmt: skip


def _count_tasks(user: Any, *, lead_only: bool, finder: Any) -> int | None:
    """How many tasks ``finder`` (_to_report, _to_consolidate) gives over the unit's plans."""
    unit = _staff_unit(user)
    if unit is None:
        return None
    today = timezone.localdate()
    return sum(
        int(rows.count())
        for entry in _unit_plans(unit, today, lead_only=lead_only)
        for _, _, rows in finder(user, unit, entry)
    )


def _task_items(
    user: Any, limit: int, *, lead_only: bool, finder: Any, kind: str
) -> list[WorkItem]:
    """The first ``limit`` of those tasks as queue items (stable: plan, then task order)."""
    unit = _staff_unit(user)
    if unit is None:
        return []
    today = timezone.localdate()
    items = []
    for entry in _unit_plans(unit, today, lead_only=lead_only):
        for period, due, rows in finder(user, unit, entry):
            shown = rows.select_related("measure").only("pk", "text", "position", "measure__number")
            for task in shown.order_by("measure__number", "position")[:limit]:
                items.append(_task_item(task, period, due, today, kind, unit))
    return sorted(items, key=WorkItem.sort_key)[:limit]


def count_to_report(user: Any) -> int | None:
    return _count_tasks(user, lead_only=False, finder=_to_report)


def items_to_report(user: Any, limit: int) -> list[WorkItem]:
    return _task_items(user, limit, lead_only=False, finder=_to_report, kind="待报送")


def _to_consolidate(user: Any, unit: Any, entry: _Periods) -> list[tuple[Period, date, Any]]:
    tasks = _unit_tasks(user, unit, entry.plan, lead_only=True)
    found = []
    for period, due in entry.periods:
        reports = ProgressReport.objects.filter(
            task_id=OuterRef("pk"), period_key=period.key, is_current=True
        )
        sent = Consolidation.objects.filter(
            task_id=OuterRef("pk"), period_key=period.key, is_current=True, state__in=DONE
        )
        found.append((period, due, tasks.filter(Exists(reports)).exclude(Exists(sent))))
    return found


def count_to_consolidate(user: Any) -> int | None:
    return _count_tasks(user, lead_only=True, finder=_to_consolidate)


def items_to_consolidate(user: Any, limit: int) -> list[WorkItem]:
    return _task_items(user, limit, lead_only=True, finder=_to_consolidate, kind="待汇总")


def _awaiting_review(user: Any) -> QuerySet[Consolidation] | None:
    if not user.is_authenticated or not user.has_fazhi_perm(Permission.SUPERVISE):
        return None
    # As consolidation_decide allows: the plan in the supervisor's own scope.
    overseen = scope_q(
        user, unit_path="task__plan__owner_unit_path",
        division_path="task__plan__owner_division_path", owner="task__plan__created_by",
    )  # fmt: skip
    rows: QuerySet[Consolidation] = Consolidation.objects.filter(
        overseen, is_current=True, state=ReviewState.SUBMITTED
    )
    return rows


def count_to_review(user: Any) -> int | None:
    rows = _awaiting_review(user)
    return None if rows is None else int(rows.count())


def items_to_review(user: Any, limit: int) -> list[WorkItem]:
    rows = _awaiting_review(user)
    if rows is None:
        return []
    items = []
    # No period binds the supervisor: the oldest submission first.
    for c in rows.select_related("task__measure", "owner_unit").order_by("submitted_at", "pk")[
        :limit
    ]:
        items.append(
            WorkItem(
                module=MODULE,
                kind="待审核",
                title=f"{c.task.code} {c.task.text[:40]}",
                url=f"{reverse('plans:task', args=[c.task_id])}?period={c.period_key}",
                due_on=None,
                overdue=False,
                unit=c.owner_unit.display_name,
                note=f"{c.period_key} 汇总进展，{timezone.localtime(c.submitted_at):%Y-%m-%d} 报送",
            )
        )
    return items


def _unreplied(user: Any) -> QuerySet[SupervisionRecipient] | None:
    """督办单 addressed to the user's unit (one 主送 row each) that it has not answered and the
    issuer has not closed."""
    unit = _staff_unit(user)
    if unit is None:
        return None
    rows: QuerySet[SupervisionRecipient] = SupervisionRecipient.objects.visible_to(user).filter(
        owner_unit_id=unit.pk, replied_at__isnull=True, outcome=""
    )
    return rows


def count_to_reply(user: Any) -> int | None:
    rows = _unreplied(user)
    return None if rows is None else int(rows.count())


def items_to_reply(user: Any, limit: int) -> list[WorkItem]:
    rows = _unreplied(user)
    if rows is None:
        return []
    today = timezone.localdate()
    found = rows.select_related("owner_unit", "notice__task__measure").order_by(
        "notice__reply_due_on", "pk"
    )[:limit]
    return [
        WorkItem(
            module=MODULE,
            kind="待回复",
            title=f"{r.notice.number} {r.notice.reason[:40]}",
            url=reverse("plans:notice", args=[r.notice_id]),
            due_on=r.notice.reply_due_on,
            overdue=r.notice.reply_due_on < today,
            unit=r.owner_unit.display_name,
            note=f"任务 {r.notice.task.code}",
        )
        for r in found
    ]


KINDS = (
    Kind("plans.report", "待报送", count_to_report, items_to_report),
    Kind("plans.consolidate", "待汇总", count_to_consolidate, items_to_consolidate),
    Kind("plans.review", "待审核", count_to_review, items_to_review),
    Kind("plans.reply", "待回复", count_to_reply, items_to_reply),
)
PROVIDER = Provider(MODULE, "实施方案", lambda: KINDS, order=10)


def pending_task_ids(user: Any) -> set[int]:
    """The tasks of the user's 待报送 and 待汇总 (for 我的任务's "只看我的待办")."""
    unit = _staff_unit(user)
    if unit is None:
        return set()
    today = timezone.localdate()
    found: set[int] = set()
    for entry in _unit_plans(unit, today, lead_only=False):
        for _, _, rows in _to_report(user, unit, entry):
            found.update(rows.values_list("pk", flat=True))
    for entry in _unit_plans(unit, today, lead_only=True):
        for _, _, rows in _to_consolidate(user, unit, entry):
            found.update(rows.values_list("pk", flat=True))
    return found
