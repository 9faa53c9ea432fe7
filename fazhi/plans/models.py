"""Plans and their task ledger: 方案 → 章 → 措施 → 任务 (lead/responsible units, due date),
targets (指标), the original file, and the import draft kept until a person confirms it."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q

from fazhi.core.scoping import NOTHING, ScopedModel, ScopedQuerySet, scope_q


class SourceFile(models.Model):
    """An uploaded plan document, byte for byte (kept in the database: one transaction, one backup)."""

    name = models.CharField("文件名", max_length=255)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    content = models.BinaryField("内容")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "方案原件"
        verbose_name_plural = "方案原件"

    def __str__(self) -> str:
        return self.name


def _assigned_q(user: Any) -> Q:
    """Tasks whose lead or responsible units fall in the user's data scope."""
    through_lead = Task.lead_units.through
    through_resp = Task.responsible_units.through
    unit_scope = scope_q(
        user,
        unit_path="organisation__path",
        division_path="organisation__division__path",
        owner=None,
    )
    if unit_scope == NOTHING:
        return unit_scope
    lead = through_lead.objects.filter(unit_scope, task_id=OuterRef("pk"))
    resp = through_resp.objects.filter(unit_scope, task_id=OuterRef("pk"))
    return Q(Exists(lead)) | Q(Exists(resp))


class PlanQuerySet(ScopedQuerySet):
    def visible_to(self, user: Any) -> PlanQuerySet:
        """Plans owned within the user's scope, or with a task assigned to a unit in it."""
        owned = scope_q(
            user,
            unit_path="owner_unit_path",
            division_path="owner_division_path",
            owner="created_by",
        )
        assigned = Task.objects.filter(_assigned_q(user)).values("plan_id")
        return self.filter(owned | Q(pk__in=assigned))


class Plan(ScopedModel):
    """方案: owned by the importing user's unit; its original file is kept with it."""

    title = models.CharField("标题", max_length=255)
    source = models.OneToOneField(
        SourceFile, verbose_name="原件", on_delete=models.PROTECT, related_name="plan"
    )
    sha256 = models.CharField("原件 SHA-256", max_length=64, db_index=True)
    created_at = models.DateTimeField("导入时间", auto_now_add=True)

    objects: ClassVar[Any] = PlanQuerySet.as_manager()  # narrows ScopedModel.objects

    class Meta:
        verbose_name = "实施方案"
        verbose_name_plural = "实施方案"
        ordering: ClassVar[list[str]] = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class Chapter(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="chapters")
    number = models.CharField("编号", max_length=8)  # "一" as written in "(一)"
    title = models.CharField("标题", max_length=255)
    position = models.PositiveIntegerField("顺序")

    class Meta:
        verbose_name = "章"
        verbose_name_plural = "章"
        ordering: ClassVar[list[str]] = ["plan", "position"]

    def __str__(self) -> str:
        return f"({self.number}){self.title}"


class Measure(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="measures")
    chapter = models.ForeignKey(
        Chapter, null=True, blank=True, on_delete=models.CASCADE, related_name="measures"
    )
    number = models.PositiveIntegerField("序号")
    title = models.CharField("标题", max_length=255)

    class Meta:
        verbose_name = "措施"
        verbose_name_plural = "措施"
        ordering: ClassVar[list[str]] = ["plan", "number"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["plan", "number"], name="plans_measure_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.number}.{self.title}"


class TaskQuerySet(models.QuerySet["Task"]):
    def visible_to(self, user: Any) -> TaskQuerySet:
        """A plan's owner scope sees all its tasks; a unit sees the tasks it leads or shares."""
        owned = scope_q(
            user, unit_path="plan__owner_unit_path", division_path="plan__owner_division_path",
            owner="plan__created_by",
        )  # fmt: skip
        return self.filter(owned | _assigned_q(user))


class Recurrence(models.TextChoices):
    NONE = "", "不重复"
    YEARLY = "yearly", "每年"


class Task(models.Model):
    """任务: one annotated piece of a measure, with its units as written and as organisations."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="tasks")
    position = models.PositiveIntegerField("措施内序号")
    text = models.TextField("任务内容")
    source_text = models.TextField("原文", blank=True)
    lead_names = models.JSONField("牵头单位（原文）", default=list, blank=True)
    responsible_names = models.JSONField("责任单位（原文）", default=list, blank=True)
    lead_units = models.ManyToManyField(
        "core.Organisation", verbose_name="牵头单位", related_name="led_plan_tasks", blank=True
    )
    responsible_units = models.ManyToManyField(
        "core.Organisation", verbose_name="责任单位", related_name="shared_plan_tasks", blank=True
    )
    deadline_text = models.CharField("完成时限（原文）", max_length=64, blank=True)
    deadline_date = models.DateField("完成日期", null=True, blank=True)
    deadline_recurring = models.CharField(
        "重复", max_length=8, choices=Recurrence.choices, default=Recurrence.NONE, blank=True
    )
    deadline_ongoing = models.BooleanField("长期任务", default=False)
    # The next date the task is due (the date, or the next yearly date); None = no date.
    due_on = models.DateField("到期日", null=True, blank=True, db_index=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = "任务"
        verbose_name_plural = "任务"
        ordering: ClassVar[list[str]] = ["measure__number", "position"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["measure", "position"], name="plans_task_position_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure.number}.{self.position} {self.text[:30]}"

    @property
    def code(self) -> str:
        return f"{self.measure.number}.{self.position}"

    def compute_due_on(self, today: date) -> date | None:
        """The next due date from the stored deadline (yearly deadlines roll forward)."""
        from fazhi.plans.parsing.dates import next_due, parse_deadline

        if self.deadline_date is not None:
            return self.deadline_date
        if self.deadline_recurring and self.deadline_text:
            return next_due(parse_deadline(self.deadline_text), today)
        return None


class Comparator(models.TextChoices):
    GE = ">=", "不低于"
    LE = "<=", "不超过"
    EQ = "=", "等于"


class Target(models.Model):
    """指标 stated in a plan: what is measured, how it compares, the value and its unit."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    measure = models.ForeignKey(
        Measure, null=True, blank=True, on_delete=models.CASCADE, related_name="targets"
    )
    section = models.CharField(
        "所在部分", max_length=64, blank=True
    )  # for targets outside measures
    text = models.TextField("原文")
    metric = models.CharField("指标", max_length=255)
    comparator = models.CharField("比较", max_length=2, choices=Comparator.choices)
    value = models.DecimalField("目标值", max_digits=12, decimal_places=2)
    unit = models.CharField("单位", max_length=16)
    position = models.PositiveIntegerField("顺序")

    class Meta:
        verbose_name = "指标"
        verbose_name_plural = "指标"
        ordering: ClassVar[list[str]] = ["plan", "position"]

    def __str__(self) -> str:
        return f"{self.metric} {self.comparator} {self.value.normalize():f}{self.unit}"


class PlanDraftQuerySet(models.QuerySet["PlanDraft"]):
    def visible_to(self, user: Any) -> PlanDraftQuerySet:
        """A draft is its importer's own work in progress: nobody else sees it."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)


class PlanDraft(models.Model):
    """An import in progress: the parsed ledger (JSON) being corrected, and the file."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="导入人", on_delete=models.CASCADE, related_name="+"
    )
    source = models.ForeignKey(
        SourceFile, verbose_name="原件", on_delete=models.CASCADE, related_name="drafts"
    )
    text = models.TextField("规范化后的原文")
    data = models.JSONField("解析结果")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    objects = PlanDraftQuerySet.as_manager()

    class Meta:
        verbose_name = "方案导入草稿"
        verbose_name_plural = "方案导入草稿"
        ordering: ClassVar[list[str]] = ["-updated_at"]

    def __str__(self) -> str:
        return str(self.data.get("title") or self.source.name)
