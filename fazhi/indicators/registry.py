"""The registry of computed indicator sources: each module registers how it computes its numbers.

A module adds its sources in its ``AppConfig.ready()``::

    from fazhi.indicators.registry import Records, Value, register_source

    register_source(
        "disclosure.answer_rate", "依申请公开答复率",
        compute=lambda unit, year: Value.ratio(answered, received),
        records=lambda user, unit, year: Records(...),   # the rows behind the number
        matches=("依申请公开", "答复率"),                   # plan targets it measures
        model="disclosure.DisclosureRequest",              # its saves trigger a recompute
        compute_all=lambda year: {unit_pk_or_None: Value, ...},  # optional, one pass
    )

``compute(unit, year)`` runs as the system (no user): ``unit`` None means the whole city.
It returns :class:`Value`; a source with no records returns ``Value.none()`` (无数据), never 0,
and ``Value.ratio`` turns a zero denominator into 无数据. The figures are stored per unit and
year (``IndicatorValue``) and read through the reader's scope; ``records(user, unit, year)``
lists the rows behind a number within the reader's scope.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Value:
    """A computed figure: numerator / denominator and the value (None = 无数据)."""

    numerator: Decimal | None
    denominator: Decimal | None
    value: Decimal | None
    note: str = ""

    @classmethod
    def none(cls, note: str = "暂无记录") -> Value:
        return cls(None, None, None, note)

    @classmethod
    def ratio(cls, numerator: Any, denominator: Any, *, percent: bool = True) -> Value:
        """numerator / denominator (× 100 as a percentage); a zero denominator is 无数据."""
        num = Decimal(numerator or 0)
        den = Decimal(denominator or 0)
        if den == 0:
            return cls(num, den, None, "分母为零（没有应计入的记录），不计算比率")
        value = num / den * (HUNDRED if percent else 1)
        return cls(num, den, value.quantize(CENT, rounding=ROUND_HALF_UP))

    @classmethod
    def count(cls, n: Any) -> Value:
        return cls(Decimal(n), None, Decimal(n))


@dataclass(frozen=True)
class Records:
    """The records behind a number, as the drill-down table shows them."""

    columns: Sequence[str]
    rows: Sequence[Sequence[str]]
    urls: Sequence[str] = ()  # per row, "" when a row has no page
    total: int | None = None  # rows may be a first page of ``total``

    @property
    def count(self) -> int:
        return len(self.rows) if self.total is None else self.total

    def items(self) -> list[tuple[str, Sequence[str]]]:
        """(url or "", cells) per row, for the drill-down table."""
        urls = list(self.urls) + [""] * (len(self.rows) - len(self.urls))
        return list(zip(urls, self.rows, strict=False))


Compute = Callable[[Any, int], Value]
# Optional: every unit's figure (by unit pk) and the total (None) for a year in one go.
ComputeAll = Callable[[int], dict[int | None, Value]]
RecordsFn = Callable[[Any, Any, int], Records]


@dataclass(frozen=True)
class Source:
    key: str
    name: str
    compute: Compute
    records: RecordsFn | None = None
    matches: tuple[str, ...] = field(default=())
    description: str = ""
    # The model whose saves change the figure ("app_label.Model"); None: only `tick` recomputes.
    model: str | None = None
    compute_all: ComputeAll | None = None
    # The years a saved record counts in (only those are recomputed); None: every year.
    record_years: Callable[[Any], Iterable[int]] | None = None

    def figures(self, units: Sequence[Any], year: int) -> dict[int | None, Value]:
        """The total (key None) and each unit's figure; 无数据 for units without records."""
        if self.compute_all is not None:
            found = self.compute_all(year)
            return {key: found.get(key) or Value.none() for key in [None, *(u.pk for u in units)]}
        result: dict[int | None, Value] = {None: self.compute(None, year)}
        for unit in units:
            result[unit.pk] = self.compute(unit, year)
        return result

    def fits(self, metric: str) -> bool:
        return bool(self.matches) and all(word in metric for word in self.matches)


_SOURCES: dict[str, Source] = {}


def register_source(
    key: str,
    name: str,
    compute: Compute,
    *,
    records: RecordsFn | None = None,
    matches: Sequence[str] = (),
    description: str = "",
    model: str | None = None,
    compute_all: ComputeAll | None = None,
    record_years: Callable[[Any], Iterable[int]] | None = None,
) -> Source:
    """Register (or replace) the source called ``key``."""
    source = Source(
        key, name, compute, records, tuple(matches), description, model, compute_all, record_years
    )
    _SOURCES[key] = source
    return source


def unregister_source(key: str) -> None:
    _SOURCES.pop(key, None)


def get_source(key: str) -> Source | None:
    return _SOURCES.get(key)


def sources() -> list[Source]:
    return [_SOURCES[k] for k in sorted(_SOURCES)]


def source_for_metric(metric: str) -> Source | None:
    """The registered source that measures a plan target's metric, if any."""
    for source in sources():
        if source.fits(metric):
            return source
    return None
