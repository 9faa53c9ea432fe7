"""The plan parser: a document (.txt/.md/.docx) in, chapters, measures, tasks, targets and
warnings out. ``parse_text`` for text, ``parse_file`` for an uploaded file's bytes."""

from __future__ import annotations

from fazhi.core.text import normalise
from fazhi.plans.parsing.reader import read_plan_file
from fazhi.plans.parsing.result import PlanParse
from fazhi.plans.parsing.structure import parse_structure


def parse_text(text: str) -> PlanParse:
    return parse_structure(normalise(text))


def parse_file(name: str, data: bytes) -> tuple[str, PlanParse]:
    """(normalised text, parse); raises ValidationError for files it cannot read."""
    text = read_plan_file(name, data)
    return text, parse_structure(text)


__all__ = ["PlanParse", "parse_file", "parse_text"]
