"""The deadline API every module uses: due date, its step-by-step explanation, and its state.

Counting rules (legal-rules §12, 民事诉讼法第八十五条): the day of the event is not counted;
N working days end on the N-th working day after it; a period in days, months or years whose
last day is a rest day ends on the next working day; a month period ends on the same day of
the month, or on the month's last day when that day does not exist; a stopped clock resumes
where it stopped, so a pause shifts the end by the time the clock stood still (in the unit
of the period: working days for working-day periods, calendar days otherwise).

An open pause (resumed = None) gives ``Deadline.paused = True`` and ``due`` as if the clock
had resumed on the stop day, i.e. the end of the remaining period counted from that day; the
explanation says so. Callers show it as "计时中止" rather than as a running deadline.
"""

from __future__ import annotations

import calendar as stdlib_calendar
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from fazhi.workdays.index import (
    FALLBACK_NOTE,
    LAST_DAY,
    WorkCalendar,
    current_calendar,
    describe,
)
from fazhi.workdays.models import DeadlineRule, PeriodUnit

__all__ = [
    "Deadline",
    "DeadlineState",
    "DeadlineStatus",
    "PeriodUnit",
    "compute_due",
    "compute_rule",
    "deadline_state",
    "rule_for",
    "rules_by_code",
]

CIVIL_PROCEDURE = "《民事诉讼法》第八十五条"
_OUT_OF_RANGE = f"期限超出工作日历的计算范围（至 {LAST_DAY.isoformat()}）"
UNIT_WORDS = {
    PeriodUnit.WORKDAY: "个工作日",
    PeriodUnit.DAY: "日",
    PeriodUnit.MONTH: "个月",
    PeriodUnit.YEAR: "年",
}


@dataclass(frozen=True)
class Deadline:
    due: date
    calendar_complete: bool
    explanation: list[str]
    start: date
    amount: int
    unit: str
    rule_code: str | None
    legal_basis: str
    paused: bool = False
    # Filled only with an explanation (explain=True); calendar_complete is always set.
    provisional_years: tuple[int, ...] = field(default=())

    def as_json(self) -> dict[str, Any]:
        """The shape the CLI prints and scripts read."""
        return {
            "due": self.due.isoformat(),
            "calendar_complete": self.calendar_complete,
            "explanation": list(self.explanation),
        }


class DeadlineState(models.TextChoices):
    NOT_DUE = "未到期", "未到期"
    DUE_SOON = "临期", "临期"
    OVERDUE = "已超期", "已超期"


@dataclass(frozen=True)
class DeadlineStatus:
    due: date
    today: date
    state: DeadlineState
    remaining_workdays: int  # negative when overdue: working days elapsed since the due date
    due_soon_workdays: int

    @property
    def label(self) -> str:
        return str(self.state.label)

    @property
    def overdue_workdays(self) -> int:
        return max(0, -self.remaining_workdays)

    @property
    def css(self) -> str:
        return {"未到期": "ok", "临期": "warn", "已超期": "bad"}[self.state.value]


# Looked up once: enum attribute access and Choices.values cost microseconds per call.
_UNITS: dict[str, PeriodUnit] = {u.value: u for u in PeriodUnit}
_WORKDAY, _DAY, _MONTH = PeriodUnit.WORKDAY, PeriodUnit.DAY, PeriodUnit.MONTH


def _check_unit(unit: str) -> PeriodUnit:
    found = _UNITS.get(unit)
    if found is None:
        raise ValidationError(
            f"期限单位“{unit}”无效，应为 workday（工作日）、day（日）、month（月）或 year（年）"
        )
    return found


def _check_amount(amount: object, what: str = "期限数量") -> int:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 1:
        raise ValidationError(f"{what}必须为正整数，收到“{amount}”")
    return amount


def _add_months(day: date, months: int) -> tuple[date, bool]:
    """Same day of the month ``months`` later, or that month's last day; (date, clamped)."""
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    if year > LAST_DAY.year:
        raise ValidationError(_OUT_OF_RANGE)
    last = stdlib_calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last)), day.day > last


def _period(amount: int, unit: PeriodUnit) -> str:
    return f"{amount}{UNIT_WORDS[unit]}"


_NAMED_SHOWN = 12  # explanation lists at most this many holidays, so its cost stays bounded


def _named_lines(cal: WorkCalendar, after: date, until: date) -> list[str]:
    """Holidays and 调休 days crossed, consecutive rest days of one name merged into a range."""
    items: list[list[Any]] = []  # ["rest", first, last, name] or ["work", day, name]
    named, total = cal.named_between(after, until, limit=_NAMED_SHOWN * 10)
    for day in named:
        if len(items) > _NAMED_SHOWN:
            break
        info = cal.info(day)
        if info.is_workday:
            if info.is_makeup_workday:
                items.append(["work", info.day, info.name])
            continue
        last = items[-1] if items else None
        if (
            last is not None
            and last[0] == "rest"
            and last[3] == info.name
            and info.day == last[2] + timedelta(days=1)
        ):
            last[2] = info.day
        else:
            items.append(["rest", info.day, info.day, info.name])
    if not items:
        return ["期间内无法定节假日或调休。"]
    shown = [_item_text(item) for item in items[:_NAMED_SHOWN]]
    more = ""
    if len(items) > _NAMED_SHOWN or total > len(named):
        more = f"……（期间内共有 {total} 个节假日或调休日）"
    return [f"期间内的节假日与调休：{'；'.join(shown)}{more}。"]


def _item_text(item: list[Any]) -> str:
    if item[0] == "work":
        return f"{describe(item[1])}{item[2]}调休上班"
    _, first, last, name = item
    if first == last:
        return f"{describe(first)}{name}放假"
    return f"{first.isoformat()} 至 {last.isoformat()} {name}放假"


def _sayers(
    lines: list[str] | None,
) -> tuple[Callable[[Callable[[], str]], None], Callable[[Callable[[], list[str]]], None]]:
    """Explanation writers; with ``lines`` None (bulk recomputation) the text is never built."""
    if lines is None:
        return (lambda make: None), (lambda make: None)
    target = lines
    return (lambda make: target.append(make())), (lambda make: target.extend(make()))


def _compute(
    *,
    cal: WorkCalendar,
    start: date,
    amount: int,
    unit: PeriodUnit,
    pauses: Sequence[tuple[date, date | None]],
    extensions: Sequence[tuple[int, str]],
    lines: list[str] | None,
) -> tuple[date, bool]:
    """The due date and whether the clock is stopped; appends the explanation steps."""
    say, say_all = _sayers(lines)
    say(
        lambda: (
            f"起算：{describe(start)}为起算日，期间开始之日不计算在期间内（{CIVIL_PROCEDURE}），"
            f"自次日起算。"
        )
    )
    extra = sum(_check_amount(n, "延长数量") for n, _ in extensions) if extensions else 0
    total = amount + extra
    ext_text = (
        "".join(
            f"；延长 {_period(a, unit)}（{reason or '未注明理由'}）" for a, reason in extensions
        )
        if extensions and lines is not None
        else ""
    )
    if unit == _WORKDAY:
        say(
            lambda: (
                f"期限：{_period(amount, unit)}{ext_text}"
                + (f"，合计 {_period(total, unit)}" if extensions else "")
                + "；工作日不含周末和法定节假日，调休上班日计为工作日。"
            )
        )
        due = cal.nth_workday_after(start, total)
    else:
        if unit == _DAY:
            if total > (LAST_DAY - start).days:
                raise ValidationError(_OUT_OF_RANGE)
            raw = start + timedelta(days=total)
            say(
                lambda: (
                    f"期限：{_period(amount, unit)}（自然日）{ext_text}，"
                    f"{start.isoformat()} 加 {total} 日为 {describe(raw)}。"
                )
            )
        else:
            months = total if unit == _MONTH else total * 12
            raw, clamped = _add_months(start, months)
            say(
                lambda: (
                    f"期限：{_period(amount, unit)}{ext_text}，期间届满日为 {total}"
                    f"{UNIT_WORDS[unit]}后的对应日 {describe(raw)}"
                    + ("（该月无对应日，以该月最后一日为届满日）。" if clamped else "。")
                )
            )
        due = raw
    paused = False
    shifted = False
    checked: date | None = None
    for number, (stop, resume) in enumerate(pauses, start=1):
        if stop < start or (checked is not None and stop < checked):
            raise ValidationError(
                f"第 {number} 次计时中止日 {stop.isoformat()} 早于起算日或上一次恢复计时日"
            )
        if resume is not None and resume < stop:
            raise ValidationError(
                f"第 {number} 次恢复计时日 {resume.isoformat()} 早于中止日 {stop.isoformat()}"
            )
        if resume is None and number != len(pauses):
            raise ValidationError(f"第 {number} 次计时中止尚未恢复，之后不能再有中止")
        checked = resume
        # Pauses are rare in bulk runs, so their notes are formatted eagerly (say() needs
        # a callable only to keep the common path free of string work).
        note = ""
        if stop >= due:
            note = f"计时中止：{describe(stop)}晚于到期日，不影响期限。"
        elif resume is None:
            paused = True
            left = (
                f"{cal.workdays_between(stop, due)} 个工作日"
                if unit == _WORKDAY
                else f"{(due - stop).days} 日"
            )
            note = (
                f"计时中止：自 {describe(stop)}起中止，尚未恢复计时；剩余 {left}"
                f"自恢复计时之日起继续计算。下列到期日按当日恢复计算，仅供参考。"
            )
        elif unit == _WORKDAY:
            stood = cal.workdays_between(stop, resume)
            due = cal.nth_workday_after(due, stood) if stood else due
            shifted = True
            note = (
                f"计时中止：{stop.isoformat()} 中止、{resume.isoformat()} 恢复，"
                f"其间 {stood} 个工作日不计入期限，到期日顺延为 {describe(due)}。"
            )
        else:
            stood = (resume - stop).days
            if stood > (LAST_DAY - due).days:
                raise ValidationError(_OUT_OF_RANGE)
            due = due + timedelta(days=stood)
            shifted = True
            note = (
                f"计时中止：{stop.isoformat()} 中止、{resume.isoformat()} 恢复，"
                f"其间 {stood} 日不计入期限，届满日顺延为 {describe(due)}。"
            )
        if lines is not None:
            lines.append(note)
    if unit != _WORKDAY:
        say_all(lambda: _named_lines(cal, start, due))
        if not cal.is_workday(due):
            moved = cal.next_workday_from(due)
            say(lambda: _rolled_over(cal, due, moved))
            due = moved
    else:
        say_all(lambda: _named_lines(cal, start, due))
        say(lambda: _nth_workday(cal, due, total, shifted))
    return due, paused


def _rolled_over(cal: WorkCalendar, due: date, moved: date) -> str:
    info = cal.info(due)
    why = f"{info.name}放假" if info.name else "周末"
    return (
        f"{describe(due)}为休息日（{why}），期间届满的最后一日是法定休假日的，"
        f"以休假日后的第一日为期间届满的日期（{CIVIL_PROCEDURE}）：顺延至 {describe(moved)}。"
    )


def _nth_workday(cal: WorkCalendar, due: date, total: int, shifted: bool) -> str:
    info = cal.info(due)
    note = f"{info.name}调休上班日" if info.is_makeup_workday else ""
    if shifted:
        return f"计入计时中止的顺延后，到期日为 {describe(due, note)}。"
    return f"第 {total} 个工作日为 {describe(due, note)}。"


def _finish(
    *,
    cal: WorkCalendar,
    start: date,
    amount: int,
    unit: PeriodUnit,
    due: date,
    paused: bool,
    lines: list[str] | None,
    rule_code: str | None,
    legal_basis: str,
) -> Deadline:
    say, _ = _sayers(lines)
    complete = cal.provisional_days(start, due) == 0
    years: list[int] = []
    if lines is not None and not complete:
        years = cal.provisional_years(start, due)
        label = (
            "、".join(f"{y}年" for y in years)
            if len(years) <= 5
            else f"{years[0]}年至{years[-1]}年间的 {len(years)} 个年份"
        )
        lines.append("注意：" + FALLBACK_NOTE.format(years=label))
    say(
        lambda: (
            f"到期日：{describe(due)}"
            + ("" if complete else "（暂定）")
            + ("（计时中止中）" if paused else "")
            + "。"
        )
    )
    return Deadline(
        due=due,
        calendar_complete=complete,
        explanation=lines if lines is not None else [],
        start=start,
        amount=amount,
        unit=unit.value,
        rule_code=rule_code,
        legal_basis=legal_basis,
        paused=paused,
        provisional_years=tuple(years),
    )


def compute_due(
    *,
    start: date,
    amount: int,
    unit: str,
    pauses: Sequence[tuple[date, date | None]] = (),
    extensions: Sequence[tuple[int, str]] = (),
    calendar: WorkCalendar | None = None,
    explain: bool = True,
) -> Deadline:
    """Due date of a period of ``amount`` ``unit`` counted from the event on ``start``.

    Raises ValidationError (Chinese message) on an unknown unit, a non-positive amount,
    pauses out of order or a date outside the calendar range. For bulk recomputation pass
    one ``calendar`` (``current_calendar()``) for all items and ``explain=False``: the
    explanation is then empty and the call costs a few microseconds.
    """
    period_unit = _check_unit(unit)
    _check_amount(amount)
    if not isinstance(start, date):
        raise ValidationError(f"起算日“{start}”不是日期")
    cal = calendar or current_calendar()
    lines: list[str] | None = [] if explain else None
    due, paused = _compute(
        cal=cal,
        start=start,
        amount=amount,
        unit=period_unit,
        pauses=pauses,
        extensions=extensions,
        lines=lines,
    )
    return _finish(
        cal=cal,
        start=start,
        amount=amount,
        unit=period_unit,
        due=due,
        paused=paused,
        lines=lines,
        rule_code=None,
        legal_basis="",
    )


def rules_by_code() -> dict[str, list[DeadlineRule]]:
    """Every stored rule version, by code (for computing many periods without a query each)."""
    found: dict[str, list[DeadlineRule]] = {}
    for rule in DeadlineRule.objects.all():
        found.setdefault(rule.code, []).append(rule)
    return found


def rule_for(
    code: str, on: date, rules: Mapping[str, Sequence[DeadlineRule]] | None = None
) -> DeadlineRule:
    """The version of rule ``code`` in force on ``on``."""
    versions = list(
        rules.get(code, ()) if rules is not None else DeadlineRule.objects.filter(code=code)
    )
    if not versions:
        raise ValidationError(f"期限规则“{code}”不存在")
    for rule in versions:
        if rule.is_valid_on(on):
            return rule
    raise ValidationError(f"期限规则“{code}”在 {on.isoformat()} 没有有效的版本")


def compute_rule(
    *,
    code: str,
    start: date,
    pauses: Sequence[tuple[date, date | None]] = (),
    extensions: Sequence[tuple[int, str]] = (),
    on: date | None = None,
    calendar: WorkCalendar | None = None,
    explain: bool = True,
    rules: Mapping[str, Sequence[DeadlineRule]] | None = None,
) -> Deadline:
    """Due date under the stored rule ``code`` in force on ``on`` (default: ``start``).
    ``rules`` (code → its versions, from ``rules_by_code``) spares the query when many
    periods are computed at once."""
    rule = rule_for(code, on or start, rules)
    granted = sum(_check_amount(a, "延长数量") for a, _ in extensions)
    if granted and not rule.extension_amount:
        raise ValidationError(f"{rule.legal_basis}规定的“{rule.name}”不得延长")
    if granted > rule.extension_amount:
        raise ValidationError(
            f"延长合计 {granted}{UNIT_WORDS[PeriodUnit(rule.unit)]}，超过"
            f"{rule.legal_basis}允许的 {rule.extension_amount}{UNIT_WORDS[PeriodUnit(rule.unit)]}"
        )
    unit = PeriodUnit(rule.unit)
    cal = calendar or current_calendar()
    lines: list[str] | None = None
    if explain:
        lines = [
            f"规则：{rule.name}（{rule.code}），依据{rule.legal_basis}，"
            f"{_period(rule.amount, unit)}，自{rule.clock_start}起算。"
        ]
        if rule.pause_events:
            lines.append(f"不计入期限的情形：{rule.pause_events}。")
    due, paused = _compute(
        cal=cal,
        start=start,
        amount=rule.amount,
        unit=unit,
        pauses=pauses,
        extensions=extensions,
        lines=lines,
    )
    return _finish(
        cal=cal,
        start=start,
        amount=rule.amount,
        unit=unit,
        due=due,
        paused=paused,
        lines=lines,
        rule_code=rule.code,
        legal_basis=rule.legal_basis,
    )


def due_soon_workdays() -> int:
    return int(getattr(settings, "FAZHI_DUE_SOON_WORKDAYS", 3))


def deadline_state(
    due: date, *, today: date | None = None, calendar: WorkCalendar | None = None
) -> DeadlineStatus:
    """未到期 / 临期 (within FAZHI_DUE_SOON_WORKDAYS working days) / 已超期, derived from ``due``."""
    today = today or timezone.localdate()
    cal = calendar or current_calendar()
    remaining = cal.workdays_between(today, due)
    threshold = due_soon_workdays()
    if due < today:
        state = DeadlineState.OVERDUE
        remaining = min(remaining, -1)  # overdue on a weekend still counts as past due
    elif remaining <= threshold:
        state = DeadlineState.DUE_SOON
    else:
        state = DeadlineState.NOT_DUE
    return DeadlineStatus(
        due=due, today=today, state=state, remaining_workdays=remaining, due_soon_workdays=threshold
    )
