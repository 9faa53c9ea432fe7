"""Derived status of a task (never typed in): 未开始 / 推进中 / 已完成 / 临期 / 逾期 / 退回待改,
from the stored due date on the working-day calendar and the stored review facts."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import models
from django.db.models import Q

from fazhi.plans.models import ReviewState, Task
from fazhi.workdays.deadlines import DeadlineState, deadline_state
from fazhi.workdays.index import WorkCalendar


class Status(models.TextChoices):
    NOT_STARTED = "未开始", "未开始"
    IN_PROGRESS = "推进中", "推进中"
    DONE = "已完成", "已完成"
    DUE_SOON = "临期", "临期"
    OVERDUE = "逾期", "逾期"
    RETURNED = "退回待改", "退回待改"


# Worst first: a matrix cell shows the worst status of its tasks.
SEVERITY = [
    Status.OVERDUE, Status.RETURNED, Status.DUE_SOON, Status.NOT_STARTED, Status.IN_PROGRESS,
    Status.DONE,
]  # fmt: skip
CSS = {
    Status.NOT_STARTED: "st-new", Status.IN_PROGRESS: "st-going", Status.DONE: "st-done",
    Status.DUE_SOON: "st-soon", Status.OVERDUE: "st-late", Status.RETURNED: "st-back",
}  # fmt: skip


# One character for a matrix cell; the full word is in its title and the legend.
SHORT = {
    Status.NOT_STARTED: "未", Status.IN_PROGRESS: "进", Status.DONE: "完",
    Status.DUE_SOON: "临", Status.OVERDUE: "逾", Status.RETURNED: "退",
}  # fmt: skip


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 2月29日
        return day.replace(year=day.year - 1, day=28)


def is_done(task: Task | Any, today: date) -> bool:
    """Accepted as completed. Accepting a yearly task rolls its due date on to the next
    cycle; it shows as done until the cycle it was accepted for has ended."""
    if task.completed_on is None:
        return False
    if not task.deadline_recurring or task.due_on is None:
        return True
    accepted_for = _year_before(task.due_on)
    return today <= accepted_for and task.completed_on > _year_before(accepted_for)


def task_status(
    task: Task | Any,
    *,
    today: date,
    calendar: WorkCalendar,
    returned: bool | None = None,
    reported: bool | None = None,
) -> Status:
    """The status of ``task`` today (a Task, or anything with its due_on, completed_on,
    deadline_recurring, reported_at and current_consolidation). ``returned``/``reported``
    narrow it to one unit's share (its own report sent back / any report from it); None
    means the task as a whole."""
    if is_done(task, today):
        return Status.DONE
    if task.due_on is not None and task.due_on < today:
        return Status.OVERDUE
    consolidation: Any = task.current_consolidation
    if returned is None:
        returned = consolidation is not None and consolidation.state == ReviewState.RETURNED
    if returned:
        return Status.RETURNED
    due_soon = DeadlineState.DUE_SOON
    if task.due_on is not None and (
        deadline_state(task.due_on, today=today, calendar=calendar).state == due_soon
    ):
        return Status.DUE_SOON
    if reported is None:
        reported = task.reported_at is not None
    return Status.IN_PROGRESS if reported else Status.NOT_STARTED


def overdue_q(today: date) -> Q:
    """The tasks :func:`task_status` calls 逾期, as a filter (for counts)."""
    return Q(due_on__lt=today) & (Q(completed_on__isnull=True) | ~Q(deadline_recurring=""))


def worst(statuses: list[Status]) -> Status | None:
    if not statuses:
        return None
    return min(statuses, key=SEVERITY.index)
