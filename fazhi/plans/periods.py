"""Reporting periods (报告期) of a plan: monthly, quarterly, half-yearly or yearly, by key."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError

from fazhi.plans.models import ReportFrequency

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


def previous(frequency: str, period: Period) -> Period:
    return period_of(frequency, period.starts_on - timedelta(days=1))


def recent(frequency: str, today: date, count: int = 4) -> list[Period]:
    """The current period and the ``count - 1`` before it, newest first."""
    periods = [period_of(frequency, today)]
    while len(periods) < count:
        periods.append(previous(frequency, periods[-1]))
    return periods
