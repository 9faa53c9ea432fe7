"""Calendar days that differ from the weekday rule, per-year calendar status, and deadline rules."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q


class PeriodUnit(models.TextChoices):
    """期限单位."""

    WORKDAY = "workday", "工作日"
    DAY = "day", "日"
    MONTH = "month", "月"
    YEAR = "year", "年"


class CalendarStatus(models.TextChoices):
    OFFICIAL = "official", "官方"
    FALLBACK = "fallback", "推算"


class CalendarYear(models.Model):
    """一年日历的来源与状态：官方放假安排已导入，或按法定节日推算（暂定）."""

    year = models.PositiveSmallIntegerField("年份", unique=True)
    status = models.CharField("状态", max_length=16, choices=CalendarStatus.choices)
    source = models.CharField("来源", max_length=255, blank=True)
    papers = models.JSONField("依据文件", default=list, blank=True)
    imported_at = models.DateTimeField("导入时间", null=True, blank=True)
    imported_by = models.ForeignKey(
        "core.User", verbose_name="导入人", null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = "日历年度"
        verbose_name_plural = "日历年度"
        ordering: ClassVar[list[str]] = ["year"]

    def __str__(self) -> str:
        return f"{self.year}年（{self.get_status_display()}）"

    @property
    def is_official(self) -> bool:
        return self.status == CalendarStatus.OFFICIAL


class CalendarDay(models.Model):
    """A day whose status or name differs from the default (Mon–Fri work, Sat–Sun rest).

    Days without a row follow the default rule; a holiday falling on a weekend is still
    stored so the month view can name it, and a 调休 Saturday is stored as a working day.
    """

    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("工作日")
    name = models.CharField("名称", max_length=64, blank=True)
    source = models.CharField("来源", max_length=255, blank=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "日历日"
        verbose_name_plural = "日历日"
        ordering: ClassVar[list[str]] = ["date"]

    def __str__(self) -> str:
        kind = "上班" if self.is_workday else "休息"
        return f"{self.date.isoformat()} {self.name}{kind}"

    @property
    def is_makeup_workday(self) -> bool:
        """调休上班日: a Saturday or Sunday that is worked."""
        return self.is_workday and self.date.weekday() >= 5


class CalendarVersion(models.Model):
    """One row whose token changes with every calendar write.

    Each process caches the working-day index and rebuilds it when the token differs.
    A random token (not a counter) stays correct when a test's transaction is rolled back
    and a later change happens to produce the same count.
    """

    token = models.CharField(max_length=32)

    class Meta:
        verbose_name = "日历版本"
        verbose_name_plural = "日历版本"

    def __str__(self) -> str:
        return self.token


class DeadlineRule(models.Model):
    """A statutory period as data: amount, unit, clock events, extension and legal basis."""

    code = models.CharField(
        "代码",
        max_length=64,
        validators=[
            RegexValidator(
                r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$",
                "代码只能由小写字母、数字、下划线和点组成，如 disclosure.reply",
            )
        ],
    )
    name = models.CharField("名称", max_length=128)
    amount = models.PositiveIntegerField("期限数量")
    unit = models.CharField("单位", max_length=16, choices=PeriodUnit.choices)
    clock_start = models.CharField("起算事件", max_length=255)
    pause_events = models.CharField(
        "中止/恢复计时的事件", max_length=255, blank=True, help_text="不计入期限的情形"
    )
    extension_amount = models.PositiveIntegerField(
        "可延长数量", default=0, help_text="同一单位，0 表示不得延长"
    )
    extension_approver = models.CharField("延长审批人", max_length=128, blank=True)
    law = models.CharField("法律依据（法规名称）", max_length=128)
    article = models.CharField("条款", max_length=64)
    law_url = models.CharField(
        "法规全文链接", max_length=255, blank=True, help_text="法规库上线后链接到条文"
    )
    note = models.TextField("说明", blank=True)
    valid_from = models.DateField("施行日期")
    valid_to = models.DateField("失效日期", null=True, blank=True, help_text="空表示现行有效")

    class Meta:
        verbose_name = "期限规则"
        verbose_name_plural = "期限规则"
        ordering: ClassVar[list[str]] = ["code", "valid_from"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="workdays_rule_code_from"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="workdays_rule_window_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def legal_basis(self) -> str:
        return f"《{self.law}》{self.article}" if self.law else ""

    def is_valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def clean(self) -> None:
        if self.unit not in PeriodUnit.values:
            raise ValidationError({"unit": f"期限单位“{self.unit}”无效"})
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": "失效日期不能早于施行日期"})
        overlapping = DeadlineRule.objects.filter(code=self.code).exclude(pk=self.pk)
        overlapping = overlapping.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=self.valid_from)
        )
        if self.valid_to is not None:
            overlapping = overlapping.filter(valid_from__lte=self.valid_to)
        other = overlapping.first()
        if other is not None:
            until = other.valid_to.isoformat() if other.valid_to else "现行有效"
            raise ValidationError(
                f"规则 {self.code} 的有效期与已有版本（{other.valid_from.isoformat()} 至 {until}）重叠"
            )
