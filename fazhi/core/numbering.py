"""Numbering: every 〔年〕N号 series of the platform (案号, 文书文号, 督办单, 三统一 登记号).

A module registers its series (a code and a Chinese name, with a default pattern); an
administrator sets the pattern per unit, or a default for every unit
(``number_pattern_set``). ``number_take`` gives the next number of a unit's series in a year:

* gap-free: the counter is written inside the caller's transaction, so an action that is
  rolled back gives its number back;
* race-free on both databases: the increment is one ``UPDATE … SET last = last + 1``, which
  holds the counter row's lock until the caller commits on PostgreSQL, and takes the write
  lock at once on SQLite (transactions there begin IMMEDIATE, so writers queue). A second
  taker waits and then reads the first one's number plus one.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from fazhi.core import audit
from fazhi.core.text import check_plain, tidy

if TYPE_CHECKING:
    from fazhi.core.models import NumberPattern, Organisation, User

MAX_LENGTH = 64  # of a pattern and of a number made from it (the columns that hold them)
PLACEHOLDERS = ("unit", "year", "seq")
_CODE = re.compile(r"^[a-z][a-z0-9_]*([.:][a-z0-9_.]+)*$")
_PAD = re.compile(r"^0[1-9]$")
EXAMPLE = "抚司公开〔{year}〕{seq}号"


@dataclass(frozen=True)
class Series:
    """A numbered series: ``code`` (case:disclosure, doc:<template>, plans.notice, …), its
    Chinese name and the pattern used where no administrator set one."""

    code: str
    name: str
    default: str


_SERIES: dict[str, Series] = {}


def register_series(code: str, name: str, default: str) -> Series:
    """Register (or replace) a series; call it from AppConfig.ready() or a declaration."""
    if not _CODE.match(code):
        raise ValueError(f"series code {code!r}: lower-case letters, digits, '_', '.', ':'")
    pattern_check(default)
    found = _SERIES[code] = Series(code, name, default)
    return found


def registered_series() -> list[Series]:
    return [s for _, s in sorted(_SERIES.items())]


def get_series(code: str) -> Series:
    try:
        return _SERIES[code]
    except KeyError:
        raise ValidationError(f"编号序列“{code}”不存在") from None


def series_for_document(template_code: str) -> str:
    """The series of a 法定文书 type: each document template numbers its own 文号."""
    return f"doc:{template_code}"


def series_label(value: object) -> str | None:
    found = _SERIES.get(str(value))
    return found.name if found else None


# --- patterns ---------------------------------------------------------------------


def pattern_check(pattern: str) -> str:
    """The pattern as stored, or ValidationError (Chinese) saying what is wrong with it."""
    pattern = check_plain(tidy(pattern), "编号格式")
    if not pattern:
        raise ValidationError(f"请填写编号格式，如 {EXAMPLE}")
    if len(pattern) > MAX_LENGTH:
        raise ValidationError(f"编号格式不能超过 {MAX_LENGTH} 个字（现为 {len(pattern)} 个）")
    try:
        parts = list(string.Formatter().parse(pattern))
    except ValueError:
        raise ValidationError("编号格式中的花括号 { } 不成对") from None
    used = set()
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in PLACEHOLDERS:
            raise ValidationError(
                f"编号格式只能使用 {{unit}}（单位简称）、{{year}}（年度）和 {{seq}}（序号），"
                f"不认识“{{{name}}}”"
            )
        if conversion or (spec and not (name == "seq" and _PAD.match(spec))):
            raise ValidationError("只有序号可以补零，写作 {seq:03}（补到 3 位）")
        used.add(name)
    if "seq" not in used:
        raise ValidationError(f"编号格式必须包含 {{seq}}（序号），如 {EXAMPLE}")
    if "year" not in used:
        raise ValidationError(
            f"编号格式必须包含 {{year}}（年度）：序号每年从 1 开始，没有年度会出现重复编号，"
            f"如 {EXAMPLE}"
        )
    return pattern


def number_format(pattern: str, *, unit: Organisation | None, year: int, seq: int) -> str:
    return pattern.format(unit=unit.display_name if unit is not None else "", year=year, seq=seq)


def number_pattern(*, unit: Organisation | None, series: str) -> str:
    """The pattern in force for ``unit``: its own, else the administrator's default, else
    the series' registered default."""
    from django.db.models import Q

    from fazhi.core.models import NumberPattern

    mine = Q(unit__isnull=True) | (Q(unit=unit) if unit is not None else Q(pk__in=[]))
    rows: dict[int | None, str] = dict(
        NumberPattern.objects.filter(mine, series=series).values_list("unit_id", "pattern")
    )
    if unit is not None and unit.pk in rows:
        return rows[unit.pk]
    return rows.get(None) or get_series(series).default


def _pattern_snapshot(row: NumberPattern | None) -> dict[str, object] | None:
    if row is None:
        return None
    return {
        "unit": str(row.unit) if row.unit else "默认",
        "series": row.series,
        "pattern": row.pattern,
    }


def number_pattern_set(
    *, actor: User | None, unit: Organisation | None, series: str, pattern: str
) -> NumberPattern:
    """Set the 编号格式 of ``series`` for ``unit`` (None: the default of every unit)."""
    from fazhi.core.models import NumberPattern, Permission
    from fazhi.core.services import _require

    _require(actor, Permission.MANAGE_SYSTEM)
    get_series(series)
    pattern = pattern_check(pattern)
    longest = number_format(pattern, unit=unit, year=9999, seq=99999)
    if len(longest) > MAX_LENGTH:
        raise ValidationError(f"按此格式生成的编号（如 {longest}）超过 {MAX_LENGTH} 个字，请缩短")
    with transaction.atomic():
        row = (
            NumberPattern.objects.select_for_update()
            .filter(series=series, unit=unit)
            .order_by()
            .first()
        )
        before = _pattern_snapshot(row)
        if row is None:
            row = NumberPattern(series=series, unit=unit)
        row.pattern = pattern
        row.save()
        audit.record(
            action="numbering.pattern_set", actor=actor, obj=row, before=before,
            after=_pattern_snapshot(row),
        )  # fmt: skip
    return row


def number_pattern_clear(*, actor: User | None, pattern_id: int) -> None:
    """Remove a 编号格式: the unit numbers by the default again."""
    from fazhi.core.models import NumberPattern, Permission
    from fazhi.core.services import _require

    _require(actor, Permission.MANAGE_SYSTEM)
    with transaction.atomic():
        row = NumberPattern.objects.select_for_update().filter(pk=pattern_id).order_by().first()
        if row is None:
            raise ValidationError("该编号格式不存在")
        audit.record(
            action="numbering.pattern_clear", actor=actor, obj=row, before=_pattern_snapshot(row)
        )
        row.delete()


# --- taking a number --------------------------------------------------------------


def number_take(*, unit: Organisation | None, series: str, year: int) -> tuple[int, str]:
    """The next (sequence, number text) of ``series`` for ``unit`` in ``year``.

    Must run inside the caller's transaction: the number is the caller's once it commits,
    and is given back if it rolls back (so the series has no gaps)."""
    from fazhi.core.models import NumberSeries

    spec = get_series(series)
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("number_take must run inside the transaction of the numbered write")
    counter = NumberSeries.objects.filter(unit=unit, series=series, year=year)
    if not counter.update(last=F("last") + 1):
        try:
            with transaction.atomic():  # a savepoint: losing the race to create is fine
                NumberSeries.objects.create(unit=unit, series=series, year=year, last=0)
        except IntegrityError:
            pass
        counter.update(last=F("last") + 1)
    seq = int(counter.values_list("last", flat=True).get())
    pattern = number_pattern(unit=unit, series=spec.code)
    text = number_format(pattern, unit=unit, year=year, seq=seq)
    if len(text) > MAX_LENGTH:
        raise ValidationError(f"编号“{text}”超过 {MAX_LENGTH} 个字，请系统管理员缩短编号格式")
    return seq, text
