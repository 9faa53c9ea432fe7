"""What the plan parser produces, and its JSON form (the shape of `fazhi plan parse`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass
class Deadline:
    """完成时限 as written, and what it means: a date, a yearly date, or 长期坚持."""

    text: str
    date: date | None = None
    recurring: str | None = None  # "yearly"
    ongoing: bool = False
    month: int | None = None  # for a yearly deadline
    day: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "date": self.date.isoformat() if self.date else None,
            "recurring": self.recurring,
            "ongoing": self.ongoing,
        }


@dataclass
class ParsedTask:
    text: str
    lead_units: list[str] = field(default_factory=list)
    responsible_units: list[str] = field(default_factory=list)
    deadline: Deadline | None = None
    source: str = ""  # the task's own words in the document, labels included

    def to_json(self, *, with_source: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "text": self.text,
            "lead_units": list(self.lead_units),
            "responsible_units": list(self.responsible_units),
            "deadline": self.deadline.to_json() if self.deadline else None,
        }
        if with_source:
            data["source"] = self.source
        return data


@dataclass
class ParsedMeasure:
    number: int
    chapter: str | None
    title: str
    tasks: list[ParsedTask] = field(default_factory=list)

    def to_json(self, *, with_source: bool = False) -> dict[str, Any]:
        return {
            "number": self.number,
            "chapter": self.chapter,
            "title": self.title,
            "tasks": [t.to_json(with_source=with_source) for t in self.tasks],
        }


@dataclass
class ParsedChapter:
    number: str
    title: str

    def to_json(self) -> dict[str, Any]:
        return {"number": self.number, "title": self.title}


@dataclass
class ParsedTarget:
    measure: int | None  # None for targets outside the measures (e.g. 三、组织保障)
    text: str
    metric: str
    comparator: str  # ">=", "<=", "="
    value: int | float
    unit: str
    section: str = ""  # the top-level heading it sits under

    def to_json(self, *, with_source: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "measure": self.measure,
            "text": self.text,
            "metric": self.metric,
            "comparator": self.comparator,
            "value": self.value,
            "unit": self.unit,
        }
        if with_source:
            data["section"] = self.section
        return data


@dataclass
class ParseWarning:
    measure: int | None
    task: int | None  # 1-based within the measure
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"measure": self.measure, "task": self.task, "message": self.message}


@dataclass
class PlanParse:
    title: str
    chapters: list[ParsedChapter] = field(default_factory=list)
    measures: list[ParsedMeasure] = field(default_factory=list)
    targets: list[ParsedTarget] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)

    @property
    def task_count(self) -> int:
        return sum(len(m.tasks) for m in self.measures)

    def to_json(self, *, with_source: bool = False) -> dict[str, Any]:
        """The issue's JSON shape; ``with_source`` adds each task's source text and each
        target's section (kept in import drafts, not printed by the CLI)."""
        return {
            "title": self.title,
            "chapters": [c.to_json() for c in self.chapters],
            "measures": [m.to_json(with_source=with_source) for m in self.measures],
            "targets": [t.to_json(with_source=with_source) for t in self.targets],
            "warnings": [w.to_json() for w in self.warnings],
        }
