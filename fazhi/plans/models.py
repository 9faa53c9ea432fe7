"""Plans and their task ledger: 方案 → 章 → 措施 → 任务 (lead/responsible units, due date),
targets (指标), the original file, the import draft kept until a person confirms it, and the
work on the ledger: progress reports (进展) with evidence, the lead unit's consolidated report
(汇总) and the supervisor's decision, 督办单 and Excel re-imports."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q

from fazhi.core import uploads
from fazhi.core.scoping import NOTHING, ScopedModel, ScopedQuerySet, scope_q
from fazhi.plans.parsing.reader import MAX_BYTES as PLAN_MAX_BYTES

MAX_EVIDENCE_FILES = 10
# 佐证材料 of a progress report; FAZHI_EVIDENCE_MAX_BYTES may change the size per file.
EVIDENCE_UPLOADS = uploads.Policy(
    label="佐证材料", kinds=("pdf", "docx", "xlsx", "jpg", "png"), max_bytes=20 * 1024 * 1024,
    max_files=MAX_EVIDENCE_FILES, setting="FAZHI_EVIDENCE_MAX_BYTES",
)  # fmt: skip
# A plan to import (.txt/.md/.docx) and a returned ledger (.xlsx): one file a request, limited
# by size at the gate; their readers judge the content (fazhi.plans.parsing, fazhi.plans.excel).
PLAN_UPLOAD = uploads.Policy(
    label="方案文件", kinds=("docx",), max_bytes=PLAN_MAX_BYTES, max_files=1
)
LEDGER_UPLOAD = uploads.Policy(
    label="台账文件", kinds=("xlsx",), max_bytes=20 * 1024 * 1024, max_files=1,
    setting="FAZHI_EVIDENCE_MAX_BYTES",
)  # fmt: skip


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


class ReportFrequency(models.TextChoices):
    MONTHLY = "monthly", "按月"
    QUARTERLY = "quarterly", "按季度"
    HALF_YEARLY = "half_yearly", "按半年"
    YEARLY = "yearly", "按年"


class Plan(ScopedModel):
    """方案: owned by the importing user's unit; its original file is kept with it."""

    title = models.CharField("标题", max_length=255)
    report_frequency = models.CharField(
        "报送周期",
        max_length=16,
        choices=ReportFrequency.choices,
        default=ReportFrequency.QUARTERLY,
    )
    # A period's reports are due this many working days after the period ends.
    report_workdays = models.PositiveSmallIntegerField("报送时限（期末后工作日）", default=5)
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
    # Facts the derived status is computed from (fazhi.plans.status), kept by the services.
    reported_at = models.DateTimeField("最近报送", null=True, blank=True)
    completed_on = models.DateField("审核确认完成日", null=True, blank=True)
    current_consolidation = models.ForeignKey(
        "Consolidation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

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
        from fazhi.plans.parsing.dates import next_due, read_deadline

        if self.deadline_date is not None:
            return self.deadline_date
        if self.deadline_recurring and self.deadline_text:
            return next_due(read_deadline(self.deadline_text), today)
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
    text = models.TextField("原文（按文件所写）")
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


# --- the work on the ledger --------------------------------------------------------


def _overseen_q(user: Any) -> Q:
    """Rows (with a ``task``) of tasks whose plan the user owns or which a unit in the user's
    scope leads: the lead unit reviews its units' reports."""
    plan_owner = scope_q(
        user,
        unit_path="task__plan__owner_unit_path",
        division_path="task__plan__owner_division_path",
        owner="task__plan__created_by",
    )
    unit_scope = scope_q(
        user, unit_path="organisation__path", division_path="organisation__division__path",
        owner=None,
    )  # fmt: skip
    if unit_scope == NOTHING:
        return plan_owner
    leads = Task.lead_units.through.objects.filter(unit_scope, task_id=OuterRef("task_id"))
    return plan_owner | Q(Exists(leads))


class SelfState(models.TextChoices):
    NOT_STARTED = "not_started", "未开始"
    IN_PROGRESS = "in_progress", "推进中"
    COMPLETED = "completed", "已完成"


class ReviewState(models.TextChoices):
    SUBMITTED = "submitted", "已报送"
    RETURNED = "returned", "已退回"
    ACCEPTED = "accepted", "已通过"


class ReportQuerySet(ScopedQuerySet):
    def visible_to(self, user: Any) -> ReportQuerySet:
        """The reporting unit's scope, the plan owner's scope, and the task's lead units."""
        owned = scope_q(
            user, unit_path="owner_unit_path", division_path="owner_division_path",
            owner="created_by",
        )  # fmt: skip
        return self.filter(owned | _overseen_q(user))


class ProgressReport(ScopedModel):
    """进展: what one unit did on one task in one reporting period. A correction is a new
    version; the one in force has ``is_current`` (one per task, unit and period)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports")
    period_key = models.CharField("报告期", max_length=16)
    period_start = models.DateField("报告期起")
    text = models.TextField("进展情况")
    self_state = models.CharField("自评", max_length=16, choices=SelfState.choices)
    state = models.CharField(
        "审核", max_length=16, choices=ReviewState.choices, default=ReviewState.SUBMITTED
    )
    version = models.PositiveIntegerField("版本", default=1)
    is_current = models.BooleanField("现行版本", default=True)
    return_comment = models.TextField("退回意见", blank=True)
    submitted_at = models.DateTimeField("报送时间", auto_now_add=True)

    objects: ClassVar[Any] = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = "进展报告"
        verbose_name_plural = "进展报告"
        ordering: ClassVar[list[str]] = ["-period_start", "-version"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["task", "owner_unit", "period_key"],
                condition=Q(is_current=True),
                name="plans_report_one_current",
            ),
            models.UniqueConstraint(
                fields=["task", "owner_unit", "period_key", "version"],
                name="plans_report_version_unique",
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["task", "period_key", "is_current"], name="plans_report_period"),
            # Covers a unit's facts on its tasks (reported at all, sent back, this period's
            # report) as index-only probes: "我的任务" and the matrix read them per task.
            models.Index(
                fields=["task", "owner_unit", "is_current", "state", "period_key"],
                name="plans_report_unit_facts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task_id} {self.period_key} {self.text[:20]}"


class EvidenceQuerySet(models.QuerySet["Evidence"]):
    def visible_to(self, user: Any) -> EvidenceQuerySet:
        return self.filter(report__in=ProgressReport.objects.visible_to(user).values("pk"))

    def listed(self) -> EvidenceQuerySet:
        """With the stored file's size and digest, without its bytes (for lists)."""
        return self.select_related("file").defer("file__content")


class Evidence(models.Model):
    """佐证材料: a file attached to one version of a report, checked by content
    (EVIDENCE_UPLOADS); its bytes are a core StoredFile, in the same database, transaction
    and backup as the report it proves. A new version of the report points at the same file."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="evidence")
    name = models.CharField("文件名", max_length=255)
    file = models.ForeignKey(
        "core.StoredFile", verbose_name="文件", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        ordering: ClassVar[list[str]] = ["pk"]

    def __str__(self) -> str:
        return self.name


class ConsolidationQuerySet(ScopedQuerySet):
    def visible_to(self, user: Any) -> ConsolidationQuerySet:
        owned = scope_q(
            user, unit_path="owner_unit_path", division_path="owner_division_path",
            owner="created_by",
        )  # fmt: skip
        return self.filter(owned | _overseen_q(user))


class Consolidation(ScopedModel):
    """汇总报告: the lead unit's report on a task for a period, built on its units' reports,
    and the supervisor's decision on it (通过 / 退回 with comments)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="consolidations")
    period_key = models.CharField("报告期", max_length=16)
    period_start = models.DateField("报告期起")
    text = models.TextField("汇总进展")
    self_state = models.CharField("自评", max_length=16, choices=SelfState.choices)
    state = models.CharField(
        "审核", max_length=16, choices=ReviewState.choices, default=ReviewState.SUBMITTED
    )
    version = models.PositiveIntegerField("版本", default=1)
    is_current = models.BooleanField("现行版本", default=True)
    reports = models.ManyToManyField(ProgressReport, verbose_name="所含单位进展", blank=True)
    submitted_at = models.DateTimeField("报送时间", auto_now_add=True)
    decided_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    comment = models.TextField("审核意见", blank=True)

    objects: ClassVar[Any] = ConsolidationQuerySet.as_manager()

    class Meta:
        verbose_name = "汇总报告"
        verbose_name_plural = "汇总报告"
        ordering: ClassVar[list[str]] = ["-period_start", "-version"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["task", "period_key"],
                condition=Q(is_current=True),
                name="plans_consolidation_one_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task_id} {self.period_key} 第{self.version}版"


class NoticeQuerySet(ScopedQuerySet):
    def visible_to(self, user: Any) -> NoticeQuerySet:
        """The issuing unit's scope, the plan owner's, and the units the notice is addressed
        to (and their scope) — no other unit sees another's 督办单."""
        issued = scope_q(
            user, unit_path="owner_unit_path", division_path="owner_division_path",
            owner="created_by",
        )  # fmt: skip
        plan_owner = scope_q(
            user, unit_path="task__plan__owner_unit_path",
            division_path="task__plan__owner_division_path", owner="task__plan__created_by",
        )  # fmt: skip
        addressed = SupervisionRecipient.objects.filter(
            scope_q(user, unit_path="owner_unit_path", division_path="owner_division_path",
                    owner=None)
        ).values("notice_id")  # fmt: skip
        return self.filter(issued | plan_owner | Q(pk__in=addressed))


class SupervisionNotice(ScopedModel):
    """督办单: one numbered notice (owner: the issuing unit) on one task to one or more units
    (主送, SupervisionRecipient), each replying by ``reply_due_on``, counted in working days.
    A 再督办 is a new notice that ``follows`` the first. Overdue is derived, never stored."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="notices")
    number = models.CharField("编号", max_length=64, blank=True)
    year = models.PositiveSmallIntegerField("年度", null=True, blank=True)
    seq = models.PositiveIntegerField("序号", null=True, blank=True)
    follows = models.ForeignKey(
        "self", verbose_name="再督办自", null=True, blank=True, on_delete=models.PROTECT,
        related_name="followups",
    )  # fmt: skip
    reason = models.TextField("督办事由")
    requirement = models.TextField("督办要求")
    reply_workdays = models.PositiveSmallIntegerField("回复时限（工作日）")
    issued_on = models.DateField("签发日期")
    reply_due_on = models.DateField("回复期限", db_index=True)
    issued_at = models.DateTimeField("签发时间", auto_now_add=True)

    objects: ClassVar[Any] = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = "督办单"
        verbose_name_plural = "督办单"
        ordering: ClassVar[list[str]] = ["-issued_at", "-pk"]

    def __str__(self) -> str:
        return self.number or f"督办单 {self.pk}"


class NoticeOutcome(models.TextChoices):
    OPEN = "", "未办结"
    CLOSED = "closed", "办结"
    REISSUED = "reissued", "再督办"


class RecipientQuerySet(ScopedQuerySet):
    def visible_to(self, user: Any) -> RecipientQuerySet:
        """A 主送 row with its reply: its unit's scope, the issuer's and the plan owner's."""
        own = scope_q(
            user, unit_path="owner_unit_path", division_path="owner_division_path", owner=None
        )
        issued = scope_q(
            user, unit_path="notice__owner_unit_path",
            division_path="notice__owner_division_path", owner="notice__created_by",
        )  # fmt: skip
        plan_owner = scope_q(
            user, unit_path="notice__task__plan__owner_unit_path",
            division_path="notice__task__plan__owner_division_path",
            owner="notice__task__plan__created_by",
        )  # fmt: skip
        return self.filter(own | issued | plan_owner)


class SupervisionRecipient(ScopedModel):
    """One 主送 unit of a 督办单 (its owner) with its reply and the supervisor's decision on
    it: 办结, or 再督办 by a follow-up notice."""

    notice = models.ForeignKey(
        SupervisionNotice, on_delete=models.CASCADE, related_name="recipients"
    )
    objects: ClassVar[Any] = RecipientQuerySet.as_manager()
    reply_text = models.TextField("回复内容", blank=True)
    replied_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    replied_at = models.DateTimeField("回复时间", null=True, blank=True)
    outcome = models.CharField(
        "办理结果", max_length=16, blank=True, default="", choices=NoticeOutcome.choices
    )
    decided_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField("办结/再督办时间", null=True, blank=True)
    decision_comment = models.TextField("办结意见", blank=True)
    followup = models.ForeignKey(
        SupervisionNotice, verbose_name="再督办单", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = "督办单主送单位"
        verbose_name_plural = "督办单主送单位"
        ordering: ClassVar[list[str]] = ["notice", "pk"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["notice", "owner_unit"], name="plans_recipient_once"),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(
                fields=["owner_unit_path"], name="plans_recipient_open",
                condition=Q(outcome=""),
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.notice} → {self.owner_unit}"


class LedgerImportQuerySet(models.QuerySet["LedgerImport"]):
    def visible_to(self, user: Any) -> LedgerImportQuerySet:
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)


class LedgerImport(models.Model):
    """An Excel ledger brought back, checked and waiting for its importer to confirm."""

    owner = models.ForeignKey("core.User", on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    period_key = models.CharField("报告期", max_length=16)
    name = models.CharField("文件名", max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64)
    changes = models.JSONField("变更", default=list)
    refused = models.JSONField("拒绝的行", default=list)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)

    objects = LedgerImportQuerySet.as_manager()

    class Meta:
        verbose_name = "台账回传"
        verbose_name_plural = "台账回传"
        ordering: ClassVar[list[str]] = ["-created_at"]

    def __str__(self) -> str:
        return self.name
