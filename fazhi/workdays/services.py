"""Writes of the calendar and the deadline rules: imports, day edits, rule versions (audited)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from fazhi.core import audit
from fazhi.core.models import Permission, User
from fazhi.core.services import _require
from fazhi.core.text import printable, safe_link
from fazhi.workdays.index import FALLBACK_SOURCE, fallback_days
from fazhi.workdays.models import (
    CalendarDay,
    CalendarStatus,
    CalendarVersion,
    CalendarYear,
    DeadlineRule,
)
from fazhi.workdays.registry import recompute_due_dates

MAX_HOLIDAY_FILE_BYTES = 256 * 1024


def bump_calendar_version() -> None:
    """Every calendar write calls this in its transaction so each process rebuilds its index."""
    CalendarVersion.objects.update_or_create(pk=1, defaults={"token": uuid.uuid4().hex})


# --- holiday files --------------------------------------------------------------


@dataclass(frozen=True)
class HolidayEntry:
    line: int
    day: date
    is_workday: bool
    name: str


@dataclass(frozen=True)
class HolidayFile:
    year: int
    papers: list[str]
    entries: list[HolidayEntry]


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _day_positions(text: str, decoder: json.JSONDecoder) -> list[int]:
    """Start offsets of the elements of the top-level "days" array, to name their lines."""
    pos = _skip_ws(text, 0)
    if text[pos : pos + 1] != "{":
        return []
    pos += 1
    while True:
        pos = _skip_ws(text, pos)
        if text[pos : pos + 1] in ("}", ""):
            return []
        key, pos = decoder.raw_decode(text, pos)
        pos = _skip_ws(text, pos) + 1  # the colon
        pos = _skip_ws(text, pos)
        if key != "days":
            _, pos = decoder.raw_decode(text, pos)
            pos = _skip_ws(text, pos)
            pos += 1 if text[pos : pos + 1] == "," else 0
            continue
        starts: list[int] = []
        pos = _skip_ws(text, pos + 1)  # past "["
        while text[pos : pos + 1] not in ("]", ""):
            starts.append(pos)
            _, pos = decoder.raw_decode(text, pos)
            pos = _skip_ws(text, pos)
            if text[pos : pos + 1] == ",":
                pos = _skip_ws(text, pos + 1)
        return starts


def holiday_file_parse(text: str, *, filename: str = "文件") -> HolidayFile:
    """Parse and check a holiday file (holiday-cn format); any bad entry refuses the whole file."""
    text = text.lstrip("\ufeff")
    decoder = json.JSONDecoder()
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(
            f"{filename} 第 {exc.lineno} 行：不是有效的 JSON（{exc.msg}）"
        ) from None
    if not isinstance(data, dict):
        raise ValidationError(f"{filename}：顶层应为对象，包含 year、papers、days")
    year = data.get("year")
    if isinstance(year, bool) or not isinstance(year, int) or not 1990 <= year <= 2100:
        raise ValidationError(f"{filename}：year 应为 1990 至 2100 之间的整数年份")
    papers = data.get("papers", [])
    if not isinstance(papers, list) or not all(isinstance(p, str) for p in papers):
        raise ValidationError(f"{filename}：papers 应为依据文件网址的列表")
    for paper in papers:
        if not safe_link(paper).startswith(("http://", "https://")):
            raise ValidationError(
                f"{filename}：papers 中的“{printable(paper)[:80]}”不是 http(s) 网址，"
                "依据文件只能链接到网页"
            )
    days = data.get("days")
    if not isinstance(days, list):
        raise ValidationError(f"{filename}：缺少 days 列表")
    if not days:
        raise ValidationError(
            f"{filename}：{year} 年没有任何日期（放假安排尚未发布），未导入；该年仍按推算计算"
        )
    lines = [_line_of(text, p) for p in _day_positions(text, decoder)]
    if len(lines) != len(days):  # cannot happen for valid JSON; keeps messages honest
        lines = [0] * len(days)
    entries: list[HolidayEntry] = []
    seen: dict[date, int] = {}
    first_allowed = date(year - 1, 12, 1)  # notices cover the New Year days of December too
    for raw, line in zip(days, lines, strict=True):
        where = f"{filename} 第 {line} 行"
        if not isinstance(raw, dict):
            raise ValidationError(f"{where}：每个日期应为对象（name、date、isOffDay）")
        name, day_text, off = raw.get("name"), raw.get("date"), raw.get("isOffDay")
        if not isinstance(name, str) or not name.strip():
            raise ValidationError(f"{where}：缺少节日名称 name")
        if not isinstance(off, bool):
            raise ValidationError(f"{where}：isOffDay 应为 true 或 false")
        try:
            day = date.fromisoformat(str(day_text))
        except ValueError:
            raise ValidationError(f"{where}：日期“{day_text}”格式不正确，应为 YYYY-MM-DD") from None
        if not first_allowed <= day <= date(year, 12, 31):
            raise ValidationError(f"{where}：日期 {day.isoformat()} 不属于 {year} 年的放假安排")
        if day in seen:
            raise ValidationError(
                f"{where}：日期 {day.isoformat()} 与第 {seen[day]} 行重复（条目重叠），整个文件未导入"
            )
        seen[day] = line
        entries.append(HolidayEntry(line=line, day=day, is_workday=not off, name=name.strip()))
    return HolidayFile(year=year, papers=list(papers), entries=entries)


@dataclass
class ImportResult:
    year: int
    created: int = 0
    updated: int = 0
    deleted: int = 0
    status_changed: bool = False
    recomputed: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted or self.status_changed)

    def summary(self) -> str:
        if not self.changed:
            return f"{self.year} 年：与已有日历一致，无变化"
        counts = "，".join(f"{name} {n} 项" for name, n in self.recomputed.items()) or "无"
        return (
            f"{self.year} 年：新增 {self.created} 天、修改 {self.updated} 天、删除 {self.deleted} 天；"
            f"重算到期日：{counts}"
        )


def calendar_import(*, actor: User | None, text: str, filename: str) -> ImportResult:
    """Import one year's official schedule; idempotent; recomputes stored due dates.

    The year's stored days are replaced by the file's; December days of the previous year
    that the notice covers are upserted. Registered recomputers run in the same transaction,
    so a failure leaves both the calendar and the due dates as they were.
    """
    _require(actor, Permission.MANAGE_CALENDAR)
    parsed = holiday_file_parse(text, filename=filename)
    source = f"导入：{filename}"
    result = ImportResult(year=parsed.year)
    with transaction.atomic():
        wanted = {e.day: e for e in parsed.entries}
        existing = {
            row.date: row
            for row in CalendarDay.objects.select_for_update().filter(
                date__gte=date(parsed.year - 1, 12, 1), date__lte=date(parsed.year, 12, 31)
            )
        }
        for day, stale in existing.items():
            if day.year == parsed.year and day not in wanted:
                stale.delete()
                result.deleted += 1
        for day, entry in wanted.items():
            row = existing.get(day)
            if row is None:
                CalendarDay.objects.create(
                    date=day, is_workday=entry.is_workday, name=entry.name, source=source
                )
                result.created += 1
            elif (row.is_workday, row.name, row.source) != (entry.is_workday, entry.name, source):
                row.is_workday, row.name, row.source = entry.is_workday, entry.name, source
                row.save(update_fields=["is_workday", "name", "source", "updated_at"])
                result.updated += 1
        year_row = CalendarYear.objects.filter(year=parsed.year).first()
        before = (
            None if year_row is None else {"status": year_row.status, "source": year_row.source}
        )
        result.status_changed = year_row is None or (
            year_row.status,
            year_row.source,
            year_row.papers,
        ) != (CalendarStatus.OFFICIAL, source, parsed.papers)
        if result.status_changed or year_row is None:
            year_row, _ = CalendarYear.objects.update_or_create(
                year=parsed.year,
                defaults={
                    "status": CalendarStatus.OFFICIAL,
                    "source": source,
                    "papers": parsed.papers,
                    "imported_at": timezone.now(),
                    "imported_by": actor,
                },
            )
        if not result.changed:
            return result
        bump_calendar_version()
        result.recomputed = recompute_due_dates(date(parsed.year, 1, 1), date(parsed.year, 12, 31))
        audit.record(
            action="calendar.imported",
            actor=actor,
            obj=year_row,
            before=before,
            after={
                "status": year_row.status,
                "source": source,
                "papers": parsed.papers,
                "created": result.created,
                "updated": result.updated,
                "deleted": result.deleted,
                "recomputed": result.recomputed,
            },
        )
    return result


def calendar_import_refused(*, actor: User | None, filename: str, reason: str) -> None:
    """Record a refused upload (the refused file itself changed nothing)."""
    with transaction.atomic():
        audit.record(
            action="calendar.import_refused",
            actor=actor,
            object_type="workdays.calendaryear",
            object_repr=filename[:255],
            after={"filename": filename, "reason": reason},
        )


# --- single days ----------------------------------------------------------------


def _ensure_year(year: int) -> CalendarYear:
    row = CalendarYear.objects.filter(year=year).first()
    if row is not None:
        return row
    # A year edited by hand before any import starts from its statutory fallback days.
    CalendarDay.objects.filter(date__year=year).delete()
    CalendarDay.objects.bulk_create(
        CalendarDay(date=day, is_workday=False, name=name, source=FALLBACK_SOURCE)
        for day, name in fallback_days(year)
    )
    return CalendarYear.objects.create(
        year=year, status=CalendarStatus.FALLBACK, source=FALLBACK_SOURCE
    )


def _day_snapshot(row: CalendarDay | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {"is_workday": row.is_workday, "name": row.name, "source": row.source}


def calendar_day_set(*, actor: User | None, day: date, is_workday: bool, name: str) -> CalendarDay:
    """Set one day by hand (a correction or a local arrangement); recomputes due dates."""
    _require(actor, Permission.MANAGE_CALENDAR)
    name = name.strip()
    if len(name) > 64:
        raise ValidationError("名称不能超过 64 个字")
    if not 1990 <= day.year <= 2100:
        raise ValidationError("日期超出工作日历范围（1990 至 2100 年）")
    who = (actor.name or actor.username) if actor is not None else "系统"
    with transaction.atomic():
        _ensure_year(day.year)
        row = CalendarDay.objects.select_for_update().filter(date=day).first()
        before = _day_snapshot(row)
        if row is None:
            row = CalendarDay(date=day)
        row.is_workday, row.name, row.source = is_workday, name, f"人工修改：{who}"
        row.save()
        bump_calendar_version()
        recomputed = recompute_due_dates(day, day)
        audit.record(
            action="calendar.day_set",
            actor=actor,
            obj=row,
            before=before,
            after={**(_day_snapshot(row) or {}), "recomputed": recomputed},
        )
    return row


def calendar_day_clear(*, actor: User | None, day: date) -> None:
    """Remove a day's entry so it follows the weekday rule again."""
    _require(actor, Permission.MANAGE_CALENDAR)
    with transaction.atomic():
        row = CalendarDay.objects.select_for_update().filter(date=day).first()
        if row is None:
            return
        before = _day_snapshot(row)
        row.delete()
        bump_calendar_version()
        recomputed = recompute_due_dates(day, day)
        audit.record(
            action="calendar.day_cleared",
            actor=actor,
            object_type="workdays.calendarday",
            object_id=day.isoformat(),
            object_repr=day.isoformat(),
            before=before,
            after={"recomputed": recomputed},
        )


# --- deadline rules -----------------------------------------------------------------

RULE_FIELDS = (
    "code", "name", "amount", "unit", "clock_start", "pause_events", "extension_amount",
    "extension_approver", "law", "article", "law_url", "note", "valid_from", "valid_to",
)  # fmt: skip


def _rule_snapshot(rule: DeadlineRule) -> dict[str, Any]:
    return {f: getattr(rule, f) for f in RULE_FIELDS}


def deadline_rule_save(*, actor: User | None, rule: DeadlineRule) -> DeadlineRule:
    """Create or change a rule version; refuses a validity window overlapping the same code's."""
    _require(actor, Permission.MANAGE_CALENDAR)
    if rule.law_url and not safe_link(rule.law_url):
        raise ValidationError("法规全文链接只能是 http(s) 网址或本平台的页面地址（以 / 开头）")
    with transaction.atomic():
        # Lock the code's versions so two admins cannot both add overlapping windows.
        list(DeadlineRule.objects.select_for_update().filter(code=rule.code))
        before = None
        if rule.pk is not None:
            old = DeadlineRule.objects.filter(pk=rule.pk).first()
            before = _rule_snapshot(old) if old is not None else None
        rule.full_clean(validate_constraints=False)
        rule.save()
        audit.record(
            action="deadline_rule.saved",
            actor=actor,
            obj=rule,
            before=before,
            after=_rule_snapshot(rule),
        )
    return rule


def deadline_rule_create(*, actor: User | None, **fields: Any) -> DeadlineRule:
    unknown = set(fields) - set(RULE_FIELDS)
    if unknown:
        raise ValidationError(f"未知的规则字段：{'、'.join(sorted(unknown))}")
    return deadline_rule_save(actor=actor, rule=DeadlineRule(**fields))


def deadline_rule_delete(*, actor: User | None, rule: DeadlineRule) -> None:
    _require(actor, Permission.MANAGE_CALENDAR)
    with transaction.atomic():
        before = _rule_snapshot(rule)
        audit.record(action="deadline_rule.deleted", actor=actor, obj=rule, before=before)
        rule.delete()
