"""依申请公开答复率 (措施20: 答复率达100%) computed from the disclosure module's requests.

The figure is the disclosure module's own: answered ÷ 应答复 (requests received in the year
that were answered or are past their due date unanswered), from
``fazhi.disclosure.selectors.answer_rates``; the drill-down lists ``rate_records``. The
disclosure module is imported lazily: this source registers only when it is installed.
"""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse

from fazhi.indicators.registry import Records, Value, register_source

KEY = "disclosure.answer_rate"
MAX_ROWS = 200


class _System:
    """The platform itself computing the stored figures over every unit (scoping treats it
    as unrestricted); each stored figure is then shown only within the reader's scope."""

    pk = None
    is_authenticated = True
    is_active = True
    is_superuser = True
    unit = None
    cached_roles: list[Any] = []


SYSTEM = _System()


def _figure(rates: list[Any]) -> Value:
    received = sum(r.received for r in rates)
    expected = sum(r.expected for r in rates)
    answered = sum(r.answered for r in rates)
    if not received:
        return Value.none("本年度没有收到依申请公开申请")
    if not expected:
        return Value.none(f"收到 {received} 件申请，均在答复期限内办理中，尚无应答复的申请")
    return Value.ratio(answered, expected)


def compute_all(year: int) -> dict[int | None, Value]:
    """Every unit's figure and the total, from one call of the disclosure selector."""
    from fazhi.disclosure.selectors import answer_rates

    rates = list(answer_rates(user=SYSTEM, year=year))
    figures: dict[int | None, Value] = {r.unit.pk: _figure([r]) for r in rates}
    figures[None] = _figure(rates)
    return figures


def compute(unit: Any, year: int) -> Value:
    figures = compute_all(year)
    key = None if unit is None else unit.pk
    return figures.get(key) or Value.none("本单位本年度没有收到依申请公开申请")


def records(user: Any, unit: Any, year: int) -> Records:
    """The requests owed a reply behind the figure, as far as ``user`` may see them."""
    from fazhi.disclosure.selectors import rate_records

    found = rate_records(
        user=user, year=year, measure="expected", unit_id=unit.pk if unit is not None else None
    )
    total = found.count()
    rows, urls = [], []
    for request in found[:MAX_ROWS]:
        rows.append(
            [
                str(request),
                request.owner_unit.display_name,
                request.received_on.isoformat() if request.received_on else "",
                request.replied_on.isoformat() if request.replied_on else "逾期未答复",
                "按期" if request.replied_on_time else ("逾期" if request.replied_on else ""),
            ]
        )
        try:
            urls.append(reverse("disclosure:detail", args=[request.pk]))
        except NoReverseMatch:
            urls.append("")
    return Records(["申请", "受理单位", "收到申请之日", "答复日期", "是否按期"], rows, urls, total)


def record_years(request: Any) -> list[int]:
    """A request counts in the year it was received (not yet received: in no year)."""
    return [request.received_on.year] if request.received_on else []


def register() -> None:
    register_source(
        KEY,
        "依申请公开答复率",
        compute,
        compute_all=compute_all,
        records=records,
        matches=("依申请公开", "答复率"),
        description="已答复的申请 ÷ 应答复的申请（本年度收到，已答复或已过答复期限），"
        "按收到申请之日计年度",
        model="disclosure.DisclosureRequest",
        record_years=record_years,
    )
