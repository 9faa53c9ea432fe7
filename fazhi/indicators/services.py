"""Writes of the indicators module: indicators from plan targets, stored values (computed or
self-reported, versioned once a year is closed), closed years, 指标佐证 publication, the
assessment (schemes, items, scores, deductions) and the annual report's dates.
Each checks permission, runs in one transaction and is audited."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from fazhi.core import audit, dates, uploads
from fazhi.core.models import Organisation, Permission, User
from fazhi.core.services import _require
from fazhi.core.text import normalise, typed
from fazhi.indicators import registry
from fazhi.indicators.models import (
    EVIDENCE_UPLOADS,
    AnnualReport,
    AssessmentItem,
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
    verdict_over_units,
)
from fazhi.plans.models import Plan, Target, Task

MAX_VALUE = Decimal("999999999999")
MAX_POINTS = Decimal(1000)  # an item's 分值
MAX_DEDUCTION = Decimal(100)


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


# --- helpers ---------------------------------------------------------------------------


def _closed(year: int) -> bool:
    return ClosedYear.objects.filter(year=year).exists()


# What the value columns hold: DecimalField(max_digits=14, decimal_places=2); assessment
# points, scores and deductions: max_digits=6, decimal_places=2.
PLACES = 2
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)


def parse_decimal(
    raw: Any, label: str, *, high: Decimal = MAX_VALUE, whole: bool = False
) -> Decimal | None:
    """A typed figure exactly as it will be stored, or a Chinese ValidationError.

    Empty is None. Refused: what is not a plain number ("NaN", "Infinity", "1_0"), a negative,
    more than ``high``, more decimals than the column keeps (1e-30 would be stored as 0), and a
    fraction where ``whole`` (counts).
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    text = normalise(str(raw)).strip()  # parsing only: full-width digits are digits
    if not _NUMBER.fullmatch(text):
        raise ValidationError(f"{label}“{raw}”不是有效的数字")
    value = Decimal(text)
    if value < 0:
        raise ValidationError(f"{label}不能为负数")
    value = value.copy_abs()  # "-0" is 0
    if value > high:
        raise ValidationError(f"{label}不能超过 {high.normalize():f}")
    stored = value.quantize(registry.CENT)
    if stored != value:
        raise ValidationError(
            f"{label}“{raw}”最多保留 {PLACES} 位小数（按 {PLACES} 位小数保存会变成 {stored}），"
            "请核对后重新填写"
        )
    if whole and stored != stored.to_integral_value():
        raise ValidationError(f"{label}应为整数")
    return stored


MIN_YEAR = 2000  # no plan this platform follows starts earlier


def max_year() -> int:
    """The latest year anything may be planned for (core.dates.latest())."""
    return dates.latest().year


def check_year(year: Any, label: str = "年度") -> int:
    """``year`` if it is a plausible year for indicators, assessments and reports."""
    if isinstance(year, bool) or not isinstance(year, int) or not MIN_YEAR <= year <= max_year():
        raise ValidationError(f"{label}“{year}”不正确，应在 {MIN_YEAR}—{max_year()} 年之间")
    return year


def _check_uploads(files: Sequence[Upload]) -> list[uploads.Checked]:
    return uploads.check_all(EVIDENCE_UPLOADS, [(u.name, u.data) for u in files])


def _keep_uploads(
    files: Sequence[uploads.Checked], owner: Organisation, actor: User | None, **link: Any
) -> list[str]:
    for item in files:
        stored = uploads.file_store(data=item.data, kind=item.kind, content_type=item.content_type)
        Evidence.objects.create(
            owner_unit=owner, created_by=actor, name=item.name, file=stored, **link
        )
    return [item.name for item in files]


def _snapshot(v: IndicatorValue | None) -> dict[str, Any] | None:
    if v is None:
        return None
    return {
        "value": v.value,
        "numerator": v.numerator,
        "denominator": v.denominator,
        "status": v.status,
        "version": v.version,
        "note": v.note,
    }


# --- indicators from plan targets ------------------------------------------------------

_YEARS = re.compile(r"(20\d\d)\s*[-—–~至到]\s*(20\d\d)")
_YEAR = re.compile(r"(20\d\d)\s*年")


def plan_years(plan: Plan) -> tuple[int, int]:
    """The years a plan covers, from its title: (2022-2025年) or 2024年; else this year."""
    found = _YEARS.search(plan.title)
    if found and int(found.group(1)) <= int(found.group(2)):
        return int(found.group(1)), int(found.group(2))
    single = _YEAR.search(plan.title)
    if single:
        return int(single.group(1)), int(single.group(1))
    year = timezone.localdate().year
    return year, year


def _target_units(target: Target) -> list[int]:
    """The units the target applies to: the lead and responsible units of its measure's tasks."""
    if target.measure_id is None:
        return []
    tasks = Task.objects.filter(measure_id=target.measure_id)
    ids = set(tasks.values_list("lead_units", flat=True))
    ids |= set(tasks.values_list("responsible_units", flat=True))
    return sorted(i for i in ids if i is not None)


def indicator_create_from_target(*, actor: User | None, target: Target) -> Indicator:
    """The indicator that follows a plan target; computed when a registered source measures it."""
    _require(actor, Permission.SUPERVISE)
    with transaction.atomic():
        existing = Indicator.objects.filter(target=target).first()
        if existing is not None:
            return existing
        plan = target.plan
        first, last = plan_years(plan)
        prefix = str(target.measure.number) if target.measure else "总"
        siblings = Indicator.objects.filter(plan=plan, code__startswith=f"{prefix}.").count()
        source = registry.source_for_metric(target.metric)
        indicator = Indicator.objects.create(
            plan=plan,
            target=target,
            measure=target.measure,
            code=f"{prefix}.{siblings + 1}",
            name=target.metric[:255],
            comparator=target.comparator,
            target_value=target.value,
            unit=target.unit,
            first_year=first,
            last_year=last,
            kind=Kind.COMPUTED if source else Kind.SELF_REPORTED,
            source_key=source.key if source else "",
        )
        units = _target_units(target)
        indicator.units.set(units)
        audit.record(
            action="indicator.create",
            actor=actor,
            obj=indicator,
            after={
                "code": indicator.code,
                "name": indicator.name,
                "target": indicator.target_text,
                "years": [first, last],
                "kind": indicator.kind,
                "source": indicator.source_key,
                "units": units,
            },
        )
    return indicator


def indicators_sync(*, actor: User | None = None) -> int:
    """Create the indicators of plan targets that have none (plans imported before this module)."""
    _require(actor, Permission.SUPERVISE)
    made = 0
    for target in Target.objects.filter(indicator__isnull=True).select_related("plan", "measure"):
        indicator_create_from_target(actor=actor, target=target)
        made += 1
    return made


def applicable_units(indicator: Indicator) -> list[Organisation]:
    units = {u.pk: u for u in indicator.units.select_related("division")}
    for group in indicator.groups.prefetch_related("members__division"):
        for member in group.members.all():
            units.setdefault(member.pk, member)
    return sorted(units.values(), key=lambda u: u.path)


# --- stored values ---------------------------------------------------------------------


def _current(indicator: Indicator, year: int, unit: Organisation | None) -> IndicatorValue | None:
    return (
        IndicatorValue.objects.filter(indicator=indicator, year=year, unit=unit, is_current=True)
        .order_by("-version")
        .first()
    )


def _store(
    *,
    actor: User | None,
    indicator: Indicator,
    year: int,
    unit: Organisation | None,
    figure: registry.Value,
    kind: str,
    reason: str = "",
    action: str,
    known: dict[int | None, IndicatorValue] | None = None,
) -> tuple[IndicatorValue, bool]:
    """Write the unit's figure: in place while the year is open, as a new version once closed.

    ``known``: the year's current rows by unit, read beforehand (recomputation reads them in
    one query and writes only the figures that changed).
    """
    key = None if unit is None else unit.pk
    old = known.get(key) if known is not None else _current(indicator, year, unit)
    status = indicator.status_of(figure.value)
    same = old is not None and (old.value, old.numerator, old.denominator, old.note, old.kind) == (
        figure.value,
        figure.numerator,
        figure.denominator,
        figure.note,
        kind,
    )
    if same and not reason:
        return old, False  # type: ignore[return-value]
    now = timezone.now()
    before = _snapshot(old)
    if old is not None and (reason or _closed(year)):
        old.is_current = False
        old.save(update_fields=["is_current"])
        version = old.version + 1
        row = None
    else:
        version = 1 if old is None else old.version
        row = old
    if row is None:
        row = IndicatorValue(
            indicator=indicator,
            year=year,
            unit=unit,
            owner_unit=unit or indicator.plan.owner_unit,
            version=version,
        )
    row.created_by = actor
    row.kind = kind
    row.numerator, row.denominator, row.value = figure.numerator, figure.denominator, figure.value
    row.status = status
    row.note = figure.note
    row.reason = reason
    row.is_current = True
    row.computed_at = now
    row.save()
    audit.record(action=action, actor=actor, obj=row, before=before, after=_snapshot(row))
    return row, True


def indicator_recompute(
    *, actor: User | None = None, indicator: Indicator, years: Iterable[int] | None = None
) -> int:
    """Recompute a computed indicator's stored figures (total and per unit) for its open years.

    Closed years are left as they were: their figures change only by a revision with a reason.
    Returns how many stored figures changed.
    """
    _require(actor, Permission.SUPERVISE)
    if indicator.kind != Kind.COMPUTED:
        return 0
    source = registry.get_source(indicator.source_key)
    if source is None:
        return 0
    closed = set(ClosedYear.objects.values_list("year", flat=True))
    wanted = [y for y in (years or indicator.years) if y in indicator.years and y not in closed]
    units = applicable_units(indicator)
    changed = 0
    for year in wanted:
        figures = source.figures(units, year)
        with transaction.atomic():
            Indicator.objects.select_for_update().filter(pk=indicator.pk).first()
            known = {
                v.unit_id: v
                for v in IndicatorValue.objects.filter(
                    indicator=indicator, year=year, is_current=True
                )
            }
            for unit in [None, *units]:
                _, did = _store(
                    actor=actor,
                    indicator=indicator,
                    year=year,
                    unit=unit,
                    figure=figures[None if unit is None else unit.pk],
                    kind=Kind.COMPUTED,
                    action="indicator_value.compute",
                    known=known,
                )
                changed += did
    return changed


def indicators_recompute(
    *, actor: User | None = None, source_key: str | None = None, year: int | None = None
) -> int:
    """Recompute every computed indicator (of one source, for one year): for `fazhi tick`."""
    found = Indicator.objects.filter(kind=Kind.COMPUTED).exclude(source_key="")
    if source_key:
        found = found.filter(source_key=source_key)
    return sum(
        indicator_recompute(actor=actor, indicator=i, years=[year] if year else None) for i in found
    )


def _figure(
    indicator: Indicator, value: Any, numerator: Any, denominator: Any, *, note: str
) -> registry.Value:
    """A self-reported figure: a value, or a numerator and denominator to divide.

    Numerator and denominator count things (件, 人次): whole numbers. A rate's numerator is
    part of its denominator; a count indicator's value (讲座 2 期) is a whole number too.
    """
    percent = indicator.unit == "%"
    num = parse_decimal(numerator, "分子", whole=True)
    den = parse_decimal(denominator, "分母", whole=True)
    val = parse_decimal(value, "数值", whole=indicator.counts)
    if num is not None or den is not None:
        if num is None or den is None:
            raise ValidationError("请同时填写分子和分母，或只填写数值")
        if den == 0:
            raise ValidationError(
                "分母为零，无法计算比率；没有应计入的事项时请不填写，按无数据处理"
            )
        if num > den and percent:
            raise ValidationError("分子不能大于分母")
        ratio = registry.Value.ratio(num, den, percent=percent)
        return registry.Value(ratio.numerator, ratio.denominator, ratio.value, note)
    if val is None:
        raise ValidationError("请填写数值")
    if percent and val > 100:
        raise ValidationError("百分比不能超过 100")
    return registry.Value(None, None, val, note)


def indicator_value_report(
    *,
    actor: User,
    indicator_id: int,
    unit: Organisation,
    year: int,
    value: Any = None,
    numerator: Any = None,
    denominator: Any = None,
    note: str = "",
    files: Sequence[Upload] = (),
) -> IndicatorValue:
    """A unit reports its own figure (自报) with evidence; never another unit's."""
    _require(actor, Permission.REPORT)
    check_year(year)
    indicator = Indicator.objects.visible_to(actor).filter(pk=indicator_id).first()
    if indicator is None:
        raise ValidationError("指标不存在或无权填报")
    if actor.unit_id is None or actor.unit_id != unit.pk:
        audit.record(
            action="indicator_value.refused",
            actor=actor,
            obj=indicator,
            after={"unit": unit.pk, "reason": "other unit"},
        )
        raise ValidationError("只能填报本单位的指标数值，不能替其他单位填报")
    if indicator.kind != Kind.SELF_REPORTED:
        raise ValidationError("该指标由系统根据业务记录自动计算，不需要填报")
    if year not in indicator.years:
        raise ValidationError(f"该指标的考核年度为 {indicator.first_year}—{indicator.last_year} 年")
    allowed = {u.pk for u in applicable_units(indicator)}
    if allowed and unit.pk not in allowed:
        raise ValidationError("本单位不是该指标的责任单位")
    if _closed(year):
        raise ValidationError(
            f"{year}年度已关闭，数值不能再修改；如需更正，请联系督查员填写理由后修订"
        )
    note = typed(note, "说明", limit=2000)
    figure = _figure(indicator, value, numerator, denominator, note=note)
    checked = _check_uploads(files)
    with transaction.atomic():
        Indicator.objects.select_for_update().filter(pk=indicator.pk).first()
        row, _ = _store(
            actor=actor,
            indicator=indicator,
            year=year,
            unit=unit,
            figure=figure,
            kind=Kind.SELF_REPORTED,
            action="indicator_value.report",
        )
        if files:
            names = _keep_uploads(checked, unit, actor, value=row)
            audit.record(action="evidence.add", actor=actor, obj=row, after={"files": names})
    return row


def indicator_value_revise(
    *,
    actor: User,
    value_id: int,
    reason: str,
    value: Any = None,
    numerator: Any = None,
    denominator: Any = None,
    note: str = "",
) -> IndicatorValue:
    """Correct a stored figure with a reason: a new version; the old one stays on record."""
    _require(actor, Permission.SUPERVISE)
    reason = typed(reason, "修订理由", limit=255, required="修订已确定的数值必须填写理由")
    note = typed(note, "说明", limit=2000)
    with transaction.atomic():
        old = (
            IndicatorValue.objects.visible_to(actor)
            .select_related("indicator__plan")
            .filter(pk=value_id, is_current=True)
            .first()
        )
        if old is None:
            raise ValidationError("指标值不存在、无权修订或已有更新的版本")
        figure = _figure(old.indicator, value, numerator, denominator, note=note or old.note)
        row, _ = _store(
            actor=actor,
            indicator=old.indicator,
            year=old.year,
            unit=old.unit,
            figure=figure,
            kind=old.kind,
            reason=reason,
            action="indicator_value.revise",
        )
    return row


def year_close(*, actor: User | None, year: int, note: str = "") -> ClosedYear:
    """Close a year: its stored figures become the record (changes only by revision)."""
    _require(actor, Permission.SUPERVISE)
    check_year(year)
    if year > timezone.localdate().year:
        raise ValidationError("不能关闭尚未开始的年度")
    note = typed(note, "说明", limit=255)
    with transaction.atomic():
        if _closed(year):
            raise ValidationError(f"{year}年度已经关闭")
        closed = ClosedYear.objects.create(year=year, closed_by=actor, note=note)
        frozen = IndicatorValue.objects.filter(year=year, is_current=True).count()
        audit.record(
            action="indicator_year.close",
            actor=actor,
            obj=closed,
            after={"year": year, "values": frozen, "note": closed.note},
        )
    return closed


# --- 指标佐证 --------------------------------------------------------------------------


def _published_figure(indicator: Indicator, year: int) -> dict[str, Any]:
    """What 指标佐证 shows: the total, or for a self-reported indicator (no total) how many of
    the units that owe a figure reported and met the target, with the verdict over them."""
    if indicator.kind != Kind.SELF_REPORTED:
        total = _current(indicator, year, None)
        if total is None:
            raise ValidationError("该年度尚无合计数值，不能发布")
        return {
            "value": total.value,
            "numerator": total.numerator,
            "denominator": total.denominator,
            "status": total.status,
            "units_owed": None,
            "units_reported": None,
            "units_met": None,
        }
    owed = [u.pk for u in applicable_units(indicator)]
    statuses = list(
        IndicatorValue.objects.filter(
            indicator=indicator, year=year, is_current=True, unit__in=owed, value__isnull=False
        ).values_list("status", flat=True)
    )
    if not statuses:
        raise ValidationError("该年度尚无单位填报，不能发布")
    verdict = verdict_over_units(statuses, len(owed))
    return {
        "value": None,
        "numerator": None,
        "denominator": None,
        "status": verdict.status,
        "units_owed": len(owed),
        "units_reported": verdict.reported,
        "units_met": sum(s == Status.MET for s in statuses),
    }


def publication_publish(
    *, actor: User, indicator_id: int, year: int, statement: str
) -> Publication:
    """Publish the indicator's figure for a year on the public 指标佐证 page (a copy)."""
    _require(actor, Permission.SUPERVISE)
    check_year(year)
    statement = typed(
        statement, "公开说明", limit=4000, required="请填写公开说明（数据口径、来源等）"
    )
    with transaction.atomic():
        indicator = Indicator.objects.visible_to(actor).filter(pk=indicator_id).first()
        if indicator is None:
            raise ValidationError("指标不存在或无权发布")
        figure = _published_figure(indicator, year)
        publication, created = Publication.objects.update_or_create(
            indicator=indicator,
            year=year,
            defaults={
                **figure,
                "name": indicator.name,
                "target_text": indicator.target_text,
                "statement": statement,
                "published_by": actor,
            },
        )
        audit.record(
            action="publication.publish",
            actor=actor,
            obj=publication,
            after={**figure, "created": created},
        )
    return publication


# --- 考核评价 --------------------------------------------------------------------------


def unit_category(unit: Organisation) -> UnitCategory:
    """县（区）: a county government or zone committee; otherwise a city department."""
    from fazhi.core.models import OrgKind

    if unit.kind in (OrgKind.GOVERNMENT, OrgKind.ZONE_COMMITTEE) and unit.division.level in (
        "county",
        "zone",
    ):
        return UnitCategory.COUNTY
    return UnitCategory.DEPARTMENT


def scheme_create(
    *, actor: User, year: int, title: str, units: Sequence[Organisation]
) -> AssessmentScheme:
    _require(actor, Permission.SUPERVISE)
    check_year(year)
    title = typed(title, "考核方案名称", limit=255, required="请填写考核方案名称")
    if actor.unit is None:
        raise ValidationError("您的账号未分配单位")
    with transaction.atomic():
        if AssessmentScheme.objects.filter(year=year).exists():
            raise ValidationError(f"{year}年度的考核方案已经存在")
        scheme = AssessmentScheme.objects.create(
            year=year, title=title, owner_unit=actor.unit, created_by=actor
        )
        scheme.units.set(units)
        audit.record(
            action="assessment_scheme.create",
            actor=actor,
            obj=scheme,
            after={"year": year, "units": sorted(u.pk for u in units)},
        )
    return scheme


def scheme_units_set(
    *, actor: User, scheme_id: int, units: Sequence[Organisation]
) -> AssessmentScheme:
    _require(actor, Permission.SUPERVISE)
    with transaction.atomic():
        scheme = _scheme(actor, scheme_id)
        before = sorted(scheme.units.values_list("pk", flat=True))
        scheme.units.set(units)
        audit.record(
            action="assessment_scheme.units",
            actor=actor,
            obj=scheme,
            before=before,
            after=sorted(u.pk for u in units),
        )
    return scheme


def _scheme(actor: User, scheme_id: int) -> AssessmentScheme:
    scheme = (
        AssessmentScheme.objects.visible_to(actor).select_for_update().filter(pk=scheme_id).first()
    )
    if scheme is None:
        raise ValidationError("考核方案不存在或无权修改")
    if _closed(scheme.year):
        raise ValidationError(f"{scheme.year}年度已关闭，考核结果不能再修改")
    return scheme  # type: ignore[no-any-return]


def scheme_item_add(
    *,
    actor: User,
    scheme_id: int,
    name: str,
    points: Any,
    rule: str,
    indicator_id: int | None = None,
    applies_to: str = "",
) -> AssessmentItem:
    _require(actor, Permission.SUPERVISE)
    name = typed(name, "考核内容", limit=255, required="请填写考核内容")
    value = parse_decimal(points, "分值", high=MAX_POINTS)
    if value is None or value <= 0:
        raise ValidationError("分值应为 0 到 1000 之间的数字")
    if rule not in Rule.values:
        raise ValidationError("请选择评分规则")
    if applies_to and applies_to not in UnitCategory.values:
        raise ValidationError("适用对象不正确")
    with transaction.atomic():
        scheme = _scheme(actor, scheme_id)
        indicator = None
        if rule != Rule.ASSESSOR:
            indicator = Indicator.objects.visible_to(actor).filter(pk=indicator_id or 0).first()
            if indicator is None:
                raise ValidationError("按指标评分的项目必须选择一个指标")
            if scheme.year not in indicator.years:
                raise ValidationError(f"该指标不考核{scheme.year}年度")
        position = scheme.items.count() + 1
        item = AssessmentItem.objects.create(
            scheme=scheme,
            position=position,
            name=name,
            points=value,
            rule=rule,
            indicator=indicator,
            applies_to=applies_to,
        )
        audit.record(
            action="assessment_item.add",
            actor=actor,
            obj=item,
            after={
                "scheme": scheme.pk,
                "name": item.name,
                "points": value,
                "rule": rule,
                "indicator": indicator.pk if indicator else None,
            },
        )
    return item


def scheme_item_remove(*, actor: User, item_id: int) -> None:
    """Take an item out of a scheme; refused once it has scores, which would be lost."""
    _require(actor, Permission.SUPERVISE)
    with transaction.atomic():
        item = AssessmentItem.objects.select_related("scheme").filter(pk=item_id).first()
        if item is None:
            raise ValidationError("考核项目不存在")
        scheme = _scheme(actor, item.scheme_id)  # refuses a closed year
        if item.scores.exists():
            raise ValidationError(f"“{item.name}”已有评分，删除会丢失评分，不能删除")
        before = {"scheme": scheme.pk, "name": item.name, "points": item.points, "rule": item.rule}
        item_repr, item_pk = str(item), str(item.pk)
        item.delete()
        for position, rest in enumerate(scheme.items.order_by("position"), start=1):
            if rest.position != position:
                rest.position = position
                rest.save(update_fields=["position"])
        audit.record(
            action="assessment_item.remove",
            actor=actor,
            object_type="indicators.assessmentitem",
            object_id=item_pk,
            object_repr=item_repr,
            before=before,
        )


def scheme_copy(*, actor: User, from_scheme_id: int, year: int, title: str) -> AssessmentScheme:
    """Next year's scheme as a copy of an earlier one: same units and items, no scores."""
    _require(actor, Permission.SUPERVISE)
    # A closed year's scheme may be copied: that is the usual case.
    source = AssessmentScheme.objects.visible_to(actor).filter(pk=from_scheme_id).first()
    if source is None:
        raise ValidationError("要复制的考核方案不存在或无权查看")
    with transaction.atomic():
        scheme = scheme_create(actor=actor, year=year, title=title, units=list(source.units.all()))
        for item in source.items.order_by("position"):
            if item.indicator is not None and year not in item.indicator.years:
                continue  # the indicator does not run that year: left for the assessor to replace
            scheme_item_add(
                actor=actor,
                scheme_id=scheme.pk,
                name=item.name,
                points=item.points,
                rule=item.rule,
                indicator_id=item.indicator_id,
                applies_to=item.applies_to,
            )
    return scheme


def score_set(
    *,
    actor: User,
    item_id: int,
    unit: Organisation,
    score: Any,
    reason: str,
    files: Sequence[Upload] = (),
) -> AssessmentScore:
    """An assessor scores an assessor-scored item for a unit, with a reason."""
    _require(actor, Permission.SUPERVISE)
    reason = typed(reason, "评分理由", limit=2000, required="评分必须写明理由")
    value = parse_decimal(score, "得分", high=MAX_POINTS)
    checked = _check_uploads(files)
    with transaction.atomic():
        item = AssessmentItem.objects.select_related("scheme").filter(pk=item_id).first()
        if item is None:
            raise ValidationError("考核项目不存在")
        scheme = _scheme(actor, item.scheme_id)
        if item.rule != Rule.ASSESSOR:
            raise ValidationError("该项目按指标自动计分，不能人工评分")
        if not scheme.units.filter(pk=unit.pk).exists():
            raise ValidationError("该单位不是本年度的考核对象")
        if value is None or value > item.points:
            raise ValidationError(f"得分应在 0 到 {item.points.normalize():f} 分之间")
        old = AssessmentScore.objects.filter(item=item, owner_unit=unit).first()
        before = {"score": old.score, "reason": old.reason} if old else None
        row, _ = AssessmentScore.objects.update_or_create(
            item=item,
            owner_unit=unit,
            defaults={"score": value, "reason": reason, "created_by": actor},
        )
        names = _keep_uploads(checked, unit, actor, score=row) if files else []
        audit.record(
            action="assessment_score.set",
            actor=actor,
            obj=row,
            before=before,
            after={"score": value, "reason": reason, "files": names},
        )
    return row


def deduction_add(
    *,
    actor: User,
    scheme_id: int,
    unit: Organisation,
    points: Any,
    reason: str,
    files: Sequence[Upload] = (),
) -> Deduction:
    _require(actor, Permission.SUPERVISE)
    reason = typed(reason, "扣分理由", limit=2000, required="扣分必须写明理由")
    value = parse_decimal(points, "扣分", high=MAX_DEDUCTION)
    if value is None or value <= 0:
        raise ValidationError("扣分应为 0 到 100 之间的数字")
    checked = _check_uploads(files)
    with transaction.atomic():
        scheme = _scheme(actor, scheme_id)
        if not scheme.units.filter(pk=unit.pk).exists():
            raise ValidationError("该单位不是本年度的考核对象")
        row = Deduction.objects.create(
            scheme=scheme, owner_unit=unit, created_by=actor, points=value, reason=reason
        )
        names = _keep_uploads(checked, unit, actor, deduction=row) if files else []
        audit.record(
            action="assessment_deduction.add",
            actor=actor,
            obj=row,
            after={"points": value, "reason": reason, "files": names},
        )
    return row


# --- the annual report -----------------------------------------------------------------


def annual_report_ensure(*, actor: User | None, plan: Plan, year: int) -> AnnualReport:
    """Track the year's report: 报送 by 3月1日 and 公开 by 4月1日 of the next year (方案 三(一))."""
    _require(actor, Permission.SUPERVISE)
    check_year(year)
    with transaction.atomic():
        existing: AnnualReport | None = AnnualReport.objects.filter(plan=plan, year=year).first()
        if existing is not None:
            return existing
        report = AnnualReport.objects.create(
            plan=plan,
            year=year,
            owner_unit=plan.owner_unit,
            created_by=actor,
            submit_due_on=date(year + 1, 3, 1),
            publish_due_on=date(year + 1, 4, 1),
        )
        audit.record(
            action="annual_report.track",
            actor=actor,
            obj=report,
            after={"submit_due_on": report.submit_due_on, "publish_due_on": report.publish_due_on},
        )
    return report


def annual_report_mark(
    *,
    actor: User,
    report_id: int,
    submitted_on: date | None = None,
    published_on: date | None = None,
) -> AnnualReport:
    """Record the day the report was submitted (报送) or published (公开)."""
    _require(actor, Permission.SUPERVISE)
    today = timezone.localdate()
    with transaction.atomic():
        report = (
            AnnualReport.objects.visible_to(actor).select_for_update().filter(pk=report_id).first()
        )
        if report is None:
            raise ValidationError("年度报告不存在或无权修改")
        before = {"submitted_on": report.submitted_on, "published_on": report.published_on}
        year_start = date(report.year, 1, 1)
        if submitted_on is not None:
            report.submitted_on = dates.check(
                submitted_on, label="报送日期", earliest=year_start, latest_on=today,
                earliest_why=f"报告年度 {report.year} 年开始之前", latest_why="不能登记尚未发生的事项",
            )  # fmt: skip
        if published_on is not None:
            if report.submitted_on is None:
                raise ValidationError("报告尚未报送，不能先登记公开")
            report.published_on = dates.check(
                published_on, label="公开日期", earliest=report.submitted_on, latest_on=today,
                earliest_why="公开不能早于报送", latest_why="不能登记尚未发生的事项",
            )  # fmt: skip
        report.save(update_fields=["submitted_on", "published_on"])
        audit.record(
            action="annual_report.mark",
            actor=actor,
            obj=report,
            before=before,
            after={"submitted_on": report.submitted_on, "published_on": report.published_on},
        )
    return report  # type: ignore[no-any-return]


__all__ = [
    "Status",
    "Upload",
    "annual_report_ensure",
    "annual_report_mark",
    "applicable_units",
    "deduction_add",
    "indicator_create_from_target",
    "indicator_recompute",
    "indicator_value_report",
    "indicator_value_revise",
    "indicators_recompute",
    "indicators_sync",
    "plan_years",
    "publication_publish",
    "scheme_create",
    "scheme_item_add",
    "scheme_units_set",
    "score_set",
    "unit_category",
    "year_close",
]
