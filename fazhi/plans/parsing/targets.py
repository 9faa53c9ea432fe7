"""Quantitative targets in plan text: rates (出庭应诉率达95%以上), counts (每年举办2期),
durations (5小时内发布权威信息), each with its comparator."""

from __future__ import annotations

import re

from fazhi.plans.parsing.result import ParsedTarget

GE, LE, EQ = ">=", "<=", "="
_CN_DIGITS = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}  # fmt: skip

_QUOTED = re.compile(r"“[^”]*”|《[^》]*》|\"[^\"]*\"")
_CLAUSES = re.compile(r"[^,;。!?\n]+")

_PERCENT = re.compile(
    r"(?P<verb>达到|达|提高到|提高至|提升到|提升至|不低于|不少于|保持在|保持|超过|高于|"
    r"不超过|不高于|控制在|低于)?\s*(?P<value>\d+(?:\.\d+)?)\s*%\s*(?P<post>以上|以下|以内)?"
)
_DURATION = re.compile(
    r"(?P<value>\d+)\s*(?P<unit>个工作日|工作日|小时|分钟|个月|日|天)(?:以内|之内|内)"
)
_COUNT = re.compile(r"(?P<value>\d+|[一两二三四五六七八九十])\s*(?P<unit>次|期|场|批|轮)")
_COUNT_CMP = re.compile(r"(至少|不少于|不低于|不超过|最多)[^\d,;。]{0,6}$")
_FREQUENCY = re.compile(r"每年|每半年|每季度|每月|任期内|年均")
_LEAD_VERBS = re.compile(r"^(?:实现|确保|力争|推动|做到|使|保证|要|并|且|其中)+")
_TRAIL_VERBS = re.compile(
    r"(?:要|应|须|必须|均|需)?(?:达到|达|提高到|提高至|提升到|提升至|保持在|保持|控制在)?$"
)
_COMPARE_WORDS = re.compile(r"至少|不少于|不低于|不超过|最多|最迟")

_GE_WORDS = {"达到", "达", "提高到", "提高至", "提升到", "提升至", "不低于", "不少于", "超过", "高于", "至少"}  # fmt: skip
_LE_WORDS = {"不超过", "不高于", "控制在", "低于", "以内", "以下", "最多"}


def _number(raw: str) -> int | float:
    if raw in _CN_DIGITS:
        return _CN_DIGITS[raw]
    value = float(raw)
    return int(value) if value.is_integer() else value


def _mask_quotes(text: str) -> str:
    # Slogans in quotes ("最多报一次", "一网通管") are names, not targets.
    return _QUOTED.sub(lambda m: "□" * len(m[0]), text)


def find_targets(text: str, *, measure: int | None, section: str = "") -> list[ParsedTarget]:
    """Every target stated in ``text`` (a measure or a section), in order of appearance."""
    targets: list[ParsedTarget] = []
    masked = _mask_quotes(text)
    for clause_match in _CLAUSES.finditer(masked):
        masked_clause = clause_match.group()
        clause = text[clause_match.start() : clause_match.end()].strip()
        for m in _PERCENT.finditer(masked_clause):
            metric = _metric(clause[: m.start()])
            if metric is None:
                continue
            words = {m["verb"] or "", m["post"] or ""}
            comparator = GE if words & _GE_WORDS or m["post"] == "以上" else EQ
            if words & _LE_WORDS:
                comparator = LE
            targets.append(
                ParsedTarget(measure, clause, metric, comparator, _number(m["value"]), "%", section)
            )
        for m in _DURATION.finditer(masked_clause):
            metric = _metric(clause[m.end() :]) or _metric(clause[: m.start()])
            if metric is None:
                continue
            targets.append(
                ParsedTarget(measure, clause, metric, LE, _number(m["value"]), m["unit"], section)
            )
        for m in _COUNT.finditer(masked_clause):
            before = clause[: m.start()]
            cmp = _COUNT_CMP.search(before)
            if cmp is None and _FREQUENCY.search(masked_clause) is None:
                continue
            metric = _metric(_COMPARE_WORDS.sub("", before + clause[m.end() :]))
            if metric is None:
                continue
            word = cmp[1] if cmp else ""
            comparator = LE if word in _LE_WORDS else GE if word else EQ
            targets.append(
                ParsedTarget(
                    measure, clause, metric, comparator, _number(m["value"]), m["unit"], section
                )
            )
    return targets


def _metric(text: str) -> str | None:
    metric = _LEAD_VERBS.sub("", _TRAIL_VERBS.sub("", text.strip())).strip()
    return metric if len(metric) >= 2 else None
