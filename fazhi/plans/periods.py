"""Reporting periods (报告期) of a plan: monthly, quarterly, half-yearly or yearly, by key."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from fazhi.core.text import fold
from fazhi.plans.models import Plan, ReportFrequency

_KEY = {
    ReportFrequency.MONTHLY: re.compile(r"^(\d{4})-(\d{2})$"),
    ReportFrequency.QUARTERLY: re.compile(r"^(\d{4})-Q([1-4])$"),
    ReportFrequency.HALF_YEARLY: re.compile(r"^(\d{4})-H([12])$"),
    ReportFrequency.YEARLY: re.compile(r"^(\d{4})$"),
}
_MONTHS = {
    ReportFrequency.MONTHLY: 1,
    ReportFrequency.QUARTERLY: 3,
    ReportFrequency.HALF_YEARLY: 6,
    ReportFrequency.YEARLY: 12,
}


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    starts_on: date
    ends_on: date

    def is_open(self, today: date) -> bool:
        return self.starts_on <= today


def _make(frequency: str, year: int, index: int) -> Period:
    """The ``index``-th period (1-based) of ``year``."""
    months = _MONTHS[ReportFrequency(frequency)]
    first_month = (index - 1) * months + 1
    last_month = first_month + months - 1
    starts = date(year, first_month, 1)
    ends = date(year, last_month, calendar.monthrange(year, last_month)[1])
    if frequency == ReportFrequency.MONTHLY:
        key, label = f"{year}-{index:02d}", f"{year}年{index}月"
    elif frequency == ReportFrequency.QUARTERLY:
        key, label = f"{year}-Q{index}", f"{year}年第{index}季度"
    elif frequency == ReportFrequency.HALF_YEARLY:
        key, label = f"{year}-H{index}", f"{year}年{'上' if index == 1 else '下'}半年"
    else:
        key, label = f"{year}", f"{year}年度"
    return Period(key, label, starts, ends)


def period_of(frequency: str, day: date) -> Period:
    """The period ``day`` falls in."""
    months = _MONTHS[ReportFrequency(frequency)]
    return _make(frequency, day.year, (day.month - 1) // months + 1)


def parse_period(frequency: str, key: str) -> Period:
    """The period named by ``key`` (e.g. 2024-Q1), or a Chinese ValidationError."""
    match = _KEY[ReportFrequency(frequency)].match(key.strip())
    label = ReportFrequency(frequency).label
    if match is None:
        raise ValidationError(f"报告期“{key[:16]}”无效：本方案{label}报送")
    year = int(match[1])
    index = int(match[2]) if match.lastindex and match.lastindex > 1 else 1
    if not 2000 <= year <= 2100 or not 1 <= index <= 12 // _MONTHS[ReportFrequency(frequency)]:
        raise ValidationError(f"报告期“{key[:16]}”无效")
    return _make(frequency, year, index)


# A year the title names as the plan's own: "2024年…要点", "(2022-2025年)", "2022—2025".
_TITLE_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?=\s*(?:年|[-—–~至]\s*(?:19|20)\d\d))")


@dataclass(frozen=True)
class PlanStart:
    """The first day a plan may be reported on, and why that day."""

    day: date
    why: str


def plan_start(plan: Plan) -> PlanStart:
    """1 January of the first year the plan's title names (抚州市法治政府建设实施方案
    (2022-2025年) → 2022), else of the year it was imported. A plan has no start date of its
    own; its title is how a plan states its period, and no plan is reported on before the
    year it reached the platform unless its title says so. A title year later than the year
    after the import is not taken (a number, not the plan's period)."""
    imported = timezone.localtime(plan.created_at).year if plan.created_at else None
    imported = imported or timezone.localdate().year
    found = _TITLE_YEAR.search(fold(plan.title or ""))
    if found and 1949 < int(found[1]) <= imported + 1:
        return PlanStart(date(int(found[1]), 1, 1), f"方案标题所示起始年份为{found[1]}年")
    return PlanStart(date(imported, 1, 1), f"方案于{imported}年导入，标题未写明年份")


def previous(frequency: str, period: Period) -> Period:
    return period_of(frequency, period.starts_on - timedelta(days=1))


def recent(
    frequency: str, today: date, count: int = 4, *, since: date | None = None
) -> list[Period]:
    """The current period and the ``count - 1`` before it, newest first (none starting
    before ``since``, except the current one)."""
    periods = [period_of(frequency, today)]
    while len(periods) < count:
        before = previous(frequency, periods[-1])
        if since is not None and before.starts_on < since:
            break
        periods.append(before)
    return periods
