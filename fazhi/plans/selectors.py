"""Reads of plans, every one already scoped to the user."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from fazhi.plans.matching import IGNORE, UnitIndex
from fazhi.plans.models import Chapter, Measure, Plan, PlanDraft, Target, Task


def plans_for(user: Any) -> QuerySet[Plan]:
    plans: QuerySet[Plan] = Plan.objects.visible_to(user)
    return plans.select_related("owner_unit", "created_by").annotate(
        task_total=Count("tasks", distinct=True)
    )


def plan_for(user: Any, pk: int) -> Plan:
    """The plan if the user may see it; 404 otherwise (also for plans of another county)."""
    plans: QuerySet[Plan] = Plan.objects.visible_to(user)
    plan: Plan = get_object_or_404(plans.select_related("owner_unit", "source"), pk=pk)
    return plan


@dataclass
class MeasureRows:
    measure: Measure
    tasks: list[Task]
    targets: list[Target]


@dataclass
class ChapterRows:
    chapter: Chapter | None
    measures: list[MeasureRows] = field(default_factory=list)


@dataclass
class Ledger:
    plan: Plan
    chapters: list[ChapterRows]
    other_targets: list[Target]
    task_count: int
    sees_all: bool


def ledger_for(user: Any, plan: Plan) -> Ledger:
    """Chapters → measures → the tasks of ``plan`` this user may see, with units and targets."""
    tasks = list(
        Task.objects.visible_to(user)
        .filter(plan=plan)
        .prefetch_related(Prefetch("lead_units"), Prefetch("responsible_units"))
        .order_by("measure__number", "position")
    )
    total = Task.objects.filter(plan=plan).count()
    by_measure: dict[int, list[Task]] = {}
    for task in tasks:
        by_measure.setdefault(task.measure_id, []).append(task)
    targets = list(Target.objects.filter(plan=plan).order_by("position"))
    targets_by_measure: dict[int | None, list[Target]] = {}
    for target in targets:
        targets_by_measure.setdefault(target.measure_id, []).append(target)
    chapters: list[ChapterRows] = []
    current: ChapterRows | None = None
    for measure in Measure.objects.filter(plan=plan, pk__in=by_measure).select_related("chapter"):
        if current is None or current.chapter != measure.chapter:
            current = ChapterRows(measure.chapter)
            chapters.append(current)
        current.measures.append(
            MeasureRows(measure, by_measure[measure.pk], targets_by_measure.get(measure.pk, []))
        )
    sees_all = len(tasks) == total
    return Ledger(
        plan=plan,
        chapters=chapters,
        other_targets=targets_by_measure.get(None, []) if sees_all else [],
        task_count=len(tasks),
        sees_all=sees_all,
    )


def drafts_for(user: Any) -> QuerySet[PlanDraft]:
    return PlanDraft.objects.visible_to(user).select_related("source")


def draft_for(user: Any, pk: int) -> PlanDraft:
    return get_object_or_404(drafts_for(user), pk=pk)


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
