"""Writes of plans: the import draft (create, correct, discard) and its confirmation into a
plan with its ledger. Each checks permission, runs in one transaction and is audited."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from fazhi.core import audit
from fazhi.core.models import Permission, User
from fazhi.core.services import _require
from fazhi.plans.matching import GROUP, IGNORE, ORG, UnitIndex, resolve_names
from fazhi.plans.models import (
    Chapter,
    Measure,
    Plan,
    PlanDraft,
    SourceFile,
    Target,
    Task,
)
from fazhi.plans.parsing import parse_file
from fazhi.plans.parsing.dates import parse_deadline
from fazhi.plans.parsing.labels import split_units

MAX_NAME = 64
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
    names = list(dict.fromkeys(split_units(raw.replace("，", ",").replace("；", ";"))))
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
    return parse_deadline(raw).to_json()


def plan_draft_set_title(*, actor: User, draft_id: int, title: str) -> PlanDraft:
    title = title.strip()
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
    title = title.strip()
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
    text = " ".join(text.split())
    if not text:
        raise ValidationError("任务内容不能为空")
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
    parts = [" ".join(p.split()) for p in text.replace("\r\n", "\n").split("\n")]
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
    """Create the plan, its chapters, measures, tasks and targets from the draft, at once."""
    _require(actor, Permission.SUPERVISE)
    if actor.unit is None:
        raise ValidationError("您的账号未分配单位，不能导入方案")
    index = UnitIndex.load()
    today = timezone.localdate()
    with transaction.atomic():
        draft = (
            PlanDraft.objects.select_for_update()
            .select_related("source")
            .filter(pk=draft_id, owner=actor)
            .first()
        )
        if draft is None:
            raise PermissionDenied("导入草稿不存在或不属于您")
        data = draft.data
        problems = draft_problems(data)
        if problems:
            raise ValidationError(problems)
        units: dict[str, list[int]] = {}
        for name, entry in data["units"].items():
            key = entry.get("choice") or entry["match"]
            units[name] = [] if key == IGNORE else index.organisation_ids(key)
        plan = Plan.objects.create(
            title=data["title"] or draft.source.name, source=draft.source, sha256=draft.source.sha256,
            owner_unit=actor.unit, created_by=actor,
        )  # fmt: skip
        chapters = {}
        for position, item in enumerate(data["chapters"], start=1):
            chapters[item["number"]] = Chapter.objects.create(
                plan=plan, number=item["number"], title=item["title"][:255], position=position
            )
        measures = {}
        task_count = 0
        for item in data["measures"]:
            measure = Measure.objects.create(
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
                    deadline_date=deadline.get("date"), deadline_recurring=deadline.get("recurring") or "",
                    deadline_ongoing=bool(deadline.get("ongoing")),
                )  # fmt: skip
                task.due_on = task.compute_due_on(today) if deadline else None
                task.save()
                task.lead_units.set(_ids(raw["lead_units"], units))
                task.responsible_units.set(_ids(raw["responsible_units"], units))
                task_count += 1
        for position, raw in enumerate(data["targets"], start=1):
            Target.objects.create(
                plan=plan, measure=measures.get(raw["measure"]) if raw["measure"] else None,
                section=raw.get("section", "")[:64], text=raw["text"], metric=raw["metric"][:255],
                comparator=raw["comparator"], value=Decimal(str(raw["value"])), unit=raw["unit"],
                position=position,
            )  # fmt: skip
        audit.record(
            action="plan.import", actor=actor, obj=plan,
            after={
                "title": plan.title, "file": draft.source.name, "sha256": plan.sha256,
                "chapters": len(chapters), "measures": len(measures), "tasks": task_count,
                "targets": len(data["targets"]),
                "warnings": [w["message"] for w in data["warnings"]],
                "units": {n: (e.get("choice") or e["match"]) for n, e in data["units"].items()},
            },
        )  # fmt: skip
        draft.delete()
    return plan


def _ids(names: list[str], units: dict[str, list[int]]) -> list[int]:
    return list(dict.fromkeys(pk for name in names for pk in units.get(name, [])))


__all__ = [
    "GROUP",
    "IGNORE",
    "ORG",
    "draft_problems",
    "plan_draft_choose_unit",
    "plan_draft_create",
    "plan_draft_discard",
    "plan_draft_merge_task",
    "plan_draft_set_measure_title",
    "plan_draft_set_title",
    "plan_draft_split_task",
    "plan_draft_update_task",
    "plan_import_confirm",
]
