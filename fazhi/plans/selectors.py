"""Reads of plans, every one already scoped to the user."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from fazhi.core.models import AuditEvent, Organisation, Permission
from fazhi.core.scoping import get_scoped_or_404
from fazhi.core.text import normalise
from fazhi.plans.matching import IGNORE, UnitIndex
from fazhi.plans.models import (
    Consolidation,
    Evidence,
    Measure,
    NoticeOutcome,
    Plan,
    PlanDraft,
    ProgressReport,
    ReviewState,
    SupervisionNotice,
    SupervisionRecipient,
    Target,
    Task,
)
from fazhi.plans.periods import Period, parse_period, period_of, plan_start
from fazhi.plans.status import CSS, SEVERITY, SHORT, Status, overdue_q, task_status, worst
from fazhi.workdays.deadlines import DeadlineState, compute_due, deadline_state
from fazhi.workdays.index import WorkCalendar, current_calendar


def plans_for(user: Any) -> QuerySet[Plan]:
    plans: QuerySet[Plan] = Plan.objects.visible_to(user)
    return plans.select_related("owner_unit", "created_by").annotate(
        task_total=Count("tasks", distinct=True)
    )


def plan_for(user: Any, pk: int) -> Plan:
    """The plan if the user may see it; 404 otherwise (also for plans of another county)."""
    plans: QuerySet[Plan] = Plan.objects.visible_to(user)
    plan: Plan = get_scoped_or_404(plans.select_related("owner_unit", "source"), user, pk=pk)
    return plan


def drafts_for(user: Any) -> QuerySet[PlanDraft]:
    return PlanDraft.objects.visible_to(user).select_related("source")


def draft_for(user: Any, pk: int) -> PlanDraft:
    draft: PlanDraft = get_scoped_or_404(drafts_for(user), user, pk=pk)
    return draft


def duplicate_of(user: Any, draft: PlanDraft) -> Plan | None:
    """A plan the user can see that was imported from the same file."""
    return Plan.objects.visible_to(user).filter(sha256=draft.source.sha256).first()


def unit_rows(draft: PlanDraft, index: UnitIndex) -> list[dict[str, Any]]:
    """One row per unit name in the draft: its match, suggestions and all choices."""
    rows = []
    for name, entry in draft.data["units"].items():
        chosen = entry.get("choice") or entry["match"]
        suggestions = [index.candidates[k] for k in entry["suggestions"] if k in index.candidates]
        label = (
            "不对应具体单位（保留原文）"
            if chosen == IGNORE
            else index.candidates[chosen].label
            if chosen in index.candidates
            else ""
        )
        rows.append(
            {
                "name": name,
                "chosen": chosen or "",
                "chosen_label": label,
                "automatic": bool(entry["match"]) and not entry.get("choice"),
                "resolved": bool(chosen),
                "suggestions": suggestions,
                "count": len(index.organisation_ids(chosen)) if chosen and chosen != IGNORE else 0,
            }
        )
    return rows


# --- the work on the ledger ----------------------------------------------------------


def current_period(plan: Plan, key: str | None = None) -> Period:
    """The period asked for (if it parses and is open), else the one today falls in."""
    today = timezone.localdate()
    if key:
        try:
            period = parse_period(plan.report_frequency, key)
        except ValidationError:
            period = None
        if (
            period is not None
            and period.is_open(today)
            and period.starts_on >= (plan_start(plan).day)
        ):
            return period
    return period_of(plan.report_frequency, today)


def report_due(plan: Plan, period: Period, calendar: WorkCalendar | None = None) -> date:
    """When a period's reports are due: the set number of working days after it ends."""
    return compute_due(
        start=period.ends_on, amount=plan.report_workdays, unit="workday", explain=False,
        calendar=calendar,
    ).due  # fmt: skip


def progress_for(user: Any, task_ids: list[int], period: Period) -> dict[int, str]:
    """Each task's progress in ``period`` as far as the user may read it: the consolidated
    report, else the units' own reports (each marked with its unit)."""
    result: dict[int, str] = {}
    for c in Consolidation.objects.visible_to(user).filter(
        task_id__in=task_ids, period_key=period.key, is_current=True
    ):
        result[c.task_id] = c.text
    rest = [pk for pk in task_ids if pk not in result]
    if rest:
        parts: dict[int, list[str]] = {}
        reports = (
            ProgressReport.objects.visible_to(user)
            .filter(task_id__in=rest, period_key=period.key, is_current=True)
            .select_related("owner_unit")
            .order_by("owner_unit__path")
        )
        for r in reports:
            parts.setdefault(r.task_id, []).append(f"【{r.owner_unit.display_name}】{r.text}")
        result.update({pk: "\n".join(texts) for pk, texts in parts.items()})
    return result


@dataclass
class TaskRow:
    task: Task
    status: Status
    progress: str = ""
    role: str = ""  # 牵头 / 责任, for a unit's own list
    own_report: ProgressReport | None = None
    period: Period | None = None
    period_due: date | None = None
    units: list[Any] = field(default_factory=list)  # filled for grouping by unit

    @property
    def css(self) -> str:
        return CSS[self.status]

    @property
    def url(self) -> str:
        # Built by hand: reverse() per row costs more than the rest of the row on long lists.
        return _task_url_prefix() + f"{self.task.pk}/"


@cache
def _task_url_prefix() -> str:
    return reverse("plans:task", args=[0]).removesuffix("0/")


def _search(tasks: QuerySet[Task], q: str) -> QuerySet[Task]:
    # A plan has tens to hundreds of tasks: substring matching over the normalised words is
    # exact and fast enough here; the bigram index is for the large corpora (laws).
    for term in normalise(q).split():
        tasks = tasks.filter(text__icontains=term[:50])
    return tasks


def _unit_filter(tasks: QuerySet[Task], unit_id: int | None) -> QuerySet[Task]:
    if not unit_id:
        return tasks
    lead = Task.lead_units.through.objects.filter(organisation_id=unit_id).values("task_id")
    resp = Task.responsible_units.through.objects.filter(organisation_id=unit_id).values("task_id")
    return tasks.filter(Q(pk__in=lead) | Q(pk__in=resp))


def task_rows(
    user: Any,
    plan: Plan,
    *,
    period: Period,
    q: str = "",
    unit_id: int | None = None,
    status: str = "",
    with_units: bool = False,
) -> list[TaskRow]:
    """The tasks of ``plan`` the user may see, with derived status and period progress
    (``with_units``: with their unit objects, for grouping by unit)."""
    tasks: QuerySet[Task] = Task.objects.visible_to(user).filter(plan=plan)
    tasks = _unit_filter(_search(tasks, q), unit_id)
    tasks = tasks.select_related("measure", "measure__chapter", "current_consolidation").order_by(
        "measure__number", "position"
    )
    today = timezone.localdate()
    cal = current_calendar()
    rows = [TaskRow(t, task_status(t, today=today, calendar=cal)) for t in tasks]
    if with_units:
        _attach_units(rows)
    if status:
        rows = [r for r in rows if r.status == status]
    progress = progress_for(user, [r.task.pk for r in rows], period)
    for row in rows:
        row.progress = progress.get(row.task.pk, "")
    return rows


def _attach_units(rows: list[TaskRow]) -> None:
    """Each row's lead and responsible units (id, name, path), in two small queries."""
    ids = [r.task.pk for r in rows]
    links: list[tuple[int, int]] = []
    for through in (Task.lead_units.through, Task.responsible_units.through):
        links.extend(
            through.objects.filter(task_id__in=ids).values_list("task_id", "organisation_id")
        )
    units = {o.pk: o for o in Organisation.objects.filter(pk__in={u for _, u in links})}
    by_task: dict[int, list[Any]] = {}
    for task_id, unit_id in links:
        by_task.setdefault(task_id, []).append(units[unit_id])
    for row in rows:
        row.units = by_task.get(row.task.pk, [])


@dataclass
class Group:
    title: str
    rows: list[TaskRow]
    anchor: str = ""
    chapter: str = ""
    targets: list[Target] = field(default_factory=list)


def group_rows(rows: list[TaskRow], by: str) -> list[Group]:
    """Ledger views: by chapter and measure (default), by unit, or by status."""
    groups: dict[Any, Group] = {}
    if by == "unit":
        for row in rows:
            for unit in row.units:
                group = groups.setdefault(unit.path, Group(unit.display_name, [], f"u{unit.pk}"))
                group.rows.append(row)
        return [groups[k] for k in sorted(groups)]
    if by == "status":
        for row in rows:
            groups.setdefault(row.status, Group(str(row.status), [], CSS[row.status])).rows.append(
                row
            )
        return [groups[s] for s in SEVERITY if s in groups]
    for row in rows:
        m = row.task.measure
        chapter = f"({m.chapter.number}){m.chapter.title}" if m.chapter else ""
        groups.setdefault(
            m.pk, Group(f"{m.number}. {m.title}", [], f"m{m.number}", chapter)
        ).rows.append(row)
    return list(groups.values())


def filter_rows(
    rows: list[TaskRow], *, q: str = "", status: str = "", unit_task_ids: set[int] | None = None
) -> list[TaskRow]:
    """The ledger's filters applied to rows already read (the counts need them all)."""
    terms = [t.casefold() for t in normalise(q).split()]
    return [
        r
        for r in rows
        if (not status or r.status == status)
        and all(t in r.task.text.casefold() for t in terms)
        and (unit_task_ids is None or r.task.pk in unit_task_ids)
    ]


def unit_task_ids(unit_id: int) -> set[int]:
    lead = Task.lead_units.through.objects.filter(organisation_id=unit_id)
    resp = Task.responsible_units.through.objects.filter(organisation_id=unit_id)
    return {
        *lead.values_list("task_id", flat=True),
        *resp.values_list("task_id", flat=True),
    }


@dataclass
class PlanTargets:
    by_measure: dict[int | None, list[Target]]
    other: list[Target]  # outside measures: shown only to who sees every task
    sees_all: bool


def plan_targets(plan: Plan, rows: list[TaskRow]) -> PlanTargets:
    by_measure: dict[int | None, list[Target]] = {}
    for target in Target.objects.filter(plan=plan).order_by("position"):
        by_measure.setdefault(target.measure_id, []).append(target)
    sees_all = len(rows) == Task.objects.filter(plan=plan).count()
    other = by_measure.pop(None, [])
    return PlanTargets(by_measure, other if sees_all else [], sees_all)


def status_counts(rows: list[TaskRow]) -> list[tuple[str, str, int]]:
    counts = dict.fromkeys(SEVERITY, 0)
    for row in rows:
        counts[row.status] += 1
    return [(str(s), CSS[s], counts[s]) for s in SEVERITY]


def assigned_units(user: Any, plan: Plan) -> list[Any]:
    """Units holding tasks in ``plan`` that the user may see (for filters and the matrix)."""
    lead = Task.lead_units.through.objects.filter(task__plan=plan).values("organisation_id")
    resp = Task.responsible_units.through.objects.filter(task__plan=plan).values("organisation_id")
    return list(
        Organisation.objects.visible_to(user)
        .filter(Q(pk__in=lead) | Q(pk__in=resp))
        .order_by("path")
    )


def _my_task_ids(unit: Any) -> tuple[QuerySet[Any], QuerySet[Any]]:
    lead = Task.lead_units.through.objects.filter(organisation_id=unit.pk).values("task_id")
    resp = Task.responsible_units.through.objects.filter(organisation_id=unit.pk).values("task_id")
    return lead, resp


@dataclass
class TaskFacts:
    """What a task's derived status needs, read as plain values (no model instances), so
    that a long "我的任务" is sorted by status before the shown page is read in full."""

    pk: int
    plan_id: int
    due_on: date | None
    deadline_recurring: str
    completed_on: date | None
    reported_at: Any
    consolidation_state: str | None
    is_lead: bool
    unit_reported: bool
    unit_returned: bool
    status: Status = Status.NOT_STARTED

    @property
    def current_consolidation(self) -> Any:
        return None  # status is given returned/reported explicitly


def my_task_facts(
    user: Any, *, q: str = "", status: str = "", mine: bool = False
) -> list[TaskFacts]:
    """我的任务 in order: urgent (逾期, 退回待改, 临期) first, then by due date; ``mine``: only
    the tasks in the user's work queue (to report or to consolidate)."""
    unit = getattr(user, "unit", None)
    if unit is None:
        return []
    lead_ids, resp_ids = _my_task_ids(unit)
    own = ProgressReport.objects.filter(task_id=OuterRef("pk"), owner_unit_id=unit.pk)
    values = (
        _search(Task.objects.visible_to(user), q)
        .filter(Q(pk__in=lead_ids) | Q(pk__in=resp_ids))
        .annotate(
            is_lead=Exists(
                Task.lead_units.through.objects.filter(
                    task_id=OuterRef("pk"), organisation_id=unit.pk
                )
            ),
            unit_reported=Exists(own),
            unit_returned=Exists(own.filter(is_current=True, state=ReviewState.RETURNED)),
        )
        .order_by("plan_id", "measure__number", "position")
        .values_list(
            "pk", "plan_id", "due_on", "deadline_recurring", "completed_on", "reported_at",
            "current_consolidation__state", "is_lead", "unit_reported", "unit_returned",
        )
    )  # fmt: skip
    today = timezone.localdate()
    cal = current_calendar()
    facts = []
    for row in values:
        fact = TaskFacts(*row)
        back = fact.unit_returned or (
            fact.is_lead and fact.consolidation_state == ReviewState.RETURNED
        )
        fact.status = task_status(
            fact, today=today, calendar=cal, returned=back, reported=fact.unit_reported
        )
        facts.append(fact)
    if status:
        facts = [f for f in facts if f.status == status]
    if mine:
        from fazhi.plans.queue import pending_task_ids

        pending = pending_task_ids(user)
        facts = [f for f in facts if f.pk in pending]
    urgent = {Status.OVERDUE: 0, Status.RETURNED: 1, Status.DUE_SOON: 2}
    facts.sort(key=lambda f: (urgent.get(f.status, 3), f.due_on is None, f.due_on or date.max))
    return facts


def my_tasks(
    user: Any, *, q: str = "", status: str = "", facts: list[TaskFacts] | None = None
) -> list[TaskRow]:
    """我的任务 rows for ``facts`` (default: all of them), with this period's own report."""
    unit = getattr(user, "unit", None)
    if facts is None:
        facts = my_task_facts(user, q=q, status=status)
    if unit is None or not facts:
        return []
    tasks = {
        t.pk: t
        for t in Task.objects.filter(pk__in=[f.pk for f in facts]).select_related("plan", "measure")
    }
    today = timezone.localdate()
    cal = current_calendar()
    periods: dict[int, tuple[Period, date]] = {}
    for task in tasks.values():
        if task.plan_id not in periods:
            period = period_of(task.plan.report_frequency, today)
            periods[task.plan_id] = (period, report_due(task.plan, period, cal))
    current: dict[tuple[int, str], ProgressReport] = {
        (r.task_id, r.period_key): r
        for r in ProgressReport.objects.filter(
            owner_unit_id=unit.pk,
            task_id__in=list(tasks),
            period_key__in={p.key for p, _ in periods.values()},
            is_current=True,
        ).only("pk", "task_id", "period_key", "version", "state")
    }
    rows = []
    for fact in facts:
        task = tasks[fact.pk]
        period, due = periods[task.plan_id]
        report = current.get((task.pk, period.key))
        role = "牵头" if fact.is_lead else "责任"
        rows.append(TaskRow(task, fact.status, "", role, report, period, due))
    return rows


def count_my_tasks(user: Any) -> int | None:
    unit = getattr(user, "unit", None)
    if unit is None or not user.has_fazhi_perm(Permission.REPORT):
        return None
    lead, resp = _my_task_ids(unit)
    return int(Task.objects.filter(Q(pk__in=lead) | Q(pk__in=resp)).count())


def count_overdue(user: Any) -> int | None:
    """Overdue tasks: the unit's own for staff, every visible one for a supervisor."""
    if not user.is_authenticated:
        return None
    today = timezone.localdate()
    tasks = Task.objects.visible_to(user).filter(overdue_q(today))
    if not user.has_fazhi_perm(Permission.SUPERVISE):
        unit = getattr(user, "unit", None)
        if unit is None:
            return None
        lead, resp = _my_task_ids(unit)
        tasks = tasks.filter(Q(pk__in=lead) | Q(pk__in=resp))
    return int(tasks.count())


NOTICE_FILTERS = {"open": "未办结", "overdue": "逾期未回复", "closed": "已办结", "all": "全部"}


def notice_recipients(user: Any, show: str, today: date) -> QuerySet[SupervisionRecipient]:
    """The 主送 rows of the 督办 list: open (not 办结 nor 再督办), overdue (no reply past the
    due date), closed, or all; a unit sees its own rows, the issuer the rows it sent."""
    rows: QuerySet[SupervisionRecipient] = SupervisionRecipient.objects.visible_to(user)
    if show == "open":
        rows = rows.filter(outcome="")
    elif show == "overdue":
        rows = rows.filter(outcome="", replied_at__isnull=True, notice__reply_due_on__lt=today)
    elif show == "closed":
        rows = rows.exclude(outcome="")
    return rows.select_related(
        "notice", "notice__task", "notice__owner_unit", "owner_unit"
    ).order_by("notice__reply_due_on", "notice_id", "pk")


def count_open_notices(user: Any) -> int | None:
    """待办督办: for a supervisor the open rows it sees, for a unit those awaiting its reply."""
    if not user.is_authenticated:
        return None
    rows = SupervisionRecipient.objects.visible_to(user).filter(outcome="")
    if not user.has_fazhi_perm(Permission.SUPERVISE):
        rows = rows.filter(owner_unit_id=getattr(user, "unit_id", None), replied_at__isnull=True)
    return int(rows.count())


@dataclass
class Matrix:
    measures: list[Measure]
    rows: list[tuple[Any, list[tuple[Status | None, str, str]]]]


def matrix_for(user: Any, plan: Plan) -> Matrix:
    """Units × measures, each cell the worst status of the unit's share of the measure."""
    tasks = list(
        Task.objects.visible_to(user).filter(plan=plan).select_related("current_consolidation")
    )
    by_id = {t.pk: t for t in tasks}
    units = assigned_units(user, plan)
    unit_ids = {u.pk for u in units}
    # (task, unit) → (is lead, has reported, report sent back): one index probe per pair.
    pairs: dict[tuple[int, int], tuple[bool, bool, bool]] = {}
    throughs: list[tuple[Any, bool]] = [
        (Task.responsible_units.through, False),
        (Task.lead_units.through, True),
    ]
    for through, is_lead in throughs:
        own = ProgressReport.objects.filter(
            task_id=OuterRef("task_id"), owner_unit_id=OuterRef("organisation_id")
        )
        links = (
            through.objects.filter(task_id__in=by_id, organisation_id__in=unit_ids)
            .annotate(
                reported=Exists(own),
                back=Exists(own.filter(is_current=True, state=ReviewState.RETURNED)),
            )
            .values_list("task_id", "organisation_id", "reported", "back")
        )
        for task_id, unit_id, reported, back in links:
            pairs[(task_id, unit_id)] = (is_lead, reported, back)
    today = timezone.localdate()
    cal = current_calendar()
    measures = list(Measure.objects.filter(plan=plan, tasks__in=tasks).distinct())
    cells: dict[tuple[int, int], list[Status]] = {}
    for (task_id, unit_id), (is_lead, reported, back) in pairs.items():
        task = by_id[task_id]
        consolidation: Any = task.current_consolidation
        returned = back or (
            is_lead and consolidation is not None and consolidation.state == ReviewState.RETURNED
        )
        state = task_status(
            task, today=today, calendar=cal, returned=returned,
            reported=reported or (is_lead and task.reported_at is not None),
        )  # fmt: skip
        cells.setdefault((unit_id, task.measure_id), []).append(state)
    rows = []
    for unit in units:
        line: list[tuple[Status | None, str, str]] = []
        for measure in measures:
            cell = worst(cells.get((unit.pk, measure.pk), []))
            line.append((cell, CSS[cell], SHORT[cell]) if cell else (None, "st-none", ""))
        rows.append((unit, line))
    return Matrix(measures, rows)


@dataclass
class Event:
    at: Any
    kind: str
    title: str
    unit: str = ""
    who: str = ""
    text: str = ""
    note: str = ""
    css: str = ""
    evidence: list[Evidence] = field(default_factory=list)


def timeline_for(user: Any, task: Task) -> list[Event]:
    """Every report, consolidation, decision, 督办 and assignment change on a task, in order."""
    events: list[Event] = []
    reports = (
        ProgressReport.objects.visible_to(user)
        .filter(task=task)
        .select_related("owner_unit", "created_by")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.listed()))
    )
    for r in reports:
        events.append(
            Event(
                r.submitted_at,
                "report",
                f"{r.owner_unit.display_name}报送进展（{r.period_key} 第{r.version}版，自评{r.get_self_state_display()}）",
                r.owner_unit.display_name,
                r.created_by.name if r.created_by else "",
                r.text,
                evidence=list(r.evidence.all()),
            )
        )
    consolidations = (
        Consolidation.objects.visible_to(user)
        .filter(task=task)
        .select_related("owner_unit", "created_by", "decided_by")
    )
    for c in consolidations:
        events.append(
            Event(
                c.submitted_at,
                "consolidation",
                f"{c.owner_unit.display_name}报送汇总进展（{c.period_key} 第{c.version}版，自评{c.get_self_state_display()}）",
                c.owner_unit.display_name,
                c.created_by.name if c.created_by else "",
                c.text,
            )
        )
        if c.decided_at is not None:
            accepted = c.state == ReviewState.ACCEPTED
            events.append(
                Event(
                    c.decided_at,
                    "decision",
                    f"审核{'通过' if accepted else '退回'}（{c.period_key} 第{c.version}版）",
                    "",
                    c.decided_by.name if c.decided_by else "",
                    c.comment,
                    css="ok" if accepted else "bad",
                )
            )
    rows = (
        SupervisionRecipient.objects.visible_to(user)
        .filter(notice__task=task)
        .select_related("notice", "notice__created_by", "owner_unit", "replied_by", "decided_by")
    )
    shown: set[int] = set()
    for r in rows:
        n = r.notice
        if n.pk not in shown:
            shown.add(n.pk)
            names = "、".join(x.owner_unit.display_name for x in rows if x.notice_id == n.pk)
            events.append(
                Event(
                    n.issued_at, "notice",
                    f"{n.number} {'再督办' if n.follows_id else '督办'}{names}", names,
                    n.created_by.name if n.created_by else "",
                    f"事由：{n.reason}\n要求：{n.requirement}",
                    f"回复期限 {n.reply_due_on.isoformat()}", css="warn",
                )
            )  # fmt: skip
        if r.replied_at is not None:
            events.append(
                Event(
                    r.replied_at, "reply", f"{r.owner_unit.display_name}回复{n.number}",
                    r.owner_unit.display_name, r.replied_by.name if r.replied_by else "",
                    r.reply_text,
                )
            )  # fmt: skip
        if r.outcome == NoticeOutcome.CLOSED and r.decided_at is not None:
            events.append(
                Event(
                    r.decided_at, "decision", f"办结{n.number}（{r.owner_unit.display_name}）",
                    "", r.decided_by.name if r.decided_by else "", r.decision_comment, css="ok",
                )
            )  # fmt: skip
    units = {str(r.pk): r.owner_unit.display_name for r in reports}
    returns = AuditEvent.objects.filter(
        action="progress_report.return", object_type="plans.progressreport",
        object_id__in=list(units),
    )  # fmt: skip
    for a in returns:
        after = a.after or {}
        title = f"退回{units[a.object_id]}的进展（{after.get('period', '')}）"
        events.append(
            Event(a.at, "decision", title, "", a.actor_name, after.get("comment", ""), css="bad")
        )
    for a in AuditEvent.objects.filter(
        action="task.assign", object_type="plans.task", object_id=str(task.pk)
    ):
        after = a.after or {}
        events.append(
            Event(
                a.at,
                "assign",
                "调整任务分工",
                "",
                a.actor_name,
                f"牵头：{'、'.join(after.get('lead', []))}；责任：{'、'.join(after.get('responsible', [])) or '—'}",
            )
        )
    events.sort(key=lambda e: e.at)
    return events


def notice_page(user: Any, notice: SupervisionNotice, today: date) -> dict[str, Any]:
    """What the 督办单 page shows ``user``: every 主送 unit (the notice names them all) with
    its state, the replies the user may read, what the user may do, the 再督办 that follow."""
    issuer = user.is_superuser or user.unit_id == notice.owner_unit_id
    supervise = user.has_fazhi_perm(Permission.SUPERVISE)
    addressed = list(notice.recipients.select_related("owner_unit", "replied_by").order_by("pk"))
    visible = set(
        SupervisionRecipient.objects.visible_to(user)
        .filter(notice=notice)
        .values_list("pk", flat=True)
    )
    rows = []
    for r in addressed:
        label, css = recipient_state(r, today)
        decidable = (
            issuer and supervise and not r.outcome
            and (r.replied_at is not None or notice.reply_due_on < today)
        )  # fmt: skip
        rows.append({
            "r": r, "state": label, "css": css, "shown": r.pk in visible,
            "can_close": decidable and r.replied_at is not None, "can_reissue": decidable,
        })  # fmt: skip
    mine = next((r for r in addressed if r.owner_unit_id == user.unit_id), None)
    return {
        "rows": rows,
        "units": "、".join(r.owner_unit.name for r in addressed),
        "followups": list(SupervisionNotice.objects.visible_to(user).filter(follows=notice)),
        "can_reply": mine is not None and mine.replied_at is None and not mine.outcome
        and user.has_fazhi_perm(Permission.REPORT),
    }  # fmt: skip


def recipient_state(row: SupervisionRecipient, today: date | None = None) -> tuple[str, str]:
    """(label, css) of one 主送 unit's 督办, derived from its reply, the supervisor's
    decision and the notice's stored reply due date."""
    if row.outcome == NoticeOutcome.CLOSED:
        return "已办结", "ok"
    if row.outcome == NoticeOutcome.REISSUED:
        return "已再督办", "ok"
    if row.replied_at is not None:
        return "已回复待办结", "warn"
    state = deadline_state(row.notice.reply_due_on, today=today or timezone.localdate())
    if state.state == DeadlineState.OVERDUE:
        return "逾期未回复", "bad"
    if state.state == DeadlineState.DUE_SOON:
        return "临期", "warn"
    return "待回复", ""


@dataclass
class ExportRow:
    task: Task
    code: str
    text: str
    lead: str
    responsible: str
    deadline: str
    progress: str
    status: str
    own: bool
    base_id: int | None


def export_rows(user: Any, plan: Plan, period: Period, *, editable: bool = True) -> list[ExportRow]:
    """The ledger rows as they go out to Excel and Word for this user. In an ``editable``
    export (Excel) a row of the user's own unit carries that unit's report for the period,
    the part they may change and bring back."""
    rows = task_rows(user, plan, period=period)
    unit = getattr(user, "unit", None) if editable else None
    own_ids: set[int] = set()
    own_reports: dict[int, ProgressReport] = {}
    if unit is not None:
        lead, resp = _my_task_ids(unit)
        ids = [r.task.pk for r in rows]
        own_ids = set(
            Task.objects.filter(Q(pk__in=lead) | Q(pk__in=resp), pk__in=ids).values_list(
                "pk", flat=True
            )
        )
        own_reports = {
            r.task_id: r
            for r in ProgressReport.objects.filter(
                owner_unit=unit, task_id__in=own_ids, period_key=period.key, is_current=True
            )
        }
    result = []
    for row in rows:
        t = row.task
        own = t.pk in own_ids
        report = own_reports.get(t.pk)
        deadline = t.deadline_text or ("长期坚持" if t.deadline_ongoing else "")
        result.append(
            ExportRow(
                t,
                t.code,
                t.text,
                "、".join(t.lead_names),
                "、".join(t.responsible_names),
                deadline,
                (report.text if report else "") if own else row.progress,
                str(row.status),
                own,
                report.pk if report else None,
            )
        )
    return result
