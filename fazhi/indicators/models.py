"""Indicators (指标) from plan targets, their yearly values as stable snapshots, closed years,
evidence files, the yearly assessment (考核评价), public evidence pages (指标佐证) and the
annual report's dates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from fazhi.core import uploads
from fazhi.core.scoping import ScopedModel
from fazhi.plans.models import Comparator

# Units that count things: the plans parser's count targets (次, 期, 场, 批, 轮) and the
# usual measure words of reported counts. A count is a whole number.
COUNT_UNITS = frozenset({"次", "期", "场", "批", "轮", "件", "个", "项", "人", "人次", "家", "篇"})


class Kind(models.TextChoices):
    COMPUTED = "computed", "系统计算"
    SELF_REPORTED = "self", "自报"


class Status(models.TextChoices):
    MET = "met", "达标"
    UNMET = "unmet", "未达标"
    # Of an indicator over several units only: every unit that reported meets the target,
    # but not every unit that owes a figure has reported yet.
    PARTIAL = "partial", "数据不全"
    NO_DATA = "no_data", "无数据"


@dataclass(frozen=True)
class Verdict:
    """The state of an indicator, and how many of the units that owe a figure gave one.

    ``owed`` is 0 where no unit owes a figure (a computed total: its records are all in
    the platform), so the verdict is complete.
    """

    status: Status
    reported: int = 0
    owed: int = 0

    @property
    def label(self) -> str:
        return str(self.status.label)

    @property
    def detail(self) -> str:
        """How partial the data is, while some units that owe a figure have not reported:
        “仅 3/14 个单位报送” (“…，已报送的均达标” when that is why it reads 数据不全)."""
        if self.status == Status.NO_DATA or self.reported >= self.owed:
            return ""
        coverage = f"仅 {self.reported}/{self.owed} 个单位报送"
        return f"{coverage}，已报送的均达标" if self.status == Status.PARTIAL else coverage

    @property
    def text(self) -> str:
        """The verdict as one phrase: 达标, 未达标（仅 3/14 个单位报送）,
        数据不全（仅 1/14 个单位报送，已报送的均达标）."""
        return f"{self.label}（{self.detail}）" if self.detail else self.label


def verdict_over_units(statuses: Sequence[str], owed: int) -> Verdict:
    """The verdict on a self-reported indicator from the statuses of the units that reported.

    Any unit below target: 未达标 (more reports cannot undo it). All reported units meet it:
    达标 once every unit that owes a figure has reported, else 数据不全. None: 无数据.
    """
    reported = [s for s in statuses if s != Status.NO_DATA]
    if not reported:
        return Verdict(Status.NO_DATA, 0, owed)
    if any(s != Status.MET for s in reported):
        return Verdict(Status.UNMET, len(reported), owed)
    state = Status.MET if len(reported) >= owed else Status.PARTIAL
    return Verdict(state, len(reported), owed)


def compare(value: Decimal | None, comparator: str, target: Decimal) -> Status:
    """达标 / 未达标 of a value against a target; no value is 无数据, never a failure."""
    if value is None:
        return Status.NO_DATA
    ok = {
        Comparator.GE: value >= target,
        Comparator.LE: value <= target,
        Comparator.EQ: value == target,
    }[Comparator(comparator)]
    return Status.MET if ok else Status.UNMET


class IndicatorQuerySet(models.QuerySet["Indicator"]):
    def visible_to(self, user: Any) -> IndicatorQuerySet:
        """Whoever may see the plan sees its targets (as in the plan's ledger)."""
        from fazhi.plans.models import Plan

        return self.filter(plan__in=Plan.objects.visible_to(user).values("pk"))


class Indicator(models.Model):
    """指标: a plan target followed over the plan's years, computed or self-reported."""

    plan = models.ForeignKey(
        "plans.Plan", verbose_name="方案", on_delete=models.CASCADE, related_name="indicators"
    )
    target = models.OneToOneField(
        "plans.Target",
        verbose_name="方案指标",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="indicator",
    )
    measure = models.ForeignKey(
        "plans.Measure",
        verbose_name="所属措施",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    code = models.CharField("编号", max_length=16)
    name = models.CharField("名称", max_length=255)
    comparator = models.CharField("比较", max_length=2, choices=Comparator.choices)
    target_value = models.DecimalField("目标值", max_digits=12, decimal_places=2)
    unit = models.CharField("单位", max_length=16)
    first_year = models.PositiveSmallIntegerField("起始年度")
    last_year = models.PositiveSmallIntegerField("截止年度")
    kind = models.CharField("计量方式", max_length=8, choices=Kind.choices)
    source_key = models.CharField("数据来源", max_length=64, blank=True)
    units = models.ManyToManyField(
        "core.Organisation", verbose_name="适用单位", related_name="+", blank=True
    )
    groups = models.ManyToManyField(
        "core.OrgGroup", verbose_name="适用单位组", related_name="+", blank=True
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = "指标"
        verbose_name_plural = "指标"
        ordering: ClassVar[list[str]] = ["plan", "pk"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["plan", "code"], name="indicators_code_unique"),
            models.CheckConstraint(
                condition=Q(last_year__gte=models.F("first_year")),
                name="indicators_years_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def target_text(self) -> str:
        return f"{Comparator(self.comparator).label}{self.target_value.normalize():f}{self.unit}"

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.last_year + 1))

    @property
    def counts(self) -> bool:
        """Its figure counts things (讲座 2 期): a whole number."""
        return self.unit in COUNT_UNITS

    def status_of(self, value: Decimal | None) -> Status:
        return compare(value, self.comparator, self.target_value)


class ClosedYear(models.Model):
    """A year whose figures are final: recomputation stops, changes need a reason."""

    year = models.PositiveSmallIntegerField("年度", primary_key=True)
    closed_at = models.DateTimeField("关闭时间", auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="关闭人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField("说明", max_length=255, blank=True)

    class Meta:
        verbose_name = "已关闭年度"
        verbose_name_plural = "已关闭年度"
        ordering: ClassVar[list[str]] = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}年"


class IndicatorValue(ScopedModel):
    """One unit's figure for one indicator and year (``unit`` empty: the whole plan's total).

    Stored, not computed on read, so that a past year's figure stays what it was; a change
    to a closed year adds a new version with its reason, the old one kept.
    """

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    year = models.PositiveSmallIntegerField("年度", db_index=True)
    unit = models.ForeignKey(
        "core.Organisation",
        verbose_name="单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField("计量方式", max_length=8, choices=Kind.choices)
    numerator = models.DecimalField("分子", max_digits=14, decimal_places=2, null=True, blank=True)
    denominator = models.DecimalField(
        "分母", max_digits=14, decimal_places=2, null=True, blank=True
    )
    value = models.DecimalField("数值", max_digits=14, decimal_places=2, null=True, blank=True)
    status = models.CharField("状态", max_length=8, choices=Status.choices)
    note = models.TextField("说明", blank=True)
    version = models.PositiveSmallIntegerField("版本", default=1)
    is_current = models.BooleanField("当前版本", default=True)
    reason = models.CharField("修订理由", max_length=255, blank=True)
    computed_at = models.DateTimeField("计算（填报）时间")

    class Meta:
        verbose_name = "指标值"
        verbose_name_plural = "指标值"
        ordering: ClassVar[list[str]] = ["indicator", "year", "unit__path", "-version"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["indicator", "year", "unit", "version"], name="indicators_value_version"
            )
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["indicator", "year", "is_current"], name="indicators_value_cur"),
        ]

    def __str__(self) -> str:
        who = self.unit.display_name if self.unit_id and self.unit else "合计"
        return f"{self.indicator.code} {self.year} {who}"

    @property
    def display(self) -> str:
        if self.value is None:
            return "无数据"
        return f"{self.value.normalize():f}{self.indicator.unit}"


# 佐证材料 of a value, a score or a deduction: office files, PDF/OFD and photos, the
# extension saying what the content must be.
EVIDENCE_UPLOADS = uploads.Policy(
    label="佐证材料", kinds=("pdf", "ofd", "docx", "xlsx", "doc", "xls", "jpg", "png"),
    max_bytes=10 * 1024 * 1024, max_files=10,
)  # fmt: skip


class Evidence(ScopedModel):
    """A file proving a self-reported value, a score or a deduction (EVIDENCE_UPLOADS); its
    bytes are a core StoredFile."""

    value = models.ForeignKey(
        IndicatorValue, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    score = models.ForeignKey(
        "AssessmentScore",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    deduction = models.ForeignKey(
        "Deduction", null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    name = models.CharField("文件名", max_length=255)
    file = models.ForeignKey(
        "core.StoredFile", verbose_name="文件", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        ordering: ClassVar[list[str]] = ["pk"]

    def __str__(self) -> str:
        return self.name


# --- 考核评价 -----------------------------------------------------------------------


class UnitCategory(models.TextChoices):
    DEPARTMENT = "department", "市直部门"
    COUNTY = "county", "县（区）"


class Rule(models.TextChoices):
    MET_FULL = "met_full", "指标达标得满分，未达标或无数据不得分"
    PROPORTIONAL = "proportional", "按完成目标的比例得分"
    ASSESSOR = "assessor", "评分人评分（须写明理由）"


class AssessmentScheme(ScopedModel):
    """考核方案 of one year: items and assessed units are data an admin edits each year."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    title = models.CharField("名称", max_length=255)
    units = models.ManyToManyField(
        "core.Organisation", verbose_name="考核对象", related_name="+", blank=True
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "考核方案"
        verbose_name_plural = "考核方案"
        ordering: ClassVar[list[str]] = ["-year"]

    def __str__(self) -> str:
        return self.title


class AssessmentItem(models.Model):
    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField("顺序")
    name = models.CharField("考核内容", max_length=255)
    points = models.DecimalField("分值", max_digits=6, decimal_places=2)
    rule = models.CharField("评分规则", max_length=16, choices=Rule.choices)
    indicator = models.ForeignKey(
        Indicator,
        verbose_name="依据指标",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    applies_to = models.CharField(
        "适用对象", max_length=16, choices=UnitCategory.choices, blank=True
    )  # empty: both

    class Meta:
        verbose_name = "考核项目"
        verbose_name_plural = "考核项目"
        ordering: ClassVar[list[str]] = ["scheme", "position"]

    def __str__(self) -> str:
        return f"{self.name}（{self.points.normalize():f}分）"


class AssessmentScore(ScopedModel):
    """An assessor's score of one item for one unit (owner_unit = the assessed unit)."""

    item = models.ForeignKey(AssessmentItem, on_delete=models.CASCADE, related_name="scores")
    score = models.DecimalField("得分", max_digits=6, decimal_places=2)
    reason = models.TextField("评分理由")
    scored_at = models.DateTimeField("评分时间", auto_now=True)

    class Meta:
        verbose_name = "考核评分"
        verbose_name_plural = "考核评分"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["item", "owner_unit"], name="indicators_score_unique")
        ]

    def __str__(self) -> str:
        return f"{self.item.name} {self.owner_unit}"


class Deduction(ScopedModel):
    """扣分 of a unit in a year's assessment, with its reason and evidence."""

    scheme = models.ForeignKey(
        AssessmentScheme, on_delete=models.CASCADE, related_name="deductions"
    )
    points = models.DecimalField("扣分", max_digits=6, decimal_places=2)
    reason = models.TextField("扣分理由")
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "扣分"
        verbose_name_plural = "扣分"
        ordering: ClassVar[list[str]] = ["pk"]

    def __str__(self) -> str:
        return f"{self.owner_unit} -{self.points.normalize():f}"


# --- 指标佐证 (public) ----------------------------------------------------------------


class Publication(models.Model):
    """指标佐证: an aggregate figure of an indicator and year, copied when published.

    The public page reads only these rows, so nothing unit-private can reach it.
    """

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="publications")
    year = models.PositiveSmallIntegerField("年度")
    value = models.DecimalField("数值", max_digits=14, decimal_places=2, null=True, blank=True)
    numerator = models.DecimalField("分子", max_digits=14, decimal_places=2, null=True, blank=True)
    denominator = models.DecimalField(
        "分母", max_digits=14, decimal_places=2, null=True, blank=True
    )
    status = models.CharField("状态", max_length=8, choices=Status.choices)
    # Self-reported indicators: how many units owe a figure, reported one, meet the target.
    units_owed = models.PositiveIntegerField("应报送单位数", null=True, blank=True)
    units_reported = models.PositiveIntegerField("已报送单位数", null=True, blank=True)
    units_met = models.PositiveIntegerField("达标单位数", null=True, blank=True)
    name = models.CharField("指标名称", max_length=255)
    target_text = models.CharField("目标", max_length=64)
    statement = models.TextField("说明")
    published_at = models.DateTimeField("发布时间", auto_now=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "指标佐证"
        verbose_name_plural = "指标佐证"
        ordering: ClassVar[list[str]] = ["-year", "indicator__code"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["indicator", "year"], name="indicators_pub_unique")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.name}"

    @property
    def verdict(self) -> Verdict:
        return Verdict(Status(self.status), self.units_reported or 0, self.units_owed or 0)

    @property
    def figure(self) -> str:
        """The published figure: the total, or for a self-reported indicator its units."""
        if self.units_owed is not None:
            return f"{self.units_met or 0}/{self.units_owed} 个单位达标"
        if self.value is None:
            return "无数据"
        return f"{self.value.normalize():f}{self.indicator.unit}"


# --- 法治政府建设情况报告 ------------------------------------------------------------


class AnnualReport(ScopedModel):
    """The year's report and its two dates: 报送 by 3月1日, 公开 by 4月1日 of the next year."""

    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField("报告年度")
    submit_due_on = models.DateField("报送期限")
    publish_due_on = models.DateField("公开期限")
    submitted_on = models.DateField("报送日期", null=True, blank=True)
    published_on = models.DateField("公开日期", null=True, blank=True)

    class Meta:
        verbose_name = "年度报告"
        verbose_name_plural = "年度报告"
        ordering: ClassVar[list[str]] = ["-year"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["plan", "year"], name="indicators_report_unique")
        ]

    def __str__(self) -> str:
        return f"{self.year}年度法治政府建设情况报告"
