"""The plan parser: a document (.txt/.md/.docx) in, chapters, measures, tasks, targets and
warnings out. ``parse_text`` for text, ``parse_file`` for an uploaded file's bytes.

The parser reads ``fold(text)`` (half-width punctuation, plain spaces), a copy whose every
character stands where the document's does; what it finds is then given back in the
document's own characters (``Original``), so a plan written with “（一）”“，”“；” is stored and
shown with them (GB/T 15834), while numbering, labels and deadlines are recognised in either
width."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

from fazhi.core.text import fold
from fazhi.plans.parsing.reader import read_plan_file, source_text
from fazhi.plans.parsing.result import PlanParse
from fazhi.plans.parsing.structure import numbered_heading, parse_structure

# A city's plan has tens of measures and at most a few hundred tasks (the seed plan: 26 and
# 46). Far more means a wrong file; refusing it keeps a preview readable and a confirm short.
MAX_MEASURES = 500
MAX_TASKS = 2000

_HEADING_START = set("一二三四五六七八九十(0123456789①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳")
_FOLDABLE = re.compile(r"[\x20-\x7e]")  # what fold() may have produced from another character


class Original:
    """Gives back, for a string the parser cut from the folded text, the document's own
    characters at that place. Strings are looked up in document order (``advance``), line
    breaks ignored (a task may run over several lines); a string not found (one the parser
    made up, such as a bracket it added) is returned as it is."""

    def __init__(self, source: str, folded: str) -> None:
        keep = [i for i, ch in enumerate(folded) if ch != "\n"]
        self.folded = "".join(folded[i] for i in keep)
        self.source = "".join(source[i] for i in keep)
        self.cursor = 0

    def __call__(self, text: str, *, advance: bool = False) -> str:
        if not text or not _FOLDABLE.search(text):
            return text
        if "\n" in text:
            return "\n".join(self(line) for line in text.split("\n"))
        at = self.folded.find(text, self.cursor)
        if at == -1:
            at = self.folded.find(text)
        if at == -1:
            return text
        if advance:
            self.cursor = at
        return self.source[at : at + len(text)]


def _restore(result: PlanParse, source: str, folded: str) -> PlanParse:
    original = Original(source, folded)
    result.title = original(result.title)
    for chapter in result.chapters:
        chapter.title = original(chapter.title, advance=True)
    original.cursor = 0
    for measure in result.measures:
        measure.title = original(measure.title, advance=True)
        for task in measure.tasks:
            task.text = original(task.text, advance=True)
            task.source = original(task.source)
            task.lead_units = [original(u) for u in task.lead_units]
            task.responsible_units = [original(u) for u in task.responsible_units]
            if task.deadline is not None:
                task.deadline.text = original(task.deadline.text)
    original.cursor = 0
    for target in result.targets:
        target.text = original(target.text, advance=True)
        target.metric = original(target.metric)
        target.section = original(target.section)
    return result


def _check_size(result: PlanParse) -> None:
    measures, tasks = len(result.measures), result.task_count
    if measures > MAX_MEASURES or tasks > MAX_TASKS:
        raise ValidationError(
            f"文件中识别出 {measures} 项措施、{tasks} 条任务，超过一份方案可导入的上限"
            f"（{MAX_MEASURES} 项措施、{MAX_TASKS} 条任务）。请检查是否传错了文件，"
            "或将方案拆分后分别导入。"
        )


def _check_headings(folded: str) -> None:
    """Refuse, before the full parse, a text with far more numbered headings than a plan
    within the limits can have (a 20 MB text takes seconds to parse only to be refused)."""
    limit = MAX_MEASURES + MAX_TASKS + 500  # chapters and numbered passages besides
    numbered = 0
    for line in folded.split("\n"):
        if line[:1] in _HEADING_START and numbered_heading(line):
            numbered += 1
            if numbered > limit:
                raise ValidationError(
                    f"文件中带编号的条目超过 {limit} 条，超过一份方案可导入的上限"
                    f"（{MAX_MEASURES} 项措施、{MAX_TASKS} 条任务）。请检查是否传错了文件，"
                    "或将方案拆分后分别导入。"
                )


def parse_text(text: str) -> PlanParse:
    return _parse(source_text(text))


def _parse(source: str) -> PlanParse:
    folded = fold(source)
    _check_headings(folded)
    result = parse_structure(folded)
    _check_size(result)
    return _restore(result, source, folded)


def parse_file(name: str, data: bytes) -> tuple[str, PlanParse]:
    """(the document's text as written, parse); ValidationError for files it cannot read or
    that hold more than a plan does."""
    source = read_plan_file(name, data)
    return source, _parse(source)


__all__ = ["MAX_MEASURES", "MAX_TASKS", "Original", "PlanParse", "parse_file", "parse_text"]
