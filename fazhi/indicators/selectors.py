"""Reads of the indicators module, every one scoped to the user: the dashboard, an indicator's
units and trend, the records behind a number, assessment results, report dates, 指标佐证."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from fazhi.core.models import Organisation
from fazhi.core.scoping import get_scoped_or_404
from fazhi.indicators import charts, registry
from fazhi.indicators.models import (
    AnnualReport,
    AssessmentScheme,
    AssessmentScore,
    ClosedYear,
    Deduction,
    Evidence,
    Indicator,
    IndicatorValue,
    Kind,
    Publication,
    Rule,
    Status,
    UnitCategory,
    Verdict,
    verdict_over_units,
)
from fazhi.indicators.services import applicable_units, unit_category

CSS = {Status.MET: "ok", Status.UNMET: "bad", Status.PARTIAL: "warn", Status.NO_DATA: ""}


def indicators_for(user: Any) -> QuerySet[Indicator]:
    found: QuerySet[Indicator] = Indicator.objects.visible_to(user)
    return found.select_related("plan", "measure").order_by("plan_id", "pk")


def indicator_for(user: Any, pk: int) -> Indicator:
    indicator: Indicator = get_scoped_or_404(indicators_for(user), user, pk=pk)
    return indicator


def years_for(user: Any) -> list[int]:
    spans = indicators_for(user).values_list("first_year", "last_year").distinct()
    years = {y for first, last in spans for y in range(first, last + 1)}
    return sorted(years)


def default_year(user: Any) -> int:
    """The latest year that has begun, among the years the user's indicators cover."""
    today = timezone.localdate().year
    years = [y for y in years_for(user) if y <= today]
    return max(years) if years else today


def closed_years() -> set[int]:
    return set(ClosedYear.objects.values_list("year", flat=True))


@dataclass
class UnitFigure:
    unit: Organisation
    category: str
    value: IndicatorValue | None

    @property
    def status(self) -> str:
        return self.value.status if self.value else Status.NO_DATA

    @property
    def display(self) -> str:
        return self.value.display if self.value else "无数据"

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)

    @property
    def css(self) -> str:
        return CSS[Status(self.status)]


@dataclass
class Row:
    indicator: Indicator
    year: int
    total: IndicatorValue | None
    sees_total: bool
    units: list[UnitFigure]
    trend: list[tuple[int, IndicatorValue | None]] = field(default_factory=list)
    # Self-reported indicators have no total: the trend is the share of units meeting it.
    share_trend: list[tuple[int, Decimal | None]] = field(default_factory=list)

    @property
    def has_trend(self) -> bool:
        return bool(self.trend or self.share_trend)

    @property
    def verdict(self) -> Verdict:
        """The total's state; over units, how many of those that owe a figure reported.

        Units owe a figure of a self-reported indicator; a computed one's unit figures come
        from records, and a unit without records owes none (无数据 there is not missing data).
        """
        if self.total is not None:
            return Verdict(Status(self.total.status))
        statuses = [u.status for u in self.units if u.value is not None]
        owed = len(self.units) if self.indicator.kind == Kind.SELF_REPORTED else len(statuses)
        return verdict_over_units(statuses, owed)

    @property
    def status(self) -> str:
        return self.verdict.status

    @property
    def status_label(self) -> str:
        """The verdict in full (达标, 数据不全（仅 1/14 个单位报送，已报送的均达标）…)."""
        return self.verdict.text

    @property
    def css(self) -> str:
        return CSS[self.verdict.status]

    @property
    def met(self) -> int:
        return sum(u.status == Status.MET for u in self.units)

    @property
    def reported(self) -> int:
        return sum(u.value is not None for u in self.units)

    @property
    def figure(self) -> str:
        """The year's figure: the total, else (self-reported) how many units meet the target."""
        if self.total is not None:
            return self.total.display
        if self.indicator.kind == Kind.SELF_REPORTED and self.units:
            return f"{self.met}/{len(self.units)} 个单位达标"
        return "无数据"

    def by_category(self) -> list[tuple[str, list[UnitFigure]]]:
        groups: dict[str, list[UnitFigure]] = defaultdict(list)
        for figure in self.units:
            groups[figure.category].append(figure)
        return [
            (str(UnitCategory(c).label), groups[c])
            for c in (UnitCategory.COUNTY, UnitCategory.DEPARTMENT)
            if groups[c]
        ]

    def unit_chart(self) -> str:
        bars = [
            charts.Bar(f.unit.display_name, f.value.value if f.value else None, f.status)
            for f in self.units
        ]
        return charts.bar_chart(
            bars,
            target=self.indicator.target_value,
            unit=self.indicator.unit,
            title=f"{self.indicator.name} {self.year}年 各单位",
        )

    def trend_chart(self) -> str:
        if self.share_trend:
            return charts.trend_chart(
                self.share_trend,
                target=Decimal(100),
                unit="%",
                title=f"{self.indicator.name} 历年达标单位占比",
            )
        points = [(y, v.value if v else None) for y, v in self.trend]
        return charts.trend_chart(
            points,
            target=self.indicator.target_value,
            unit=self.indicator.unit,
            title=f"{self.indicator.name} 历年趋势",
        )


def _visible_values(
    user: Any, indicators: list[Indicator], years: list[int]
) -> QuerySet[IndicatorValue]:
    values: QuerySet[IndicatorValue] = IndicatorValue.objects.visible_to(user)
    return values.filter(indicator__in=indicators, year__in=years, is_current=True).select_related(
        "unit", "indicator"
    )


def rows_for(user: Any, year: int, *, indicators: list[Indicator] | None = None) -> list[Row]:
    """One row per indicator the user may see: the total (if in scope), each visible unit, the trend."""
    indicators = indicators if indicators is not None else list(indicators_for(user))
    all_years = sorted({y for i in indicators for y in i.years} | {year})
    values = _visible_values(user, indicators, all_years)
    by_key: dict[tuple[int, int, int | None], IndicatorValue] = {}
    for value in values:
        by_key[(value.indicator_id, value.year, value.unit_id)] = value
    visible_units = set(Organisation.objects.visible_to(user).values_list("pk", flat=True))
    rows = []
    for indicator in indicators:
        total = by_key.get((indicator.pk, year, None))
        sees_total = indicator.plan.owner_unit_id in visible_units
        units = [
            UnitFigure(unit, unit_category(unit), by_key.get((indicator.pk, year, unit.pk)))
            for unit in applicable_units(indicator)
            if unit.pk in visible_units
        ]
        row = Row(indicator, year, total, sees_total, units)
        if indicator.kind == Kind.SELF_REPORTED and len(units) > 1:
            row.share_trend = [
                (y, met_share([by_key.get((indicator.pk, y, f.unit.pk)) for f in units]))
                for y in indicator.years
            ]
        elif sees_total:
            row.trend = [(y, by_key.get((indicator.pk, y, None))) for y in indicator.years]
        elif len(units) == 1:
            row.trend = [
                (y, by_key.get((indicator.pk, y, units[0].unit.pk))) for y in indicator.years
            ]
        rows.append(row)
    return rows


def met_share(values: list[IndicatorValue | None]) -> Decimal | None:
    """达标单位占比 among the units that owe a figure (one entry each, None: not reported),
    so that 1 unit of 14 reporting is 7%, not 100%; None (无数据) when none reported."""
    reported = [v for v in values if v is not None and v.value is not None]
    if not reported:
        return None
    met = sum(v.status == Status.MET for v in reported)
    return (Decimal(met) * 100 / len(values)).quantize(registry.CENT)


def row_for(user: Any, indicator: Indicator, year: int) -> Row:
    return rows_for(user, year, indicators=[indicator])[0]


def history_for(user: Any, indicator: Indicator, year: int) -> QuerySet[IndicatorValue]:
    """Every version of the year's figures the user may see, newest first (revisions kept)."""
    values: QuerySet[IndicatorValue] = IndicatorValue.objects.visible_to(user)
    return (
        values.filter(indicator=indicator, year=year)
        .select_related("unit", "created_by")
        .order_by("unit__path", "-version")
    )


@dataclass
class Drill:
    title: str
    records: registry.Records | None
    values: list[IndicatorValue]
    evidence: list[Evidence]


def drill_for(user: Any, indicator: Indicator, year: int, unit: Organisation | None) -> Drill:
    """The records behind a number: the source's rows (computed) or the report and its files."""
    if unit is not None and not Organisation.objects.visible_to(user).filter(pk=unit.pk).exists():
        raise Http404("单位不存在或无权查看")
    if unit is None and not row_for(user, indicator, year).sees_total:
        raise Http404("无权查看合计")
    who = unit.display_name if unit else "全部单位"
    values = list(history_for(user, indicator, year).filter(unit=unit))
    if indicator.kind == Kind.COMPUTED:
        source = registry.get_source(indicator.source_key)
        records = source.records(user, unit, year) if source and source.records else None
        return Drill(f"{who} {year}年", records, values, [])
    evidence: QuerySet[Evidence] = Evidence.objects.visible_to(user)
    files = list(
        evidence.filter(value__in=values)
        .select_related("file")
        .defer("file__content")
        .order_by("pk")
    )
    return Drill(f"{who} {year}年", None, values, files)


def evidence_for(user: Any, pk: int) -> Evidence:
    evidence: QuerySet[Evidence] = Evidence.objects.visible_to(user)
    found: Evidence = get_scoped_or_404(evidence, user, pk=pk)
    return found


def reportable_for(user: Any, year: int) -> list[tuple[Indicator, IndicatorValue | None]]:
    """Self-reported indicators the user's unit must report for ``year``, with its current figure."""
    unit = getattr(user, "unit", None)
    if unit is None:
        return []
    found = []
    for indicator in indicators_for(user).filter(kind=Kind.SELF_REPORTED):
        if year not in indicator.years:
            continue
        units = {u.pk for u in applicable_units(indicator)}
        if units and unit.pk not in units:
            continue
        current = IndicatorValue.objects.filter(
            indicator=indicator, year=year, unit=unit, is_current=True
        ).first()
        found.append((indicator, current))
    return found


# --- 考核评价 ---------------------------------------------------------------------------


def schemes_for(user: Any) -> QuerySet[AssessmentScheme]:
    schemes: QuerySet[AssessmentScheme] = AssessmentScheme.objects.visible_to(user)
    return schemes.order_by("-year")


def scheme_for(user: Any, pk: int) -> AssessmentScheme:
    scheme: AssessmentScheme = get_scoped_or_404(schemes_for(user), user, pk=pk)
    return scheme


@dataclass
class ItemScore:
    item: Any
    score: Decimal | None  # None: an assessor-scored item not yet scored
    basis: str


@dataclass
class Result:
    unit: Organisation
    category: str
    items: list[ItemScore]
    deductions: list[Deduction]
    rank: int | None = None  # None: not ranked (未评分, or nothing to rank by)

    @property
    def gained(self) -> Decimal:
        return sum((i.score or Decimal(0) for i in self.items), Decimal(0))

    @property
    def deducted(self) -> Decimal:
        return sum((d.points for d in self.deductions), Decimal(0))

    @property
    def total(self) -> Decimal:
        return self.gained - self.deducted

    @property
    def pending(self) -> list[Any]:
        """Its assessor-scored items not yet scored."""
        return [s.item for s in self.items if s.score is None]

    @property
    def unscored(self) -> bool:
        """No assessor has scored it yet (it has such items): its total is no standing."""
        assessed = [s for s in self.items if s.item.rule == Rule.ASSESSOR]
        return bool(assessed) and all(s.score is None for s in assessed)


@dataclass
class Ranking:
    """One category's ranking (县（区） or 市直部门): provisional while any unit of it has an
    item not yet scored; units no assessor has scored are 未评分, not tied on 0."""

    category: str
    label: str
    items: list[Any]  # the scheme's items that apply to the category: the columns
    results: list[Result]

    @property
    def pending_items(self) -> list[Any]:
        pending = {item.pk for r in self.results for item in r.pending}
        return [item for item in self.items if item.pk in pending]

    @property
    def pending_points(self) -> Decimal:
        return sum((item.points for item in self.pending_items), Decimal(0))

    @property
    def pending_units(self) -> int:
        return sum(bool(r.pending) for r in self.results)

    @property
    def provisional(self) -> bool:
        return bool(self.pending_items) or not self.items

    @property
    def state(self) -> str:
        return "暂定" if self.provisional else "最终"

    @property
    def notice(self) -> str:
        """Why the ranking is not final yet, "" when it is."""
        if not self.items:
            return "尚无适用于本类单位的考核项目，暂不排名。"
        if not self.pending_items:
            return ""
        points = f"{self.pending_points.normalize():f}"
        return (
            f"排名为暂定：{len(self.pending_items)} 个考核项尚未评分（共 {points} 分），"
            f"涉及 {self.pending_units} 个单位；全部评分后排名为最终结果。"
        )

    def state_of(self, result: Result) -> str:
        """暂定 / 最终 of one row, 未评分 for a unit no assessor has scored yet."""
        if result.rank is None:
            return "未评分" if result.unscored else "未排名"
        if result.pending:
            return f"暂定（{len(result.pending)} 项未评分）"
        return self.state

    @property
    def rows(self) -> list[tuple[Result, str, str]]:
        """(result, 名次 as shown, state) per unit, in ranking order."""
        return [
            (r, str(r.rank) if r.rank is not None else self.state_of(r), self.state_of(r))
            for r in self.results
        ]


def competition_ranks(results: list[Result]) -> None:
    """Standard competition ranking (1, 2, 2, 4) by total, of the units that have scores."""
    ranked = [r for r in results if not r.unscored]
    for result in ranked:
        result.rank = 1 + sum(other.total > result.total for other in ranked)
    for result in results:
        if result.unscored:
            result.rank = None


def _indicator_score(item: Any, value: IndicatorValue | None) -> tuple[Decimal, str]:
    if value is None or value.value is None:
        return Decimal(0), "无数据，不得分"
    if item.rule == Rule.MET_FULL:
        met = value.status == Status.MET
        return (
            item.points if met else Decimal(0)
        ), f"{value.display}，{'达标' if met else '未达标'}"
    target = item.indicator.target_value
    if target == 0 or value.status == Status.MET:
        share = Decimal(1)
    elif item.indicator.comparator == "<=":
        share = min(Decimal(1), target / value.value) if value.value else Decimal(1)
    else:
        share = min(Decimal(1), value.value / target)
    return (item.points * share).quantize(
        registry.CENT
    ), f"{value.display}，完成目标的{share * 100:.0f}%"


def rankings_for(user: Any, scheme: AssessmentScheme) -> list[Ranking]:
    """Each category's assessed units the user may see: item scores, deductions, total, rank."""
    visible = set(Organisation.objects.visible_to(user).values_list("pk", flat=True))
    units = [u for u in scheme.units.select_related("division").order_by("path") if u.pk in visible]
    items = list(scheme.items.select_related("indicator").order_by("position"))
    scores: QuerySet[AssessmentScore] = AssessmentScore.objects.visible_to(user)
    manual = {(s.item_id, s.owner_unit_id): s for s in scores.filter(item__scheme=scheme)}
    values = IndicatorValue.objects.visible_to(user).filter(
        indicator__in=[i.indicator_id for i in items if i.indicator_id],
        year=scheme.year,
        is_current=True,
        unit__in=units,
    )
    by_value = {(v.indicator_id, v.unit_id): v for v in values.select_related("indicator")}
    deductions: QuerySet[Deduction] = Deduction.objects.visible_to(user)
    cuts: dict[int, list[Deduction]] = defaultdict(list)
    for cut in deductions.filter(scheme=scheme).prefetch_related("evidence").order_by("pk"):
        cuts[cut.owner_unit_id].append(cut)
    rankings = []
    for category, label in UnitCategory.choices:
        columns = [i for i in items if not i.applies_to or i.applies_to == category]
        results = []
        for unit in (u for u in units if unit_category(u) == category):
            row = []
            for item in columns:
                if item.rule == Rule.ASSESSOR:
                    given = manual.get((item.pk, unit.pk))
                    row.append(
                        ItemScore(
                            item,
                            given.score if given else None,
                            given.reason if given else "尚未评分",
                        )
                    )
                else:
                    found = by_value.get((item.indicator_id, unit.pk))
                    row.append(ItemScore(item, *_indicator_score(item, found)))
            results.append(Result(unit, category, row, cuts.get(unit.pk, [])))
        if columns:
            competition_ranks(results)
        results.sort(key=lambda r: (r.rank is None, r.rank or 0, r.unit.path))
        rankings.append(Ranking(category, str(label), columns, results))
    return rankings


# --- the annual report ------------------------------------------------------------------


def reports_for(user: Any) -> QuerySet[AnnualReport]:
    reports: QuerySet[AnnualReport] = AnnualReport.objects.visible_to(user)
    return reports.select_related("plan").order_by("-year", "plan_id")


def report_deadlines(user: Any) -> list[dict[str, Any]]:
    """The open 报送 / 公开 dates of the user's reports, with their working-day state."""
    from fazhi.workdays.deadlines import deadline_state

    found = []
    for report in reports_for(user):
        for label, due, done in (
            ("报送", report.submit_due_on, report.submitted_on),
            ("公开", report.publish_due_on, report.published_on),
        ):
            state = None if done else deadline_state(due)
            found.append(
                {"report": report, "label": label, "due": due, "done": done, "state": state}
            )
    return found


# --- 指标佐证 (public, no login) ---------------------------------------------------------


def published_years() -> list[int]:
    return sorted(set(Publication.objects.values_list("year", flat=True)), reverse=True)


def publications(year: int) -> QuerySet[Publication]:
    return (
        Publication.objects.filter(year=year)
        .select_related("indicator")
        .order_by("indicator__code")
    )


def publication(year: int, pk: int) -> Publication:
    found: Publication = get_object_or_404(
        Publication.objects.select_related("indicator"), year=year, pk=pk
    )
    return found
