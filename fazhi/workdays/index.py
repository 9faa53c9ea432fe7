"""The in-memory working-day ordinal index over 1990–2100, cached per process per calendar version.

Every due-date computation is a few array look-ups on this index, so its cost does not
depend on the length of the period.
"""

from __future__ import annotations

import bisect
import threading
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate

import chinese_calendar
from django.core.exceptions import ValidationError

from fazhi.workdays.models import CalendarDay, CalendarStatus, CalendarVersion, CalendarYear

FIRST_DAY = date(1990, 1, 1)
LAST_DAY = date(2100, 12, 31)
WEEKDAY_NAMES = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
FALLBACK_SOURCE = "推算：《全国年节及纪念日放假办法》"
FALLBACK_NOTE = (
    "{years}尚未导入官方放假安排：按《全国年节及纪念日放假办法》推算，仅计入周末及"
    "元旦、清明节、劳动节、国庆节；春节、端午节、中秋节（农历节日）及调休上班日未知，结果为暂定。"
)


def fallback_days(year: int) -> list[tuple[date, str]]:
    """Statutory rest days of a year whose schedule is unpublished (solar-date holidays only).

    Lunar holidays need a lunar conversion that no installed package offers, so they are
    left out and every date computed over such a year is flagged provisional instead.
    """
    days = [(date(year, 1, 1), "元旦")]
    if year >= 2008:  # 清明 became a public holiday in the 2007 revision
        qingming = chinese_calendar.get_solar_terms(date(year, 4, 1), date(year, 4, 10))
        days += [(d, "清明节") for d, name in qingming if name == "清明"]
    labour = 2 if year >= 2025 else 1  # 2024 revision (in force 2025-01-01): 5/1–5/2
    days += [(date(year, 5, 1 + i), "劳动节") for i in range(labour)]
    days += [(date(year, 10, 1 + i), "国庆节") for i in range(3)]
    return days


@dataclass(frozen=True)
class DayInfo:
    day: date
    is_workday: bool
    name: str
    source: str
    provisional: bool

    @property
    def is_makeup_workday(self) -> bool:
        return self.is_workday and self.day.weekday() >= 5

    @property
    def is_holiday(self) -> bool:
        return not self.is_workday and bool(self.name)


def describe(day: date, note: str = "") -> str:
    """2026-10-10（星期六） or, with a note, 2026-10-10（星期六，国庆节调休上班日）."""
    extra = f"，{note}" if note else ""
    return f"{day.isoformat()}（{WEEKDAY_NAMES[day.weekday()]}{extra}）"


class WorkCalendar:
    """Working days as ordinals: cum[i] = working days on or before day i of the range."""

    def __init__(
        self,
        *,
        token: str,
        overrides: dict[date, tuple[bool, str, str]],
        years: dict[int, tuple[str, str]],
    ) -> None:
        self.token = token
        self.years = years  # year -> (status, source) for years that have a CalendarYear row
        self._base = FIRST_DAY.toordinal()
        size = LAST_DAY.toordinal() - self._base + 1
        first_weekday = FIRST_DAY.weekday()
        work = [(first_weekday + i) % 7 < 5 for i in range(size)]
        provisional = [False] * size
        named: dict[date, tuple[bool, str, str]] = {}
        for year in range(FIRST_DAY.year, LAST_DAY.year + 1):
            status = years.get(year, (CalendarStatus.FALLBACK, ""))[0]
            if status != CalendarStatus.OFFICIAL:
                start = date(year, 1, 1).toordinal() - self._base
                end = date(year, 12, 31).toordinal() - self._base
                provisional[start : end + 1] = [True] * (end - start + 1)
            if year not in years:
                for day, name in fallback_days(year):
                    named[day] = (False, name, FALLBACK_SOURCE)
        named.update(overrides)
        for day, (is_workday, _name, _source) in named.items():
            if FIRST_DAY <= day <= LAST_DAY:
                work[day.toordinal() - self._base] = is_workday
        self._work = work
        self._cum = list(accumulate(int(w) for w in work))
        self._workdays = [i for i, w in enumerate(work) if w]
        self._prov = provisional
        self._prov_cum = list(accumulate(int(p) for p in provisional))
        self._named = named
        self._named_dates = sorted(d for d in named if FIRST_DAY <= d <= LAST_DAY)
        self._provisional_year_list = [
            y for y in range(FIRST_DAY.year, LAST_DAY.year + 1) if not self.is_official(y)
        ]

    # --- positions -----------------------------------------------------------------

    def _index(self, day: date) -> int:
        if not FIRST_DAY <= day <= LAST_DAY:
            raise ValidationError(
                f"日期 {day.isoformat()} 超出工作日历的计算范围"
                f"（{FIRST_DAY.isoformat()} 至 {LAST_DAY.isoformat()}）"
            )
        return day.toordinal() - self._base

    def _date(self, index: int) -> date:
        return date.fromordinal(self._base + index)

    # --- queries (all O(1) except named_between, which is O(log n + k)) ----------------

    def is_workday(self, day: date) -> bool:
        return self._work[self._index(day)]

    def info(self, day: date) -> DayInfo:
        i = self._index(day)
        is_workday, name, source = self._named.get(day, (self._work[i], "", ""))
        return DayInfo(day, is_workday, name, source, self._prov[i])

    def nth_workday_after(self, day: date, n: int) -> date:
        """The n-th working day after ``day`` (the day itself is not counted)."""
        position = self._cum[self._index(day)] + n - 1
        if position >= len(self._workdays):
            raise ValidationError(f"期限超出工作日历的计算范围（至 {LAST_DAY.isoformat()}）")
        return self._date(self._workdays[position])

    def workdays_between(self, after: date, until: date) -> int:
        """Working days in (after, until]; negative when until is before after."""
        return self._cum[self._index(until)] - self._cum[self._index(after)]

    def next_workday_from(self, day: date) -> date:
        """``day`` itself if it is a working day, else the first working day after it."""
        i = self._index(day)
        return day if self._work[i] else self.nth_workday_after(day, 1)

    def provisional_days(self, after: date, until: date) -> int:
        """Days in (after, until] that come from a year without an official schedule."""
        return self._prov_cum[self._index(until)] - self._prov_cum[self._index(after)]

    def provisional_years(self, after: date, until: date) -> list[int]:
        """Years without an official schedule that (after, until] touches."""
        if self.provisional_days(after, until) == 0:
            return []
        first = (after + timedelta(days=1)).year
        lo = bisect.bisect_left(self._provisional_year_list, first)
        hi = bisect.bisect_right(self._provisional_year_list, until.year)
        return self._provisional_year_list[lo:hi]

    def is_official(self, year: int) -> bool:
        return self.years.get(year, (CalendarStatus.FALLBACK, ""))[0] == CalendarStatus.OFFICIAL

    def named_between(self, after: date, until: date, limit: int) -> tuple[list[date], int]:
        """The first ``limit`` named days (holidays, 调休) in (after, until], and how many there are."""
        lo = bisect.bisect_right(self._named_dates, after)
        hi = bisect.bisect_right(self._named_dates, until)
        return self._named_dates[lo : min(hi, lo + limit)], hi - lo


def build_calendar(token: str = "") -> WorkCalendar:
    overrides = {
        row.date: (row.is_workday, row.name, row.source) for row in CalendarDay.objects.all()
    }
    years = {row.year: (row.status, row.source) for row in CalendarYear.objects.all()}
    return WorkCalendar(token=token, overrides=overrides, years=years)


_lock = threading.Lock()
_cached: WorkCalendar | None = None


def current_token() -> str:
    token = CalendarVersion.objects.filter(pk=1).values_list("token", flat=True).first()
    return token or ""


def current_calendar() -> WorkCalendar:
    """The index for the calendar as stored now; one small query when the cache is fresh."""
    global _cached
    token = current_token()
    cached = _cached
    if cached is not None and cached.token == token:
        return cached
    with _lock:
        cached = build_calendar(token)
        _cached = cached
    return cached
