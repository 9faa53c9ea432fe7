"""Writes of plans: the import draft (create, correct, discard) and its confirmation into a
plan with its ledger; then the work on it: assignments, reporting settings, progress reports
with evidence, consolidation and decision, 督办, notifications, Excel re-imports.
Each checks permission, runs in one transaction and is audited."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from fazhi.core import audit, dates, notifications, numbering, uploads
from fazhi.core.models import Organisation, Permission, User
from fazhi.core.services import _require
from fazhi.core.text import check_plain, tidy, typed
from fazhi.plans.matching import GROUP, IGNORE, ORG, UnitIndex, resolve_names
from fazhi.plans.models import (
    EVIDENCE_UPLOADS,
    MAX_EVIDENCE_FILES,
    Chapter,
    Consolidation,
    Evidence,
    LedgerImport,
    Measure,
    NoticeOutcome,
    Plan,
    PlanDraft,
    ProgressReport,
    ReportFrequency,
    ReviewState,
    SelfState,
    SourceFile,
    SupervisionNotice,
    SupervisionRecipient,
    Target,
    Task,
)
from fazhi.plans.parsing import parse_file
from fazhi.plans.parsing.dates import next_due, read_deadline
from fazhi.plans.parsing.labels import split_units
from fazhi.plans.periods import Period, parse_period, plan_start
from fazhi.workdays.deadlines import compute_due

MAX_NAME = 64
NOTICE_SERIES = "plans.notice"
MAX_DEADLINE = 64


# --- the draft -------------------------------------------------------------------


def plan_draft_create(*, actor: User, name: str, data: bytes) -> PlanDraft:
    """Parse an uploaded plan into a draft the importer will correct; nothing else is created."""
    _require(actor, Permission.SUPERVISE)
    if actor.unit is None:
        raise ValidationError("您的账号未分配单位，不能导入方案")
    text, parsed = parse_file(name, data)
    if not parsed.measures:
        reasons = "；".join(w.message for w in parsed.warnings) or "没有找到任务措施"
        raise ValidationError(f"未识别出方案结构，无法生成台账：{reasons}")
    payload = parsed.to_json(with_source=True)
    _drop_implausible_deadlines(payload)
    for warning in payload["warnings"]:
        warning["resolved"] = False
    payload["units"] = {}
    _refresh_units(payload, UnitIndex.load())
    sha = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        source = SourceFile.objects.create(
            name=name[:255], size=len(data), sha256=sha, content=data, uploaded_by=actor
        )
        draft = PlanDraft.objects.create(owner=actor, source=source, text=text, data=payload)
        audit.record(
            action="plan_draft.create", actor=actor, obj=draft,
            after={"file": source.name, "sha256": sha, **_counts(payload)},
        )  # fmt: skip
    return draft


def _deadline_problem(value: date) -> str:
    """Why a deadline date cannot be one ("" if it can): before 1949-10-01 or past latest()."""
    try:
        dates.check(value, label="完成时限", latest_why="超出可规划的年限")
    except ValidationError as exc:
        return "；".join(exc.messages)
    return ""


def _drop_implausible_deadlines(data: dict[str, Any]) -> None:
    """A deadline the document dates absurdly (2999年底前) keeps its words but no date."""
    for measure in data["measures"]:
        for n, task in enumerate(measure["tasks"], start=1):
            deadline = task["deadline"]
            if not deadline or not deadline.get("date"):
                continue
            problem = _deadline_problem(date.fromisoformat(deadline["date"]))
            if problem:
                deadline["date"] = None
                data["warnings"].append(
                    {"measure": measure["number"], "task": n,
                     "message": f"第{measure['number']}项措施第{n}条任务：{problem}，未设到期日"}
                )  # fmt: skip


def _counts(data: dict[str, Any]) -> dict[str, int]:
    return {
        "measures": len(data["measures"]),
        "tasks": sum(len(m["tasks"]) for m in data["measures"]),
        "targets": len(data["targets"]),
        "warnings": len(data["warnings"]),
    }


def _refresh_units(data: dict[str, Any], index: UnitIndex) -> None:
    """Keep one entry per unit name in use: its automatic match, suggestions, the user's pick."""
    used = [
        name
        for m in data["measures"]
        for t in m["tasks"]
        for name in [*t["lead_units"], *t["responsible_units"]]
    ]
    units: dict[str, Any] = data.get("units", {})
    fresh = resolve_names([n for n in used if n not in units], index)
    for name, entry in fresh.items():
        units[name] = {**entry, "choice": None}
    data["units"] = {name: units[name] for name in dict.fromkeys(used)}


def _edit(
    *, actor: User, draft_id: int, action: str, change: Callable[[dict[str, Any]], dict[str, Any]]
) -> PlanDraft:
    """Lock the actor's draft, apply ``change`` to its data, save and audit what changed."""
    _require(actor, Permission.SUPERVISE)
    with transaction.atomic():
        draft = PlanDraft.objects.select_for_update().filter(pk=draft_id, owner=actor).first()
        if draft is None:
            raise PermissionDenied("导入草稿不存在或不属于您")
        data = draft.data
        summary = change(data)
        _refresh_units(data, UnitIndex.load())
        draft.data = data
        draft.save(update_fields=["data", "updated_at"])
        audit.record(action=f"plan_draft.{action}", actor=actor, obj=draft, after=summary)
    return draft


def _measure(data: dict[str, Any], number: int) -> dict[str, Any]:
    for measure in data["measures"]:
        if measure["number"] == number:
            return measure  # type: ignore[no-any-return]
    raise ValidationError(f"第{number}项措施不存在")


def _task(data: dict[str, Any], number: int, position: int) -> dict[str, Any]:
    tasks = _measure(data, number)["tasks"]
    if not 1 <= position <= len(tasks):
        raise ValidationError(f"第{number}项措施没有第{position}条任务")
    return tasks[position - 1]  # type: ignore[no-any-return]


def _resolve_warnings(data: dict[str, Any], number: int, position: int | None) -> None:
    for warning in data["warnings"]:
        if warning["measure"] == number and warning["task"] == position:
            warning["resolved"] = True


def _names(raw: str, label: str) -> list[str]:
    names = list(dict.fromkeys(split_units(raw)))
    for name in names:
        if len(name) > MAX_NAME:
            raise ValidationError(f"{label}“{name[:20]}…”过长，请用“、”分隔多个单位")
    return names


def _deadline(raw: str) -> dict[str, Any] | None:
    raw = raw.strip()
    if not raw:
        return None
    if len(raw) > MAX_DEADLINE:
        raise ValidationError("完成时限过长，请填写如“2024年6月底前”“每年3月1日前”“长期坚持”")
    deadline = read_deadline(raw)
    if deadline.date is not None and (problem := _deadline_problem(deadline.date)):
        raise ValidationError(problem)
    return deadline.to_json()


def plan_draft_set_title(*, actor: User, draft_id: int, title: str) -> PlanDraft:
    title = typed(title, "方案标题")
    if not title or len(title) > 255:
        raise ValidationError("方案标题不能为空，且不超过 255 字")

    def change(data: dict[str, Any]) -> dict[str, Any]:
        before = data["title"]
        data["title"] = title
        return {"title": [before, title]}

    return _edit(actor=actor, draft_id=draft_id, action="set_title", change=change)


def plan_draft_set_measure_title(
    *, actor: User, draft_id: int, measure: int, title: str
) -> PlanDraft:
    title = typed(title, "措施标题")
    if not title or len(title) > 255:
        raise ValidationError("措施标题不能为空，且不超过 255 字")

    def change(data: dict[str, Any]) -> dict[str, Any]:
        item = _measure(data, measure)
        before = item["title"]
        item["title"] = title
        _resolve_warnings(data, measure, None)
        return {"measure": measure, "title": [before, title]}

    return _edit(actor=actor, draft_id=draft_id, action="set_measure_title", change=change)


def plan_draft_update_task(
    *,
    actor: User,
    draft_id: int,
    measure: int,
    task: int,
    text: str,
    lead_units: str,
    responsible_units: str,
    deadline: str,
) -> PlanDraft:
    """Correct one task: its words, its units ("、"-separated as written), its deadline."""
    text = " ".join(check_plain(text, "任务内容").split())
    if not text:
        raise ValidationError("任务内容不能为空")
    for raw, label in (
        (lead_units, "牵头单位"),
        (responsible_units, "责任单位"),
        (deadline, "完成时限"),
    ):
        check_plain(raw, label)
    lead = _names(lead_units, "牵头单位")
    responsible = _names(responsible_units, "责任单位")
    parsed_deadline = _deadline(deadline)

    def change(data: dict[str, Any]) -> dict[str, Any]:
        item = _task(data, measure, task)
        before = {k: item[k] for k in ("text", "lead_units", "responsible_units", "deadline")}
        item.update(
            text=text, lead_units=lead, responsible_units=responsible, deadline=parsed_deadline
        )
        _resolve_warnings(data, measure, task)
        after = {k: item[k] for k in before}
        return {"measure": measure, "task": task, "before": before, "after": after}

    return _edit(actor=actor, draft_id=draft_id, action="update_task", change=change)


def plan_draft_split_task(
    *, actor: User, draft_id: int, measure: int, task: int, text: str
) -> PlanDraft:
    """Split a task where the user put a line break: both parts keep the units and deadline."""
    parts = [" ".join(p.split()) for p in tidy(check_plain(text, "任务内容")).split("\n")]
    parts = [p for p in parts if p]
    if len(parts) != 2:
        raise ValidationError("拆分时请在任务内容中需要拆开的位置换一次行（分成两段）")

    def change(data: dict[str, Any]) -> dict[str, Any]:
        tasks = _measure(data, measure)["tasks"]
        item = _task(data, measure, task)
        second = {**item, "text": parts[1], "lead_units": list(item["lead_units"]),
                  "responsible_units": list(item["responsible_units"]), "source": ""}  # fmt: skip
        item["text"] = parts[0]
        tasks.insert(task, second)
        for warning in data["warnings"]:
            if warning["measure"] == measure and (warning["task"] or 0) > task:
                warning["task"] += 1
        _resolve_warnings(data, measure, task)
        return {"measure": measure, "task": task, "parts": parts}

    return _edit(actor=actor, draft_id=draft_id, action="split_task", change=change)


def plan_draft_merge_task(*, actor: User, draft_id: int, measure: int, task: int) -> PlanDraft:
    """Merge a task with the next one in its measure: words joined, units united."""

    def change(data: dict[str, Any]) -> dict[str, Any]:
        tasks = _measure(data, measure)["tasks"]
        if task >= len(tasks):
            raise ValidationError("这是本措施的最后一条任务，没有可合并的下一条")
        first, second = _task(data, measure, task), tasks[task]
        first["text"] = first["text"] + second["text"]
        for key in ("lead_units", "responsible_units"):
            first[key] = list(dict.fromkeys(first[key] + second[key]))
        first["deadline"] = first["deadline"] or second["deadline"]
        first["source"] = first.get("source", "") + second.get("source", "")
        del tasks[task]
        for warning in data["warnings"]:
            if warning["measure"] == measure and (warning["task"] or 0) > task:
                warning["task"] -= 1
        _resolve_warnings(data, measure, task)
        return {"measure": measure, "task": task, "merged": task + 1}

    return _edit(actor=actor, draft_id=draft_id, action="merge_task", change=change)


def plan_draft_choose_unit(*, actor: User, draft_id: int, name: str, choice: str) -> PlanDraft:
    """Map a unit name as written to an organisation ("org:ID"), a group ("group:ID"), or
    to no organisation ("ignore": the name is kept on the tasks as written)."""
    index = UnitIndex.load()
    if choice != IGNORE and choice not in index.candidates:
        raise ValidationError("请选择一个单位或单位组")

    def change(data: dict[str, Any]) -> dict[str, Any]:
        entry = data["units"].get(name)
        if entry is None:
            raise ValidationError(f"方案中没有单位名称“{name}”")
        before = entry.get("choice")
        entry["choice"] = choice
        return {"name": name, "choice": [before, choice]}

    return _edit(actor=actor, draft_id=draft_id, action="choose_unit", change=change)


def plan_draft_discard(*, actor: User, draft_id: int) -> None:
    _require(actor, Permission.SUPERVISE)
    with transaction.atomic():
        draft = PlanDraft.objects.select_for_update().filter(pk=draft_id, owner=actor).first()
        if draft is None:
            raise PermissionDenied("导入草稿不存在或不属于您")
        source = draft.source
        audit.record(
            action="plan_draft.discard", actor=actor, obj=draft, before={"file": source.name}
        )
        draft.delete()
        if not Plan.objects.filter(source=source).exists() and not source.drafts.exists():
            source.delete()


# --- confirmation ----------------------------------------------------------------


def draft_problems(data: dict[str, Any]) -> list[str]:
    """What stops a draft from being confirmed, in words for the importer."""
    problems = []
    for measure in data["measures"]:
        for n, task in enumerate(measure["tasks"], start=1):
            if not task["lead_units"]:
                problems.append(f"第{measure['number']}项措施第{n}条任务没有牵头单位")
    unresolved = [
        name for name, entry in data["units"].items() if not (entry.get("choice") or entry["match"])
    ]
    if unresolved:
        problems.append("以下单位尚未对应到系统中的单位：" + "、".join(unresolved))
    return problems


def plan_import_confirm(*, actor: User, draft_id: int) -> Plan:
    """Create the plan, its chapters, measures, tasks and targets from the draft, at once.

    Everything is worked out before the transaction (units matched, rows built); inside it
    are a fixed number of bulk inserts, so the write lock is held for milliseconds even for
    the largest plan the parser lets through (MAX_TASKS)."""
    _require(actor, Permission.SUPERVISE)
    if actor.unit is None:
        raise ValidationError("您的账号未分配单位，不能导入方案")
    draft = PlanDraft.objects.select_related("source").filter(pk=draft_id, owner=actor).first()
    if draft is None:
        raise PermissionDenied("导入草稿不存在或不属于您")
    data = draft.data
    problems = draft_problems(data)
    if problems:
        raise ValidationError(problems)
    index = UnitIndex.load()
    units: dict[str, list[int]] = {}
    for name, entry in data["units"].items():
        key = entry.get("choice") or entry["match"]
        units[name] = [] if key == IGNORE else index.organisation_ids(key)
    today = timezone.localdate()
    plan = Plan(
        title=data["title"] or draft.source.name, source=draft.source, sha256=draft.source.sha256,
        owner_unit=actor.unit, created_by=actor,
    )  # fmt: skip
    all_chapters = [
        Chapter(plan=plan, number=item["number"], title=item["title"][:255], position=position)
        for position, item in enumerate(data["chapters"], start=1)
    ]
    chapters = {chapter.number: chapter for chapter in all_chapters}
    measures: dict[int, Measure] = {}
    tasks: list[tuple[Task, list[int], list[int]]] = []
    new_tasks: dict[int, int] = {}
    for item in data["measures"]:
        measure = Measure(
            plan=plan, chapter=chapters.get(item["chapter"]), number=item["number"],
            title=item["title"][:255],
        )  # fmt: skip
        measures[item["number"]] = measure
        for position, raw in enumerate(item["tasks"], start=1):
            deadline = raw["deadline"] or {}
            task = Task(
                plan=plan, measure=measure, position=position, text=raw["text"],
                source_text=raw.get("source", ""), lead_names=raw["lead_units"],
                responsible_names=raw["responsible_units"],
                deadline_text=deadline.get("text", "")[:MAX_DEADLINE],
                deadline_date=date.fromisoformat(deadline["date"]) if deadline.get("date") else None,
                deadline_recurring=deadline.get("recurring") or "",
                deadline_ongoing=bool(deadline.get("ongoing")),
            )  # fmt: skip
            task.due_on = task.compute_due_on(today) if deadline else None
            lead = _ids(raw["lead_units"], units)
            responsible = _ids(raw["responsible_units"], units)
            tasks.append((task, lead, responsible))
            for unit_id in {*lead, *responsible}:
                new_tasks[unit_id] = new_tasks.get(unit_id, 0) + 1
    targets = []
    for position, raw in enumerate(data["targets"], start=1):
        target = Target(
            plan=plan, measure=measures.get(raw["measure"]) if raw["measure"] else None,
            section=raw.get("section", "")[:64], text=raw["text"], metric=raw["metric"][:255],
            comparator=raw["comparator"], value=Decimal(str(raw["value"])), unit=raw["unit"],
            position=position,
        )  # fmt: skip
        targets.append(target)
    lead_link, resp_link = Task.lead_units.through, Task.responsible_units.through
    with transaction.atomic():
        # The draft as it was read above: a correction saved meanwhile, or a second click on
        # 确认导入, finds it changed or gone.
        locked = (
            PlanDraft.objects.select_for_update()
            .filter(pk=draft.pk, owner=actor, updated_at=draft.updated_at)
            .first()
        )
        if locked is None:
            raise ValidationError("导入草稿已被修改或已确认导入，请刷新页面后再操作")
        # bulk_create fills in each row's id (RETURNING on PostgreSQL and SQLite), and the
        # rows built on it take the id of their chapter / measure / task when inserted.
        plan.save()
        Chapter.objects.bulk_create(all_chapters)
        Measure.objects.bulk_create(measures.values())
        Task.objects.bulk_create([task for task, _, _ in tasks])
        lead_link.objects.bulk_create(
            [lead_link(task_id=t.pk, organisation_id=u) for t, lead, _ in tasks for u in lead]
        )
        resp_link.objects.bulk_create(
            [resp_link(task_id=t.pk, organisation_id=u) for t, _, resp in tasks for u in resp]
        )
        # Saved one by one (a plan has a handful): post_save is how the indicators module
        # turns each new target into an indicator, and bulk_create sends no signal.
        for target in targets:
            target.save()
        audit.record(
            action="plan.import", actor=actor, obj=plan,
            after={
                "title": plan.title, "file": draft.source.name, "sha256": plan.sha256,
                "chapters": len(all_chapters), "measures": len(measures), "tasks": len(tasks),
                "targets": len(targets),
                "warnings": [w["message"] for w in data["warnings"]],
                "units": {n: (e.get("choice") or e["match"]) for n, e in data["units"].items()},
            },
        )  # fmt: skip
        locked.delete()
        url = reverse("plans:mine")
        for unit_id, count in new_tasks.items():
            notifications.notify_units(
                [unit_id], kind="task",
                text=f"《{plan.title}》已导入，本单位牵头或参与 {count} 项任务", url=url,
            )  # fmt: skip
    return plan


def _ids(names: list[str], units: dict[str, list[int]]) -> list[int]:
    return list(dict.fromkeys(pk for name in names for pk in units.get(name, [])))


# --- the work on the ledger ------------------------------------------------------

REPORT_MAX_CHARS = 5000


def _locked_task(task_id: int) -> Task:
    """The task, locked: reports, consolidations and decisions on one task queue up here, so
    two people submitting at once are served one after the other and the second is told."""
    task = Task.objects.select_for_update().filter(pk=task_id).first()
    if task is None:
        raise ValidationError("任务不存在")
    return task


def _unit_ids(task: Task) -> tuple[set[int], set[int]]:
    lead = set(task.lead_units.values_list("pk", flat=True))
    responsible = set(task.responsible_units.values_list("pk", flat=True))
    return lead, responsible


def _check_unit(actor: User, task_id: int, action: str, *, lead_only: bool) -> None:
    """Refuse (audited, outside the write's transaction so the record stays) a unit acting on
    a task it neither leads nor shares; the write re-checks under its lock."""
    task = Task.objects.filter(pk=task_id).first()
    if task is None:
        raise ValidationError("任务不存在")
    lead, responsible = _unit_ids(task)
    allowed = lead if lead_only else lead | responsible
    if actor.unit_id in allowed:
        return
    message = (
        "只有该任务的牵头单位可以报送汇总进展"
        if lead_only
        else "本单位不是该任务的牵头单位或责任单位，不能填报该任务的进展"
    )
    with transaction.atomic():
        audit.record(action=f"{action}.refused", actor=actor, obj=task, after={"reason": message})
    raise PermissionDenied(message)


def _plan_overseer(actor: User, plan: Plan) -> None:
    """A supervisor acting on a plan must have it in their own scope (not just be assigned)."""
    from fazhi.core.scoping import scope_q

    owned = scope_q(
        actor, unit_path="owner_unit_path", division_path="owner_division_path",
        owner="created_by",
    )  # fmt: skip
    if not Plan.objects.filter(owned, pk=plan.pk).exists():
        raise PermissionDenied("该方案不在您的督查范围内")


def _clean_text(text: str, what: str, limit: int = REPORT_MAX_CHARS) -> str:
    """What the person typed, as typed (``tidy``: punctuation and width kept), not empty."""
    return typed(text, what, limit=limit, required=f"{what}不能为空")


def _self_state(value: str) -> str:
    if value not in SelfState.values:
        raise ValidationError("请选择自评状态：未开始、推进中或已完成")
    return value


def _open_period(plan: Plan, key: str) -> Period:
    """The period named by ``key`` if it may be reported on now: begun, and not before the
    plan's own start (periods.plan_start)."""
    period = parse_period(plan.report_frequency, key)
    today = timezone.localdate()
    if not period.is_open(today):
        raise ValidationError(
            f"报告期“{period.label}”尚未开始（{period.starts_on.isoformat()} 起可填报），不能提前填报"
        )
    start = plan_start(plan)
    dates.check(
        period.starts_on, label=f"报告期{period.label}", earliest=start.day,
        earliest_why=f"{start.why}，不能填报此前的报告期", latest_on=today,
    )  # fmt: skip
    return period


def plan_set_reporting(*, actor: User, plan_id: int, frequency: str, workdays: int) -> Plan:
    """Set how often units report on this plan and how long after a period they have."""
    _require(actor, Permission.SUPERVISE)
    if frequency not in ReportFrequency.values:
        raise ValidationError("报送周期无效：按月、按季度、按半年或按年")
    if not 1 <= workdays <= 30:
        raise ValidationError("报送时限应为 1 至 30 个工作日")
    with transaction.atomic():
        plan: Plan | None = Plan.objects.select_for_update().filter(pk=plan_id).first()
        if plan is None:
            raise ValidationError("方案不存在")
        _plan_overseer(actor, plan)
        before = {"frequency": plan.report_frequency, "workdays": plan.report_workdays}
        plan.report_frequency = frequency
        plan.report_workdays = workdays
        plan.save(update_fields=["report_frequency", "report_workdays"])
        after = {"frequency": frequency, "workdays": workdays}
        audit.record(action="plan.set_reporting", actor=actor, obj=plan, before=before, after=after)
    return plan


def task_assign(
    *, actor: User, task_id: int, lead_unit_ids: list[int], responsible_unit_ids: list[int]
) -> Task:
    """A supervisor changes a task's lead and responsible units; the names shown follow."""
    from fazhi.core.models import Organisation

    _require(actor, Permission.SUPERVISE)
    lead_ids = list(dict.fromkeys(lead_unit_ids))
    resp_ids = [pk for pk in dict.fromkeys(responsible_unit_ids) if pk not in lead_ids]
    if not lead_ids:
        raise ValidationError("每项任务至少要有一个牵头单位")
    units = {o.pk: o for o in Organisation.objects.filter(pk__in=[*lead_ids, *resp_ids])}
    if len(units) != len(lead_ids) + len(resp_ids):
        raise ValidationError("所选单位不存在")
    with transaction.atomic():
        task = _locked_task(task_id)
        _plan_overseer(actor, task.plan)
        before_lead, before_resp = _unit_ids(task)
        before = {"lead": task.lead_names, "responsible": task.responsible_names}
        task.lead_units.set(lead_ids)
        task.responsible_units.set(resp_ids)
        task.lead_names = [units[pk].display_name for pk in lead_ids]
        task.responsible_names = [units[pk].display_name for pk in resp_ids]
        task.save(update_fields=["lead_names", "responsible_names"])
        after = {"lead": task.lead_names, "responsible": task.responsible_names}
        audit.record(action="task.assign", actor=actor, obj=task, before=before, after=after)
        added = {*lead_ids, *resp_ids} - before_lead - before_resp
        notifications.notify_units(
            sorted(added), kind="task", url=reverse("plans:task", args=[task.pk]),
            text=f"新任务：{task.code} {task.text[:40]}（《{task.plan.title}》）",
        )  # fmt: skip
    return task


def progress_report_submit(
    *,
    actor: User,
    task_id: int,
    period_key: str,
    text: str,
    self_state: str,
    files: list[tuple[str, bytes]] = (),  # type: ignore[assignment]
    base_id: int | None = None,
    remove_evidence: list[int] = (),  # type: ignore[assignment]
) -> ProgressReport:
    """A unit reports on its task for a period (or corrects its report: a new version).

    ``base_id`` is the report the person was looking at: if someone else has submitted in
    the meantime, the second submission is refused with a message instead of overwriting.
    A new version keeps the evidence of the one it corrects, except the files named in
    ``remove_evidence``; kept and new files together are at most MAX_EVIDENCE_FILES."""
    _require(actor, Permission.REPORT)
    text = _clean_text(text, "进展情况")
    self_state = _self_state(self_state)
    checked = uploads.check_all(EVIDENCE_UPLOADS, files)
    unit = actor.unit
    _check_unit(actor, task_id, "progress_report", lead_only=False)
    with transaction.atomic():
        task = _locked_task(task_id)
        lead, responsible = _unit_ids(task)
        if unit is None or unit.pk not in lead | responsible:
            raise PermissionDenied("本单位不是该任务的牵头单位或责任单位，不能填报该任务的进展")
        period = _open_period(task.plan, period_key)
        current = (
            ProgressReport.objects.filter(
                task=task, owner_unit=unit, period_key=period.key, is_current=True
            )
            .select_related("created_by")
            .first()
        )
        if current is not None and current.pk != base_id:
            who = current.created_by.name if current.created_by else "他人"
            raise ValidationError(
                f"本期进展已由{who}于 {timezone.localtime(current.submitted_at):%Y-%m-%d %H:%M} "
                f"提交（第{current.version}版），您的内容未保存。请刷新页面，在最新版本上修改。"
            )
        if base_id is not None and current is None:
            raise ValidationError("您修改的进展版本已不存在，请刷新页面后重新填报")
        if current is not None and current.state == ReviewState.ACCEPTED:
            raise ValidationError(f"{period.label}的进展已审核通过，不能再修改")
        previous = (
            list(current.evidence.select_related("file").defer("file__content").order_by("pk"))
            if current
            else []
        )
        removed = [e for e in previous if e.pk in set(remove_evidence)]
        if len(removed) != len(set(remove_evidence)):
            raise ValidationError("要移除的佐证材料不属于当前版本，请刷新页面后重新填报")
        carried = [e for e in previous if e not in removed]
        if len(carried) + len(checked) > MAX_EVIDENCE_FILES:
            raise ValidationError(
                f"每份进展最多 {MAX_EVIDENCE_FILES} 个佐证材料（沿用上一版 {len(carried)} 个，"
                f"新上传 {len(checked)} 个），请移除部分后再报送"
            )
        if current is not None:
            current.is_current = False
            current.save(update_fields=["is_current"])
        try:
            with transaction.atomic():
                report: ProgressReport = ProgressReport.objects.create(
                    task=task, owner_unit=unit, created_by=actor, period_key=period.key,
                    period_start=period.starts_on, text=text, self_state=self_state,
                    version=current.version + 1 if current else 1,
                )  # fmt: skip
        except IntegrityError as exc:
            # Only reachable if the row lock were bypassed; the constraint is the last word.
            raise ValidationError("本期进展刚刚已由他人提交，您的内容未保存，请刷新页面") from exc
        _carry_evidence(report, [e.pk for e in carried])
        for item in checked:
            stored = uploads.file_store(
                data=item.data, kind=item.kind, content_type=item.content_type
            )
            Evidence.objects.create(report=report, name=item.name, file=stored)
        task.reported_at = timezone.now()
        task.save(update_fields=["reported_at"])
        audit.record(
            action="progress_report.submit", actor=actor, obj=report,
            before={"version": current.version, "text": current.text} if current else None,
            after={
                "task": task.code, "period": period.key, "version": report.version,
                "self_state": self_state, "text": text,
                "evidence": [{"name": c.name, "sha256": c.sha256} for c in checked],
                "carried": [{"name": e.name, "sha256": e.file.sha256} for e in carried],
                "removed": [{"name": e.name, "sha256": e.file.sha256} for e in removed],
            },
        )  # fmt: skip
        # The lead unit consolidates its units' reports: it hears of each one (and of each
        # correction), whoever of its responsible units sent it.
        corrected = current is not None and current.state == ReviewState.RETURNED
        what = "已修改退回的进展" if corrected else ("更新了进展" if current else "报送了进展")
        notifications.notify_units(
            sorted(lead - {unit.pk}), kind="report", url=reverse("plans:task", args=[task.pk]),
            text=f"{unit.display_name}{what}：{task.code}（{period.label}），请汇总",
        )  # fmt: skip
    return report


def _carry_evidence(report: ProgressReport, evidence_ids: list[int]) -> None:
    """Copy the named evidence rows onto ``report`` in the database itself (INSERT … SELECT):
    an evidence row belongs to one report version and keeps its upload time; the copies
    point at the same stored files."""
    if not evidence_ids:
        return
    quote = connection.ops.quote_name

    def column(name: str) -> str:
        return quote(Evidence._meta.get_field(name).column or "")  # type: ignore[union-attr]

    columns = ", ".join(column(name) for name in ("name", "file", "uploaded_at"))
    table, pk = quote(Evidence._meta.db_table), column("id")
    marks = ", ".join(["%s"] * len(evidence_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({column('report')}, {columns}) "  # noqa: S608 (names from the model)
            f"SELECT %s, {columns} FROM {table} WHERE {pk} IN ({marks}) ORDER BY {pk}",
            [report.pk, *evidence_ids],
        )


def consolidation_submit(
    *,
    actor: User,
    task_id: int,
    period_key: str,
    text: str,
    self_state: str,
    base_id: int | None = None,
) -> Consolidation:
    """The lead unit submits its consolidated report for a period, over its units' reports."""
    _require(actor, Permission.REPORT)
    text = _clean_text(text, "汇总进展")
    self_state = _self_state(self_state)
    unit = actor.unit
    _check_unit(actor, task_id, "consolidation", lead_only=True)
    with transaction.atomic():
        task = _locked_task(task_id)
        lead, _ = _unit_ids(task)
        if unit is None or unit.pk not in lead:
            raise PermissionDenied("只有该任务的牵头单位可以报送汇总进展")
        period = _open_period(task.plan, period_key)
        current = Consolidation.objects.filter(
            task=task, period_key=period.key, is_current=True
        ).first()
        if current is not None and current.pk != base_id:
            if current.state == ReviewState.ACCEPTED:
                raise ValidationError(f"{period.label}的汇总进展已审核通过，不能再修改")
            raise ValidationError(
                f"{period.label}的汇总进展已于 "
                f"{timezone.localtime(current.submitted_at):%Y-%m-%d %H:%M} 报送（第{current.version}版），"
                f"您的内容未保存。请刷新页面后再操作。"
            )
        if current is not None and current.state == ReviewState.SUBMITTED:
            raise ValidationError("汇总进展正在等待审核，审核前不能重复报送")
        if current is not None and current.state == ReviewState.ACCEPTED:
            raise ValidationError(f"{period.label}的汇总进展已审核通过，不能再修改")
        reports = list(
            ProgressReport.objects.filter(
                task=task, period_key=period.key, is_current=True
            ).select_related("owner_unit")
        )
        pending = [r.owner_unit.display_name for r in reports if r.state == ReviewState.RETURNED]
        if pending:
            raise ValidationError(
                "以下单位被退回的进展尚未修改，请督促其修改后再汇总：" + "、".join(pending)
            )
        if current is not None:
            current.is_current = False
            current.save(update_fields=["is_current"])
        consolidation: Consolidation = Consolidation.objects.create(
            task=task, owner_unit=unit, created_by=actor, period_key=period.key,
            period_start=period.starts_on, text=text, self_state=self_state,
            version=current.version + 1 if current else 1,
        )  # fmt: skip
        consolidation.reports.set(reports)
        task.current_consolidation = consolidation
        task.reported_at = timezone.now()
        task.save(update_fields=["current_consolidation", "reported_at"])
        audit.record(
            action="consolidation.submit", actor=actor, obj=consolidation,
            after={
                "task": task.code, "period": period.key, "version": consolidation.version,
                "self_state": self_state, "text": text, "reports": [r.pk for r in reports],
            },
        )  # fmt: skip
        _notify_supervisors(
            task.plan, kind="report", url=reverse("plans:task", args=[task.pk]),
            text=f"{unit.display_name}报送了汇总进展：{task.code}（{period.label}），请审核",
        )  # fmt: skip
    return consolidation


def consolidation_decide(
    *, actor: User, consolidation_id: int, accept: bool, comment: str = ""
) -> Consolidation:
    """The supervisor accepts the consolidated report (and with it the units' reports it was
    built on), or returns it with comments to the lead unit that wrote it. A return goes to
    whom it is addressed: the units' own reports are not touched, they are not notified, and
    the lead unit may consolidate again at once. One unit's report is sent back with
    ``progress_report_return``."""
    _require(actor, Permission.SUPERVISE)
    comment = typed(comment, "审核意见", limit=REPORT_MAX_CHARS)
    if not accept and not comment:
        raise ValidationError("退回时请填写退回意见，说明需要修改的内容")
    with transaction.atomic():
        first = Consolidation.objects.filter(pk=consolidation_id).first()
        if first is None:
            raise ValidationError("汇总报告不存在")
        task = _locked_task(first.task_id)
        _plan_overseer(actor, task.plan)
        consolidation: Consolidation = Consolidation.objects.select_for_update().get(
            pk=consolidation_id
        )
        if not consolidation.is_current or consolidation.state != ReviewState.SUBMITTED:
            who = consolidation.decided_by.name if consolidation.decided_by else "他人"
            raise ValidationError(
                f"该汇总报告已由{who}处理（{consolidation.get_state_display()}），无需重复审核"
            )
        today = timezone.localdate()
        consolidation.state = ReviewState.ACCEPTED if accept else ReviewState.RETURNED
        consolidation.decided_by = actor
        consolidation.decided_at = timezone.now()
        consolidation.comment = comment
        consolidation.save(update_fields=["state", "decided_by", "decided_at", "comment"])
        reports = (
            list(consolidation.reports.filter(is_current=True, state=ReviewState.SUBMITTED))
            if accept
            else []
        )
        for report in reports:
            report.state = ReviewState.ACCEPTED
            report.save(update_fields=["state"])
        before_due = task.due_on
        if accept and consolidation.self_state == SelfState.COMPLETED:
            task.completed_on = today
            if task.deadline_recurring and task.due_on is not None:
                deadline = read_deadline(task.deadline_text)
                task.due_on = next_due(deadline, max(task.due_on, today) + timedelta(days=1))
            task.save(update_fields=["completed_on", "due_on"])
        audit.record(
            action="consolidation.accept" if accept else "consolidation.return",
            actor=actor, obj=consolidation,
            before={"state": ReviewState.SUBMITTED, "due_on": before_due},
            after={
                "state": consolidation.state, "comment": comment, "task": task.code,
                "due_on": task.due_on, "completed_on": task.completed_on,
                "reports": [r.pk for r in reports],
            },
        )  # fmt: skip
        url = reverse("plans:task", args=[task.pk])
        if accept:
            text = f"汇总进展已审核通过：{task.code}（{consolidation.period_key}）"
            notifications.notify_units(
                sorted(_unit_ids(task)[0]), kind="accept", text=text, url=url
            )
        else:
            text = (
                f"汇总进展被退回待改：{task.code}（{consolidation.period_key}），"
                f"意见：{comment[:80]}"
            )
            notifications.notify_units(
                [consolidation.owner_unit_id], kind="return", text=text, url=url
            )
    return consolidation


def progress_report_return(*, actor: User, report_id: int, comment: str) -> ProgressReport:
    """Send one unit's report back to that unit (and to it alone) with comments: by the
    task's lead unit, which consolidates the reports, or by the plan's supervisor. The unit
    corrects it as a new version; until then the lead unit cannot consolidate."""
    comment = _clean_text(comment, "退回意见")
    first = ProgressReport.objects.filter(pk=report_id).select_related("task").first()
    if first is None:
        raise ValidationError("进展报告不存在")
    as_lead = actor.has_fazhi_perm(Permission.REPORT) and actor.unit_id in _unit_ids(first.task)[0]
    if not as_lead:
        _require(actor, Permission.SUPERVISE)
    with transaction.atomic():
        task = _locked_task(first.task_id)
        if as_lead and actor.unit_id not in _unit_ids(task)[0]:
            raise PermissionDenied("本单位已不是该任务的牵头单位")
        if not as_lead:
            _plan_overseer(actor, task.plan)
        report: ProgressReport = (
            ProgressReport.objects.select_for_update()
            .select_related("owner_unit")
            .get(pk=report_id)
        )
        if as_lead and report.owner_unit_id == actor.unit_id:
            raise ValidationError("不能退回本单位自己的进展，请直接修改后重新报送")
        if not report.is_current:
            raise ValidationError("该进展已有新版本，请刷新页面后再操作")
        if report.state != ReviewState.SUBMITTED:
            raise ValidationError(f"该进展{report.get_state_display()}，不能再退回")
        consolidation = Consolidation.objects.filter(
            task=task, period_key=report.period_key, is_current=True
        ).first()
        if consolidation is not None and consolidation.state == ReviewState.SUBMITTED:
            raise ValidationError("汇总进展正在等待审核，审核前不能退回单位进展")
        report.state = ReviewState.RETURNED
        report.return_comment = comment
        report.save(update_fields=["state", "return_comment"])
        audit.record(
            action="progress_report.return", actor=actor, obj=report,
            before={"state": ReviewState.SUBMITTED},
            after={
                "state": report.state, "comment": comment, "task": task.code,
                "unit": report.owner_unit.display_name, "period": report.period_key,
            },
        )  # fmt: skip
        notifications.notify_units(
            [report.owner_unit_id], kind="return", url=reverse("plans:task", args=[task.pk]),
            text=f"本单位进展被退回待改：{task.code}（{report.period_key}），意见：{comment[:80]}",
        )  # fmt: skip
    return report


def _notice_reply_due(issued_on: date, reply_workdays: int) -> date:
    if isinstance(reply_workdays, bool) or not 1 <= reply_workdays <= 60:
        raise ValidationError("回复时限应为 1 至 60 个工作日")
    return compute_due(start=issued_on, amount=reply_workdays, unit="workday", explain=False).due


def _notice_create(
    *,
    actor: User,
    task: Task,
    units: list[Organisation],
    reason: str,
    requirement: str,
    reply_workdays: int,
    follows: SupervisionNotice | None = None,
) -> SupervisionNotice:
    """A numbered 督办单 of the actor's unit to ``units``, inside the caller's transaction."""
    if actor.unit is None:
        raise ValidationError("您的账号未分配单位，不能签发督办单")
    today = timezone.localdate()
    due = _notice_reply_due(today, reply_workdays)
    seq, number = numbering.number_take(unit=actor.unit, series=NOTICE_SERIES, year=today.year)
    notice: SupervisionNotice = SupervisionNotice.objects.create(
        task=task, owner_unit=actor.unit, created_by=actor, number=number, year=today.year,
        seq=seq, follows=follows, reason=reason, requirement=requirement,
        reply_workdays=reply_workdays, issued_on=today, reply_due_on=due,
    )  # fmt: skip
    for unit in units:
        SupervisionRecipient.objects.create(notice=notice, owner_unit=unit, created_by=actor)
    audit.record(
        action="supervision.reissue" if follows else "supervision.issue", actor=actor,
        obj=notice,
        after={
            "number": number, "task": task.code, "units": [u.display_name for u in units],
            "reason": reason, "requirement": requirement, "reply_workdays": reply_workdays,
            "reply_due_on": due, **({"follows": follows.number} if follows else {}),
        },
    )  # fmt: skip
    word = "再督办" if follows else "督办"
    notifications.notify_units(
        [u.pk for u in units], kind="supervise", url=reverse("plans:notice", args=[notice.pk]),
        text=f"{number}（{word}）：{task.code} {reason[:40]}，请于 {due.isoformat()} 前回复",
    )  # fmt: skip
    return notice


def supervision_issue(
    *,
    actor: User,
    task_id: int,
    unit_ids: list[int],
    reason: str,
    requirement: str,
    reply_workdays: int,
) -> SupervisionNotice:
    """One numbered 督办单 (series plans.notice of the actor's unit) to one or more units of a
    task; each replies within ``reply_workdays`` working days."""
    _require(actor, Permission.SUPERVISE)
    reason = _clean_text(reason, "督办事由", 1000)
    requirement = _clean_text(requirement, "督办要求", 1000)
    wanted = list(dict.fromkeys(unit_ids))
    if not wanted:
        raise ValidationError("请选择至少一个被督办单位（主送单位）")
    with transaction.atomic():
        task = _locked_task(task_id)
        _plan_overseer(actor, task.plan)
        lead, responsible = _unit_ids(task)
        if not set(wanted) <= lead | responsible:
            raise ValidationError("只能向该任务的牵头单位或责任单位督办")
        found = {u.pk: u for u in Organisation.objects.filter(pk__in=wanted)}
        return _notice_create(
            actor=actor, task=task, units=[found[pk] for pk in wanted], reason=reason,
            requirement=requirement, reply_workdays=reply_workdays,
        )  # fmt: skip


def _locked_recipient(notice_id: int, unit_id: int | None) -> SupervisionRecipient:
    row: SupervisionRecipient | None = (
        SupervisionRecipient.objects.select_for_update(of=("self",))
        .select_related("notice", "notice__task", "notice__task__plan", "owner_unit")
        .filter(notice_id=notice_id, owner_unit_id=unit_id)
        .first()
    )
    if row is None:
        raise ValidationError("督办单不存在，或该单位不是此督办单的主送单位")
    return row


def supervision_reply(*, actor: User, notice_id: int, text: str) -> SupervisionRecipient:
    """A 主送 unit replies to its 督办单 (once); the other units reply separately."""
    _require(actor, Permission.REPORT)
    text = _clean_text(text, "回复内容")
    with transaction.atomic():
        if not SupervisionNotice.objects.filter(pk=notice_id).exists():
            raise ValidationError("督办单不存在")
        if not SupervisionRecipient.objects.filter(
            notice_id=notice_id, owner_unit_id=actor.unit_id
        ).exists():
            raise PermissionDenied("只有被督办单位可以回复督办单")
        row = _locked_recipient(notice_id, actor.unit_id)
        if row.replied_at is not None:
            raise ValidationError("本单位已回复该督办单，不能重复回复")
        if row.outcome:
            raise ValidationError(f"该督办单已{row.get_outcome_display()}，不能再回复")
        row.reply_text = text
        row.replied_by = actor
        row.replied_at = timezone.now()
        row.save(update_fields=["reply_text", "replied_by", "replied_at"])
        notice = row.notice
        audit.record(
            action="supervision.reply", actor=actor, obj=notice,
            after={"unit": row.owner_unit.display_name, "text": text},
        )  # fmt: skip
        if notice.created_by is not None:
            notifications.notify_users(
                [notice.created_by], kind="reply", url=reverse("plans:notice", args=[notice.pk]),
                text=f"{row.owner_unit.display_name}已回复{notice.number}",
            )  # fmt: skip
    return row


def _decision_target(actor: User, notice_id: int, unit_id: int) -> SupervisionRecipient:
    _require(actor, Permission.SUPERVISE)
    row = _locked_recipient(notice_id, unit_id)
    notice = row.notice
    _plan_overseer(actor, notice.task.plan)
    if not actor.is_superuser and actor.unit_id != notice.owner_unit_id:
        raise PermissionDenied("只有签发督办单的单位可以办结或再督办")
    if row.outcome:
        raise ValidationError(
            f"{row.owner_unit.display_name}的督办已{row.get_outcome_display()}，不能重复处理"
        )
    return row


def supervision_close(
    *, actor: User, notice_id: int, unit_id: int, comment: str = ""
) -> SupervisionRecipient:
    """办结: the supervisor accepts a unit's reply; that unit's 督办 ends."""
    comment = typed(comment, "办结意见", limit=1000)
    with transaction.atomic():
        row = _decision_target(actor, notice_id, unit_id)
        if row.replied_at is None:
            raise ValidationError(f"{row.owner_unit.display_name}尚未回复，回复后才能办结")
        row.outcome = NoticeOutcome.CLOSED
        row.decided_by, row.decided_at, row.decision_comment = actor, timezone.now(), comment
        row.save(update_fields=["outcome", "decided_by", "decided_at", "decision_comment"])
        audit.record(
            action="supervision.close", actor=actor, obj=row.notice,
            after={"unit": row.owner_unit.display_name, "outcome": row.outcome,
                   "comment": comment},
        )  # fmt: skip
        notifications.notify_units(
            [row.owner_unit_id], kind="reply",
            url=reverse("plans:notice", args=[row.notice_id]),
            text=f"{row.notice.number}已办结",
        )  # fmt: skip
    return row


def supervision_reissue(
    *,
    actor: User,
    notice_id: int,
    unit_id: int,
    reason: str,
    requirement: str,
    reply_workdays: int,
) -> SupervisionNotice:
    """再督办: after a unit's reply (or once its reply is overdue) the supervisor chases it
    again with a new numbered notice that follows the first, with a new reply period."""
    reason = _clean_text(reason, "督办事由", 1000)
    requirement = _clean_text(requirement, "督办要求", 1000)
    with transaction.atomic():
        row = _decision_target(actor, notice_id, unit_id)
        notice = row.notice
        if row.replied_at is None and notice.reply_due_on >= timezone.localdate():
            raise ValidationError(
                f"{row.owner_unit.display_name}尚未回复且未逾期，回复后或逾期后才能再督办"
            )
        followup = _notice_create(
            actor=actor, task=notice.task, units=[row.owner_unit], reason=reason,
            requirement=requirement, reply_workdays=reply_workdays, follows=notice,
        )  # fmt: skip
        row.outcome = NoticeOutcome.REISSUED
        row.decided_by, row.decided_at, row.followup = actor, timezone.now(), followup
        row.save(update_fields=["outcome", "decided_by", "decided_at", "followup"])
    return followup


def recompute_notice_due_dates(first_day: date, last_day: date) -> int:
    """督办单 some unit has not replied to, whose reply period spans changed calendar days,
    get their due date again."""
    from fazhi.workdays.index import current_calendar

    cal = current_calendar()
    changed = 0
    with transaction.atomic():
        waiting = SupervisionRecipient.objects.filter(replied_at__isnull=True, outcome="")
        notices = SupervisionNotice.objects.select_for_update().filter(
            pk__in=waiting.values("notice_id"), issued_on__lte=last_day,
            reply_due_on__gte=first_day,
        )  # fmt: skip
        for notice in notices:
            due = compute_due(
                start=notice.issued_on, amount=notice.reply_workdays, unit="workday",
                calendar=cal, explain=False,
            ).due  # fmt: skip
            if due != notice.reply_due_on:
                before = notice.reply_due_on
                notice.reply_due_on = due
                notice.save(update_fields=["reply_due_on"])
                audit.record(
                    action="supervision.recompute_due", obj=notice,
                    before={"reply_due_on": before}, after={"reply_due_on": due},
                )  # fmt: skip
                changed += 1
    return changed


# --- notifications ------------------------------------------------------------------


def _notify_supervisors(plan: Plan, *, kind: str, text: str, url: str = "") -> int:
    """Notify the plan's importer and the supervisors of the unit owning it."""
    users = User.objects.filter(unit_id=plan.owner_unit_id, is_active=True).prefetch_related(
        "roles"
    )
    chosen = {u.pk: u for u in users if u.has_fazhi_perm(Permission.SUPERVISE)}
    if plan.created_by is not None and plan.created_by.is_active:
        chosen.setdefault(plan.created_by.pk, plan.created_by)
    return notifications.notify_users(chosen.values(), kind=kind, text=text, url=url)


def reminders_send(*, today: date | None = None) -> int:
    """Approaching deadlines (临期): tasks not done and 督办单 not replied, each reminded once
    per due date. Run daily by the timer (`fazhi plan remind`)."""
    from fazhi.plans.status import is_done
    from fazhi.workdays.deadlines import DeadlineState, deadline_state
    from fazhi.workdays.index import current_calendar

    today = today or timezone.localdate()
    cal = current_calendar()
    horizon = today + timedelta(days=31)
    sent = 0
    with transaction.atomic():
        tasks = Task.objects.filter(due_on__gte=today, due_on__lte=horizon).select_related("plan")
        for task in tasks:
            assert task.due_on is not None
            if is_done(task, today):
                continue
            if deadline_state(task.due_on, today=today, calendar=cal).state != (
                DeadlineState.DUE_SOON
            ):
                continue
            lead, responsible = _unit_ids(task)
            sent += notifications.notify_units(
                sorted(lead | responsible), kind="due", url=reverse("plans:task", args=[task.pk]),
                text=f"任务临期：{task.code} {task.text[:30]}，{task.due_on.isoformat()} 到期",
                key=f"task-due:{task.pk}:{task.due_on.isoformat()}",
            )  # fmt: skip
        waiting = SupervisionRecipient.objects.filter(
            replied_at__isnull=True, outcome="", notice__reply_due_on__gte=today,
            notice__reply_due_on__lte=horizon,
        ).select_related("notice")  # fmt: skip
        for row in waiting:
            notice = row.notice
            if deadline_state(notice.reply_due_on, today=today, calendar=cal).state != (
                DeadlineState.DUE_SOON
            ):
                continue
            sent += notifications.notify_units(
                [row.owner_unit_id], kind="due",
                url=reverse("plans:notice", args=[notice.pk]),
                text=f"{notice.number}将于 {notice.reply_due_on.isoformat()} 到期，请及时回复",
                key=f"notice-due:{notice.pk}:{notice.reply_due_on.isoformat()}",
            )  # fmt: skip
        audit.record(action="plans.reminders", actor_name="系统", after={"sent": sent})
    return sent


# --- Excel round trip -------------------------------------------------------------


def ledger_import_prepare(*, actor: User, plan_id: int, name: str, data: bytes) -> LedgerImport:
    """Read a returned ledger, compare it with the ledger today, keep the changes and the
    refused rows for the importer to look at; nothing is applied yet."""
    from fazhi.plans import excel, selectors

    _require(actor, Permission.REPORT)
    plan = Plan.objects.visible_to(actor).filter(pk=plan_id).first()
    if plan is None:
        raise ValidationError("方案不存在或无权查看")
    sheet = excel.read_ledger(data, plan)
    period = parse_period(plan.report_frequency, sheet.period_key)
    rows = selectors.export_rows(actor, plan, period)
    changes, refused = excel.compare(actor, plan, period, rows, sheet)
    with transaction.atomic():
        LedgerImport.objects.filter(owner=actor, plan=plan).delete()
        item = LedgerImport.objects.create(
            owner=actor, plan=plan, period_key=period.key, name=name[:255],
            sha256=hashlib.sha256(data).hexdigest(), changes=changes, refused=refused,
        )  # fmt: skip
        audit.record(
            action="ledger_import.prepare", actor=actor, obj=item,
            after={"file": name, "changes": len(changes), "refused": len(refused)},
        )  # fmt: skip
    return item


def ledger_import_confirm(*, actor: User, import_id: int) -> int:
    """Apply a previewed import: every change as the unit's report, all or nothing."""
    with transaction.atomic():
        item = LedgerImport.objects.select_for_update().filter(pk=import_id, owner=actor).first()
        if item is None:
            raise ValidationError("该导入不存在或已处理")
        if not item.changes:
            raise ValidationError("没有需要更新的内容")
        for change in item.changes:
            try:
                progress_report_submit(
                    actor=actor, task_id=change["task_id"], period_key=item.period_key,
                    text=change["text"], self_state=change["self_state"],
                    base_id=change["base_id"],
                )  # fmt: skip
            except ValidationError as exc:
                raise ValidationError(
                    f"第{change['code']}项：{'；'.join(exc.messages)}（自预览以来台账已变化，"
                    "请重新导出后再导入），全部未更新"
                ) from exc
        count = len(item.changes)
        audit.record(
            action="ledger_import.confirm", actor=actor, obj=item, after={"applied": count}
        )
        item.delete()
    return count


def ledger_import_discard(*, actor: User, import_id: int) -> None:
    with transaction.atomic():
        item = LedgerImport.objects.filter(pk=import_id, owner=actor).first()
        if item is None:
            return
        audit.record(action="ledger_import.discard", actor=actor, obj=item)
        item.delete()


__all__ = [
    "GROUP",
    "IGNORE",
    "ORG",
    "consolidation_decide",
    "consolidation_submit",
    "draft_problems",
    "ledger_import_confirm",
    "ledger_import_discard",
    "ledger_import_prepare",
    "plan_draft_choose_unit",
    "plan_draft_create",
    "plan_draft_discard",
    "plan_draft_merge_task",
    "plan_draft_set_measure_title",
    "plan_draft_set_title",
    "plan_draft_split_task",
    "plan_draft_update_task",
    "plan_import_confirm",
    "plan_set_reporting",
    "progress_report_return",
    "progress_report_submit",
    "recompute_notice_due_dates",
    "reminders_send",
    "supervision_close",
    "supervision_issue",
    "supervision_reissue",
    "supervision_reply",
    "task_assign",
]
