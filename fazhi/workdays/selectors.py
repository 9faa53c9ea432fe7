"""Reads of the calendar and the rules (public reference data, the same for every user)."""

from __future__ import annotations

import calendar as stdlib_calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from fazhi.workdays.index import FIRST_DAY, LAST_DAY, current_calendar
from fazhi.workdays.models import CalendarYear, DeadlineRule


@dataclass(frozen=True)
class DayCell:
    day: date
    in_month: bool
    is_workday: bool
    name: str
    source: str
    provisional: bool
    is_today: bool

    @property
    def kind(self) -> str:
        """CSS class: holiday (named rest), makeup (调休上班), rest (weekend), work."""
        if self.is_workday:
            return "makeup" if self.day.weekday() >= 5 else "work"
        return "holiday" if self.name else "rest"

    @property
    def label(self) -> str:
        if self.kind == "makeup":
            return f"{self.name}调休上班" if self.name else "调休上班"
        if self.kind == "holiday":
            return f"{self.name}放假"
        if self.kind == "work" and self.name:
            return self.name
        return ""


@dataclass(frozen=True)
class MonthView:
    year: int
    month: int
    official: bool
    year_row: CalendarYear | None
    weeks: list[list[DayCell]]
    prev: date | None
    next: date | None
    workdays: int

    @property
    def days(self) -> list[DayCell]:
        return [cell for week in self.weeks for cell in week]


def parse_month(value: str | None) -> date:
    """First day of the month named ``YYYY-MM``; today's month when absent."""
    if not value:
        return timezone.localdate().replace(day=1)
    try:
        first = date.fromisoformat(f"{value.strip()}-01")
    except ValueError:
        raise ValidationError(f"月份“{value}”格式不正确，应为 YYYY-MM") from None
    if not FIRST_DAY <= first <= LAST_DAY:
        raise ValidationError("月份超出工作日历范围（1990 至 2100 年）")
    return first


def month_view(year: int, month: int) -> MonthView:
    cal = current_calendar()
    first = date(year, month, 1)
    last = date(year, month, stdlib_calendar.monthrange(year, month)[1])
    grid_start = max(first - timedelta(days=first.weekday()), FIRST_DAY)
    grid_end = min(last + timedelta(days=6 - last.weekday()), LAST_DAY)
    today = timezone.localdate()
    cells: list[DayCell] = []
    day = grid_start
    while day <= grid_end:
        info = cal.info(day)
        cells.append(
            DayCell(
                day=day,
                in_month=day.month == month,
                is_workday=info.is_workday,
                name=info.name,
                source=info.source,
                provisional=info.provisional,
                is_today=day == today,
            )
        )
        day += timedelta(days=1)
    weeks = [cells[i : i + 7] for i in range(0, len(cells), 7)]
    prev = (first - timedelta(days=1)).replace(day=1) if first > FIRST_DAY else None
    following = last + timedelta(days=1)
    return MonthView(
        year=year,
        month=month,
        official=cal.is_official(year),
        year_row=CalendarYear.objects.filter(year=year).first(),
        weeks=weeks,
        prev=prev,
        next=following if following <= LAST_DAY else None,
        workdays=cal.workdays_between(first - timedelta(days=1), last),
    )


def calendar_years() -> QuerySet[CalendarYear]:
    return CalendarYear.objects.select_related("imported_by").order_by("-year")


def rules_in_force(on: date) -> list[dict[str, Any]]:
    """Every rule version as {"rule", "in_force"}, the ones in force on ``on`` first, by code."""
    rules = DeadlineRule.objects.order_by("code", "-valid_from")
    rows = [{"rule": r, "in_force": r.is_valid_on(on)} for r in rules]
    return sorted(rows, key=lambda row: (not row["in_force"], row["rule"].code))
