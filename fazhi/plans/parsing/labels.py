"""Unit labels inside a measure: (牵头单位:…;责任单位:…), 配合/协办单位, 完成时限,
"X牵头,Y配合", "…按职责分工负责" — found, split into tasks, and repaired where the
document's brackets or labels are wrong."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from fazhi.core.text import fold

LEAD, RESPONSIBLE, DEADLINE = "lead", "responsible", "deadline"
LABELS = {
    "牵头单位": LEAD, "主办单位": LEAD, "牵头部门": LEAD,
    "责任单位": RESPONSIBLE, "责任部门": RESPONSIBLE, "配合单位": RESPONSIBLE,
    "配合部门": RESPONSIBLE, "协办单位": RESPONSIBLE, "参与单位": RESPONSIBLE,
    "协作单位": RESPONSIBLE,
    "完成时限": DEADLINE, "完成时间": DEADLINE, "时间要求": DEADLINE, "时限要求": DEADLINE,
}  # fmt: skip
LABEL_RE = re.compile(r"(" + "|".join(LABELS) + r")\s*:\s*")
LABEL_LINE_RE = re.compile(r"^(?:" + "|".join(LABELS) + r")\s*:")
_PHRASE_PARTS = (
    (re.compile(r"^(.+?)(?:牵头负责|牵头)$"), LEAD),
    (re.compile(r"^(.+?)(?:按职责分工负责|按职责负责|分工负责|分别负责|负责落实|配合|参与|协助|协同)$"), RESPONSIBLE),
)  # fmt: skip
_UNIT_SUFFIX = re.compile(
    r"^.{1,24}?(?:管理委员会|管委会|委员会|人民政府|政府|办公室|办|委(?![会员])|局|厅|院|部门|部|"
    r"单位|中心|所|站|队|公司|集团|协会|法院|检察院|监委)"
)


@dataclass
class Block:
    """A unit annotation: where it sits in the text and what it says."""

    start: int
    end: int
    resume: int  # where the next task's text begins (before ``end`` when a runaway was cut)
    lead: list[str] = field(default_factory=list)
    responsible: list[str] = field(default_factory=list)
    deadline: str = ""
    problems: list[str] = field(default_factory=list)


def split_units(text: str) -> list[str]:
    """Unit names in a list, split on 、 , ; outside brackets: 各县(市、区)政府 stays whole.
    Brackets and separators are recognised in either width; each name keeps its own."""
    units: list[str] = []
    depth = 0
    current: list[str] = []
    for ch, folded in zip(text, fold(text), strict=True):
        if folded == "(":
            depth += 1
        elif folded == ")":
            depth = max(depth - 1, 0)
        if depth == 0 and folded in "、,;":
            units.append("".join(current))
            current = []
        else:
            current.append(ch)
    units.append("".join(current))
    cleaned = [re.sub(r"\s+", "", u).strip("。.．") for u in units]
    return [u for u in cleaned if u]


def _phrase(content: str) -> tuple[list[str], list[str]] | None:
    """ "X牵头,Y配合" / "X按职责分工负责": (lead, responsible), or None if it is not one."""
    content = content.strip().rstrip("。;,")
    if not content or len(content) > 200 or "。" in content:
        return None
    lead: list[str] = []
    responsible: list[str] = []
    for part in re.split(r"[,;]", content):
        part = part.strip()
        for pattern, role in _PHRASE_PARTS:
            m = pattern.match(part)
            if m:
                units = split_units(m[1])
                if not units or any(len(u) > 30 for u in units):
                    return None
                (lead if role == LEAD else responsible).extend(units)
                break
        else:
            return None
    return lead, responsible


def phrase_line(line: str) -> bool:
    return _phrase(line) is not None


def _matching_paren(text: str, start: int) -> int:
    depth = 0
    for k in range(start, len(text)):
        if text[k] == "(":
            depth += 1
        elif text[k] == ")":
            depth -= 1
            if depth == 0:
                return k
        elif text[k] in "。\n":
            return -1
    return -1


def known_prefix(text: str, known: Iterable[str]) -> str | None:
    """The longest known unit name that ``text`` starts with, else one ending in a unit word."""
    best = max((k for k in known if text.startswith(k) and k != text), key=len, default=None)
    if best:
        return best
    m = _UNIT_SUFFIX.match(text)
    return m.group() if m and m.group() != text else None


def _groups(content: str) -> list[tuple[str, list[str] | str]]:
    found = list(LABEL_RE.finditer(content))
    out: list[tuple[str, list[str] | str]] = []
    for i, m in enumerate(found):
        end = found[i + 1].start() if i + 1 < len(found) else len(content)
        value = content[m.end() : end].strip().rstrip(";,")
        label = m[1]
        out.append((label, value if LABELS[label] == DEADLINE else split_units(value)))
    return out


def _label_block(text: str, m: re.Match[str], known: set[str]) -> Block:
    j = m.start() - 1
    while j >= 0 and text[j] == " ":
        j -= 1
    bracketed = j >= 0 and text[j] == "("
    start = j if bracketed else m.start()
    depth = 0
    k = m.start()
    closed = False
    while k < len(text):
        ch = text[k]
        if ch == "(":
            if LABEL_RE.match(text, k + 1):
                break
            depth += 1
        elif ch == ")":
            if depth == 0:
                closed = True
                break
            depth -= 1
        elif ch in "。\n" and depth == 0:
            break
        k += 1
    content = text[m.start() : k]
    block = Block(start=start, end=k + 1 if closed else k, resume=k + 1 if closed else k)
    if not bracketed and closed:
        block.problems.append("缺少左括号“(”，已按单位标注处理")
    elif bracketed and not closed:
        block.problems.append("缺少右括号“)”，已在单位名称后补全")
    elif not bracketed and not closed:
        block.problems.append("单位标注缺少括号，已按单位标注处理")
    groups = _groups(content)
    if not closed and groups and isinstance(groups[-1][1], list) and groups[-1][1]:
        # A runaway label swallowed the next task's first words: cut after the last unit name.
        last = groups[-1][1][-1]
        if last not in known:
            prefix = known_prefix(last, known)
            if prefix:
                remainder = last[len(prefix) :]
                groups[-1][1][-1] = prefix
                block.end = block.resume = k - len(remainder)
                block.problems[-1] += f"；“{remainder[:12]}…”起为下一条任务"
    responsible_groups = [
        v for label, v in groups if LABELS[label] == RESPONSIBLE and label == "责任单位"
    ]
    has_lead = any(LABELS[label] == LEAD for label, _ in groups)
    for label, value in groups:
        role = LABELS[label]
        if role == DEADLINE:
            assert isinstance(value, str)
            block.deadline = value
            continue
        assert isinstance(value, list)
        if (
            role == RESPONSIBLE
            and not has_lead
            and len(responsible_groups) > 1
            and value is responsible_groups[0]
        ):
            block.problems.append("“责任单位”标注了两次，已将第一处视为牵头单位")
            role = LEAD
        (block.lead if role == LEAD else block.responsible).extend(
            u for u in value if u not in (block.lead if role == LEAD else block.responsible)
        )
    return block


def find_blocks(text: str, known: set[str]) -> list[Block]:
    """All unit annotations in a measure's text, in order."""
    blocks: list[Block] = []
    pos = 0
    while pos < len(text):
        label = LABEL_RE.search(text, pos)
        phrase: Block | None = None
        p = text.find("(", pos)
        while p != -1 and (label is None or p < label.start()):
            close = _matching_paren(text, p)
            if close != -1:
                parsed = _phrase(text[p + 1 : close])
                if parsed:
                    phrase = Block(
                        start=p,
                        end=close + 1,
                        resume=close + 1,
                        lead=parsed[0],
                        responsible=parsed[1],
                    )
                    break
            p = text.find("(", p + 1)
        if phrase is not None:
            blocks.append(phrase)
            pos = phrase.end
        elif label is not None:
            block = _label_block(text, label, known)
            blocks.append(block)
            pos = max(block.resume, label.end())
        else:
            break
    return blocks


def collect_known_units(text: str) -> set[str]:
    """Unit names from well-formed annotations, used to repair runaway ones."""
    known: set[str] = set()
    for m in re.finditer(r"\(((?:[^()。\n]|\([^()。\n]*\))*)\)", text):
        content = m[1]
        if LABEL_RE.search(content):
            for _, value in _groups(content[LABEL_RE.search(content).start() :]):  # type: ignore[union-attr]
                if isinstance(value, list):
                    known.update(value)
        else:
            parsed = _phrase(content)
            if parsed:
                known.update(parsed[0] + parsed[1])
    return known
