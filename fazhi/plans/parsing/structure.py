"""From normalised plan text to chapters, measures and tasks: the numbering tree of the
document (一、 / (一) / 1. / (1) / ①), which level holds the measures, and their tasks."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from fazhi.plans.parsing import labels
from fazhi.plans.parsing.dates import find_deadline, parse_deadline
from fazhi.plans.parsing.result import (
    ParsedChapter,
    ParsedMeasure,
    ParsedTask,
    ParseWarning,
    PlanParse,
)
from fazhi.plans.parsing.targets import find_targets

CN, PCN, AR, PAR, CIRC = "cn", "pcn", "ar", "par", "circ"
_CN_NUM = "一二三四五六七八九十"
_NUMBERING = (
    (CN, re.compile(rf"^([{_CN_NUM}]{{1,3}})[、.]\s*(.*)$")),
    (PCN, re.compile(rf"^\(([{_CN_NUM}]{{1,3}})\)\s*(.*)$")),
    (AR, re.compile(r"^(\d{1,3})(?:[、.](?!\d)|\s)\s*(.*)$")),
    (PAR, re.compile(r"^\((\d{1,3})\)\s*(.*)$")),
    (CIRC, re.compile(r"^([①-⑳])\s*(.*)$")),
)
_GENRE = re.compile(r"(方案|要点|计划|规划|意见|办法|清单|分工)$")
_YEARS = re.compile(r"^\(\d{4}\s*[-—~至]+\s*\d{4}\s*年?\)$")
# Words that start a new clause when a measure's title runs on without a full stop.
_CLAUSE_VERBS = (
    "落实", "强化", "健全", "完善", "建立", "推进", "推动", "加强", "深化", "坚持", "实现",
    "开展", "高质量", "严格", "着力", "围绕", "优化", "提升", "加快", "构建", "探索",
    "切实", "进一步", "按照", "根据", "认真", "规范", "全面",
)  # fmt: skip


@dataclass
class Node:
    kind: str
    number: str
    heading: str  # the heading line after its number
    lines: list[str] = field(default_factory=list)  # continuation lines
    children: list[Node] = field(default_factory=list)
    parent: Node | None = None

    @property
    def own_text(self) -> str:
        return "\n".join([self.heading, *self.lines])

    def walk(self) -> list[Node]:
        out: list[Node] = []
        for child in self.children:
            out.append(child)
            out.extend(child.walk())
        return out

    def top(self) -> Node:
        node = self
        while node.parent is not None and node.parent.parent is not None:
            node = node.parent
        return node


def _numbered(line: str) -> tuple[str, str, str] | None:
    for kind, pattern in _NUMBERING:
        m = pattern.match(line)
        if m:
            return kind, m[1], m[2]
    return None


def numbered_heading(line: str) -> bool:
    """Whether a (stripped, folded) line starts with a numbering the parser reads."""
    return _numbered(line) is not None


def find_title(lines: list[str]) -> tuple[str, int]:
    """The plan's title and the index of the first body line."""
    first_heading = next(
        (i for i, line in enumerate(lines) if (n := _numbered(line)) and n[0] == CN), len(lines)
    )
    for i in range(first_heading - 1, -1, -1):
        line = lines[i]
        if len(line) <= 60 and _GENRE.search(line) and not line.startswith("关于"):
            title = line
            if i + 1 < len(lines) and _YEARS.match(lines[i + 1]):
                title += lines[i + 1]
            return title, i + 1
    for i, line in enumerate(lines):
        if _numbered(line) is None and len(line) <= 60:
            return line, i + 1
    return "", 0


def build_tree(lines: list[str]) -> tuple[Node, list[str]]:
    root = Node("root", "", "")
    ranks: list[str] = []
    stack: list[Node] = [root]
    for line in lines:
        numbered = _numbered(line)
        if numbered is None:
            stack[-1].lines.append(line)
            continue
        kind, number, heading = numbered
        if kind not in ranks:
            ranks.append(kind)
        rank = ranks.index(kind)
        while len(stack) > 1 and ranks.index(stack[-1].kind) >= rank:
            stack.pop()
        node = Node(kind, number, heading, parent=stack[-1])
        stack[-1].children.append(node)
        stack.append(node)
    return root, ranks


def _has_labels(text: str) -> bool:
    if labels.LABEL_RE.search(text):
        return True
    return any(
        labels.phrase_line(m) for m in re.findall(r"\(((?:[^()\n]|\([^()\n]*\))*)\)", text)
    ) or any(labels.phrase_line(line) for line in text.split("\n"))


def _prepare(lines: list[str]) -> str:
    """Labels on their own lines become one bracketed annotation, so one scanner reads both."""
    out: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            out.append("(" + ";".join(pending) + ")")
            pending.clear()

    for line in lines:
        stripped = line.strip()
        if labels.LABEL_LINE_RE.match(stripped):
            pending.append(stripped.rstrip("。;,"))
            continue
        flush()
        if labels.phrase_line(stripped):
            out.append("(" + stripped.rstrip("。;,") + ")")
        elif stripped:
            out.append(stripped)
    flush()
    return "\n".join(out)


def split_title(text: str) -> tuple[str, str, bool]:
    """(title, body, irregular): the title ends at the first full stop before any comma."""
    first_line, _, more = text.partition("\n")
    stop = first_line.find("。")
    comma = first_line.find(",")
    label = labels.LABEL_RE.search(first_line)
    paren = first_line.find("(")
    limit = min(x for x in (label.start() if label else -1, paren, len(first_line)) if x >= 0)
    if 0 < stop <= 40 and (comma == -1 or stop < comma) and stop < limit:
        return first_line[:stop], (first_line[stop + 1 :] + "\n" + more).strip(), False
    after = first_line[stop + 1 :].strip() if stop > 0 else ""
    if 0 < stop < limit and (not after or after.startswith("(")):
        # One sentence and its annotation (工作要点 style): the sentence is the title and the task.
        return first_line[:stop], (after + "\n" + more).strip(), False
    if stop == -1 and comma == -1 and len(first_line) <= 40 and not label:
        if paren > 0:  # "1.开展法治督察(牵头单位:…)": the title carries the annotation
            return first_line[:paren].strip(), (first_line[paren:] + "\n" + more).strip(), False
        return first_line.rstrip("。"), more.strip(), False
    for p in range(4, min(len(first_line), 30)):
        if any(first_line.startswith(v, p) for v in _CLAUSE_VERBS):
            head = first_line[:p]
            if head.count("“") == head.count("”") and head.count("(") == head.count(")"):
                return head, (first_line[p:] + "\n" + more).strip(), True
    cut = min(x for x in (comma, stop, limit, 30) if x > 0)
    return first_line[:cut], (first_line[cut:] + "\n" + more).strip(" ,。\n"), True


def _clean_task_text(text: str) -> str:
    text = text.replace("\n", "")
    return text.strip().lstrip("。;, ").strip()


def tasks_from(text: str, known: set[str]) -> tuple[list[ParsedTask], list[tuple[int | None, str]]]:
    """Tasks of one measure body; problems as (1-based task index or None, message)."""
    blocks = labels.find_blocks(text, known)
    tasks: list[ParsedTask] = []
    problems: list[tuple[int | None, str]] = []
    prev = 0
    for block in blocks:
        words = _clean_task_text(text[prev : block.start])
        source = text[prev : block.end].strip()
        if not words and tasks:
            # A second annotation straight after the first belongs to the same task.
            task = tasks[-1]
            task.lead_units += [u for u in block.lead if u not in task.lead_units]
            task.responsible_units += [
                u for u in block.responsible if u not in task.responsible_units
            ]
            task.source += source
        else:
            task = ParsedTask(words, list(block.lead), list(block.responsible), source=source)
            tasks.append(task)
        if block.deadline:
            task.deadline = parse_deadline(block.deadline)
        problems += [(len(tasks), p) for p in block.problems]
        prev = block.resume
    rest = _clean_task_text(text[prev:])
    if len(rest.strip("。;,() ")) > 4:
        tasks.append(ParsedTask(rest, source=text[prev:].strip()))
        problems.append((len(tasks), "未标注牵头或责任单位"))
    for task in tasks:
        if task.deadline is None:
            task.deadline = find_deadline(task.text)
        if not task.lead_units and task.responsible_units:
            problems.append((tasks.index(task) + 1, "未标注牵头单位，导入时请指定"))
    return tasks, problems


def parse_structure(text: str) -> PlanParse:
    lines = [line for line in text.split("\n") if line.strip()]
    title, body_start = find_title(lines)
    result = PlanParse(title=title)
    root, ranks = build_tree(lines[body_start:])
    nodes = root.walk()
    if not nodes:
        result.warnings.append(
            ParseWarning(None, None, "未识别出方案结构：没有找到“一、”“(一)”“1.”等编号")
        )
        return result

    counts: dict[str, int] = {}
    for node in nodes:
        if _has_labels(node.own_text):
            counts[node.kind] = counts.get(node.kind, 0) + 1
    if counts:
        label_kind = max(counts, key=lambda k: (counts[k], ranks.index(k)))
    else:
        label_kind = ranks[-1]
        result.warnings.append(ParseWarning(None, None, "全文未找到牵头单位或责任单位标注"))
    rank = ranks.index(label_kind)
    measure_kind = ranks[rank - 1] if label_kind in (PAR, CIRC) and rank > 0 else label_kind
    task_kind = label_kind if measure_kind != label_kind else None
    chapter_rank = ranks.index(measure_kind) - 1
    chapter_kind = ranks[chapter_rank] if chapter_rank >= 0 else None

    def labelled(node: Node) -> bool:
        return _has_labels(node.own_text) or any(_has_labels(c.own_text) for c in node.walk())

    measure_nodes = [n for n in nodes if n.kind == measure_kind]
    with_labels = {id(n.parent) for n in measure_nodes if labelled(n)}
    measure_nodes = [n for n in measure_nodes if id(n.parent) in with_labels]
    if not measure_nodes:
        result.warnings.append(
            ParseWarning(None, None, "未识别出方案结构：没有找到带编号的任务措施")
        )
        return result

    numbers = [int(n.number) if n.number.isdigit() else None for n in measure_nodes]
    use_own = None not in numbers and len(set(numbers)) == len(numbers)
    known = labels.collect_known_units(text)
    chapters: dict[int, str] = {}
    for index, node in enumerate(measure_nodes, start=1):
        number = numbers[index - 1] if use_own else index
        assert number is not None
        chapter = (
            node.parent if node.parent is not None and node.parent.kind == chapter_kind else None
        )
        if chapter is not None and id(chapter) not in chapters:
            chapters[id(chapter)] = chapter.number
            result.chapters.append(ParsedChapter(chapter.number, chapter.heading.rstrip("。")))
        own = _prepare([node.heading, *node.lines])
        title, body, irregular = split_title(own)
        measure = ParsedMeasure(number, chapter.number if chapter else None, title)
        if irregular:
            result.warnings.append(
                ParseWarning(number, None, f"措施标题后缺少句号，已将“{title}”作为标题，请核对")
            )
        problems: list[tuple[int | None, str]] = []
        if task_kind is None:
            measure.tasks, problems = tasks_from(body, known)
        else:
            defaults, _ = tasks_from(body, known) if labels.LABEL_RE.search(body) else ([], [])
            for child in node.children:
                child_tasks, child_problems = tasks_from(
                    _prepare([child.heading, *child.lines]), known
                )
                offset = len(measure.tasks)
                measure.tasks += child_tasks
                problems += [(i + offset if i else None, p) for i, p in child_problems]
            if defaults and measure.tasks:
                for task in measure.tasks:
                    task.lead_units = task.lead_units or list(defaults[-1].lead_units)
                    task.responsible_units = task.responsible_units or list(
                        defaults[-1].responsible_units
                    )
        if measure.tasks and not measure.tasks[0].text:
            measure.tasks[0].text = title
            measure.tasks[0].deadline = measure.tasks[0].deadline or find_deadline(title)
        if not measure.tasks:
            measure.tasks.append(ParsedTask(title, source=own))
            problems.append((1, "未标注牵头或责任单位"))
        for task_no, message in problems:
            place = f"第{number}项措施" + (f"第{task_no}条任务" if task_no else "")
            result.warnings.append(ParseWarning(number, task_no, f"{place}：{message}"))
        result.measures.append(measure)
        whole = "\n".join([node.heading, *node.lines] + [c.own_text for c in node.walk()])
        result.targets += find_targets(whole, measure=number, section=_heading(node.top()))

    inside = {id(n) for m in measure_nodes for n in [m, *m.walk()]}
    for node in nodes:
        if id(node) in inside or any(id(a) in inside for a in _ancestors(node)):
            continue
        result.targets += find_targets(node.own_text, measure=None, section=_heading(node.top()))
    result.warnings.sort(key=lambda w: (w.measure or 0, w.task or 0))
    return result


def _ancestors(node: Node) -> list[Node]:
    out = []
    while node.parent is not None:
        node = node.parent
        out.append(node)
    return out


def _heading(node: Node) -> str:
    if node.kind == "root":
        return ""
    number = (
        f"({node.number})"
        if node.kind in (PCN, PAR)
        else f"{node.number}、"
        if node.kind == CN
        else f"{node.number}."
    )
    return number + node.heading.split("。")[0][:30]
