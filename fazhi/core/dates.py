"""Dates people and files give us: one parser with a Chinese message, one plausible range.

Every date a page, a service or a command accepts is checked here, so that 9999-12-31 or
2026-13-01 is a clear refusal and never reaches a 文号 (抚规〔9999〕1号), a deadline
computation (which would run past the end of the calendar) or a traceback.
"""

from __future__ import annotations

import re
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

# Nothing this platform records happened before the People's Republic.
EARLIEST = date(1949, 10, 1)

_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


def future_years() -> int:
    """How far ahead a planned date may lie (FAZHI_MAX_FUTURE_YEARS, default 10)."""
    return int(getattr(settings, "MAX_FUTURE_YEARS", 10))


def latest(today: date | None = None) -> date:
    """The latest date anything may be planned for: today plus future_years()."""
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year + future_years())
    except ValueError:  # 29 February
        return today.replace(year=today.year + future_years(), day=28)


def parse(text: str, label: str = "日期") -> date:
    """YYYY-MM-DD, or ValidationError: “日期”2026-13-01 不是有效的日期（应为 YYYY-MM-DD）."""
    found = _ISO.match(text or "")
    if found is None:
        raise ValidationError(f"“{label}”{text!s} 格式不正确，应为 YYYY-MM-DD，如 2026-09-30")
    try:
        return date(int(found[1]), int(found[2]), int(found[3]))
    except ValueError:
        raise ValidationError(f"“{label}”{text.strip()} 不是有效的日期") from None


def check(
    value: date,
    *,
    label: str = "日期",
    earliest: date | None = None,
    latest_on: date | None = None,
    earliest_why: str = "",
    latest_why: str = "",
) -> date:
    """``value`` if it lies in [earliest, latest_on] (defaults: EARLIEST, latest()), else a
    ValidationError that names the bound and, when given, why it is there."""
    low = earliest or EARLIEST
    high = latest_on or latest()
    if value < low:
        why = f"（{earliest_why}）" if earliest_why else ""
        raise ValidationError(f"“{label}”{value.isoformat()} 早于 {low.isoformat()}{why}，请核对")
    if value > high:
        why = f"（{latest_why}）" if latest_why else ""
        raise ValidationError(f"“{label}”{value.isoformat()} 晚于 {high.isoformat()}{why}，请核对")
    return value


def not_future(value: date, *, label: str = "日期", earliest: date | None = None) -> date:
    """A date something already happened on: not after today."""
    return check(
        value, label=label, earliest=earliest, latest_on=timezone.localdate(),
        latest_why="不能登记尚未发生的事项",
    )  # fmt: skip
