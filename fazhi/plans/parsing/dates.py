"""完成时限 phrases: 2023年底前, 2024年6月底前, 每年3月1日前 (yearly), 长期坚持 (ongoing)."""

from __future__ import annotations

import calendar
import re
from datetime import date

from fazhi.core.text import fold
from fazhi.plans.parsing.result import Deadline

_ONGOING = re.compile(r"长期坚持|持续推进|长期推进|常态化推进|长期有效")
_ONGOING_LABEL = {"长期", "常态化", "持续", "经常性"}
_YEARLY_DAY = re.compile(r"每年(\d{1,2})月(\d{1,2})日(?:之?前)")
_YEARLY_MONTH_END = re.compile(r"每年(\d{1,2})月(?:底|末)(?:之?前)")
_YEARLY_YEAR_END = re.compile(r"每年(?:年底|年末)(?:之?前)")
_DAY = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日(?:之?前)?")
_MONTH_END = re.compile(r"(\d{4})年(\d{1,2})月(?:底|末)?(?:之?前)")
_HALF = re.compile(r"(\d{4})年(?:上半年|年中)(?:之?前)?")
_YEAR_END = re.compile(r"(\d{4})年(?:年?底|年?末|内)(?:之?前)?")


def _month_end(year: int, month: int) -> date | None:
    if not 1 <= month <= 12:
        return None
    return date(year, month, calendar.monthrange(year, month)[1])


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def find_deadline(text: str) -> Deadline | None:
    """The first deadline phrase in ``text`` (a 完成时限 label or a task's own words)."""
    found: list[tuple[int, Deadline]] = []
    if m := _YEARLY_DAY.search(text):
        month, day = int(m[1]), int(m[2])
        if _valid(2024, month, day):  # a leap year accepts 2月29日
            found.append((m.start(), Deadline(m[0], recurring="yearly", month=month, day=day)))
    if m := _YEARLY_MONTH_END.search(text):
        month = int(m[1])
        if 1 <= month <= 12:
            last = calendar.monthrange(2023, month)[1]
            found.append((m.start(), Deadline(m[0], recurring="yearly", month=month, day=last)))
    if m := _YEARLY_YEAR_END.search(text):
        found.append((m.start(), Deadline(m[0], recurring="yearly", month=12, day=31)))
    if (m := _DAY.search(text)) and (d := _valid(int(m[1]), int(m[2]), int(m[3]))):
        found.append((m.start(), Deadline(m[0], date=d)))
    if (m := _MONTH_END.search(text)) and (d := _month_end(int(m[1]), int(m[2]))):
        found.append((m.start(), Deadline(m[0], date=d)))
    if m := _HALF.search(text):
        found.append((m.start(), Deadline(m[0], date=date(int(m[1]), 6, 30))))
    if m := _YEAR_END.search(text):
        found.append((m.start(), Deadline(m[0], date=date(int(m[1]), 12, 31))))
    if m := _ONGOING.search(text):
        found.append((m.start(), Deadline(m[0], ongoing=True)))
    if not found:
        return None
    return min(found, key=lambda item: item[0])[1]


def parse_deadline(text: str) -> Deadline:
    """A 完成时限 as a whole: its meaning if recognised; the text is kept either way."""
    text = text.strip().rstrip("。;,")
    if text in _ONGOING_LABEL:
        return Deadline(text, ongoing=True)
    deadline = find_deadline(text)
    if deadline is None:
        return Deadline(text)
    deadline.text = text
    return deadline


def read_deadline(text: str) -> Deadline:
    """A 完成时限 as a person typed it or a task stores it (either width): recognised on the
    folded text, its words kept as written."""
    written = text.strip()
    deadline = parse_deadline(fold(written))
    deadline.text = written[: len(deadline.text)]
    return deadline


def next_due(deadline: Deadline, today: date) -> date | None:
    """The date a task is next due: its date, the next yearly date on or after today, or none."""
    if deadline.date is not None:
        return deadline.date
    if deadline.recurring == "yearly" and deadline.month and deadline.day:
        for year in (today.year, today.year + 1):
            candidate = _valid(year, deadline.month, deadline.day) or _month_end(
                year, deadline.month
            )
            if candidate is not None and candidate >= today:
                return candidate
    return None
