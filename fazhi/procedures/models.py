"""Cases on the engine: the stored state and due date, the append-only event log, documents,
and the replaceable .docx templates (案号 come from fazhi.core.numbering)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.db.models import Q

from fazhi.core.scoping import ScopedModel


class Owed(models.TextChoices):
    """Who owes the next step while ``due_on`` runs: the office, the applicant or a third party."""

    OFFICE = "office", "承办机关"
    APPLICANT = "applicant", "申请人"
    THIRD_PARTY = "third_party", "第三方"


class Case(ScopedModel):
    """One case of a procedure: the stored state and due date; everything shown derives from
    these and the event log. Owned by the unit that received it."""

    procedure = models.CharField("程序", max_length=32)
    number = models.CharField("案号", max_length=64, blank=True)
    year = models.PositiveSmallIntegerField("年度", null=True, blank=True)
    seq = models.PositiveIntegerField("序号", null=True, blank=True)
    title = models.CharField("标题", max_length=255)
    state = models.CharField("状态", max_length=32)
    is_open = models.BooleanField("办理中", default=True)
    opened_on = models.DateField("开始日期")
    closed_on = models.DateField("办结日期", null=True, blank=True)
    # The running period: None when no clock runs (before receipt, after the reply).
    due_on = models.DateField("到期日", null=True, blank=True)
    due_owed_by = models.CharField("待办方", max_length=16, choices=Owed.choices, blank=True)
    due_paused = models.BooleanField("计时中止", default=False)
    due_complete = models.BooleanField("日历完整", default=True)
    due_explanation = models.JSONField("到期日计算过程", default=list, blank=True)
    # {"rule": code, "start": iso, "pauses": [[iso, iso|None]], "extensions": [[n, reason]],
    #  "owed_by": ...}: enough to recompute due_on when the calendar changes.
    clock = models.JSONField("计时", default=dict, blank=True)
    # Optimistic check against double submission: the form carries the version it showed.
    version = models.PositiveIntegerField("版本", default=0)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "案件"
        verbose_name_plural = "案件"
        ordering: ClassVar[list[str]] = ["-pk"]
        indexes: ClassVar[list[models.Index]] = [
            # The office list: open cases of a unit by due date.
            # The office list: open cases in due-date order (ASC puts NULLs last), read
            # in index order so that a page stops after 50 rows; scope is a filter on it.
            models.Index(
                fields=["procedure", "due_on", "id"],
                name="case_open_due_idx",
                condition=Q(is_open=True),
            ),
            models.Index(
                fields=["procedure", "owner_unit_path", "due_on"],
                name="case_open_unit_due_idx",
                condition=Q(is_open=True),
            ),
            # Requests waiting for a first step (网上申请 not yet confirmed).
            models.Index(
                fields=["procedure", "opened_on"],
                name="case_submitted_idx",
                condition=Q(state="submitted"),
            ),
            models.Index(fields=["number"], name="case_number_idx"),
        ]

    def __str__(self) -> str:
        return self.number or self.title


class EventQuerySet(models.QuerySet["CaseEvent"]):
    def visible_to(self, user: Any) -> EventQuerySet:
        return self.filter(case__in=Case.objects.visible_to(user))


class CaseEvent(models.Model):
    """One step of a case, append-only: what happened, on which legal date, and the due date
    and its explanation right after it."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField("序号")
    action = models.CharField("动作", max_length=48)
    label = models.CharField("名称", max_length=64)
    on = models.DateField("发生日期")
    at = models.DateTimeField("记录时间", auto_now_add=True)
    actor = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField("操作人", max_length=64)
    state_before = models.CharField("原状态", max_length=32, blank=True)
    state_after = models.CharField("新状态", max_length=32)
    data = models.JSONField("内容", default=dict, blank=True)
    due_after = models.DateField("之后的到期日", null=True, blank=True)
    explanation = models.JSONField("到期日计算过程", default=list, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = "案件事件"
        verbose_name_plural = "案件事件"
        ordering: ClassVar[list[str]] = ["case", "seq"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["case", "seq"], name="case_event_seq"),
        ]

    def __str__(self) -> str:
        return f"{self.case} #{self.seq} {self.label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError("案件事件只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("案件事件只能追加，不能删除")


class DocumentSource(models.TextChoices):
    GENERATED = "generated", "模板生成"
    UPLOADED = "uploaded", "上传"


class DocumentQuerySet(models.QuerySet["CaseDocument"]):
    def visible_to(self, user: Any) -> DocumentQuerySet:
        return self.filter(case__in=Case.objects.visible_to(user))


class CaseDocument(models.Model):
    """A document of a case: generated from a template by an action, or uploaded with it."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="documents")
    event = models.ForeignKey(CaseEvent, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField("类别", max_length=64)
    title = models.CharField("名称", max_length=128)
    filename = models.CharField("文件名", max_length=255)
    content_type = models.CharField("类型", max_length=128)
    content = models.BinaryField("内容")
    size = models.PositiveIntegerField("大小")
    source = models.CharField("来源", max_length=16, choices=DocumentSource.choices)
    # Sent to (or received from) the applicant: shown on the applicant's status page.
    for_applicant = models.BooleanField("申请人可见", default=False)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = "案件文书"
        verbose_name_plural = "案件文书"
        ordering: ClassVar[list[str]] = ["case", "pk"]

    def __str__(self) -> str:
        return self.title


class DocumentTemplate(models.Model):
    """An administrator's replacement for a shipped .docx template (the code names it)."""

    code = models.CharField("代码", max_length=64, unique=True)
    name = models.CharField("名称", max_length=128)
    content = models.BinaryField("模板文件（.docx）")
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "文书模板"
        verbose_name_plural = "文书模板"
        ordering: ClassVar[list[str]] = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"
