"""Cases on the engine: the stored state and due date, the append-only event log, documents,
and the replaceable .docx templates (案号 come from fazhi.core.numbering)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.db.models import Q

from fazhi.core import uploads
from fazhi.core.scoping import ScopedModel, ScopedQuerySet, scope_q


class Owed(models.TextChoices):
    """Who owes the next step while ``due_on`` runs: the office, the applicant or a third party."""

    OFFICE = "office", "承办机关"
    APPLICANT = "applicant", "申请人"
    THIRD_PARTY = "third_party", "第三方"


class CaseQuerySet(ScopedQuerySet):
    def visible_to(self, user: Any) -> CaseQuerySet:
        """The cases of the user's data scope, and the cases the user's unit takes part in
        (a 法制审核机构 reviewing another unit's case): participation grants sight of that
        case, and no wider scope."""
        owned = scope_q(
            user, unit_path="owner_unit_path", division_path="owner_division_path",
            owner="created_by",
        )  # fmt: skip
        unit_id = getattr(user, "unit_id", None) if getattr(user, "is_active", False) else None
        # Q() is "everything" (a superuser); OR-ed with a filter it would become that filter.
        if unit_id is None or not owned:
            return self.filter(owned)
        joined = CaseParticipant.objects.filter(unit_id=unit_id).values("case_id")
        return self.filter(owned | Q(pk__in=joined))


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
    # The named clocks that run: {name: {"rule": code, "start": iso, "pauses": [[iso,
    # iso|None]], "extensions": [[n, reason]], "owed_by": ..., "due": iso}}: enough to
    # recompute each one, and due_on (the earliest), when the calendar changes.
    clock = models.JSONField("计时", default=dict, blank=True)
    # The approval step a drafted action waits for ("" when none): office steps wait too.
    awaiting = models.CharField("待审批环节", max_length=32, blank=True)
    # Optimistic check against double submission: the form carries the version it showed.
    version = models.PositiveIntegerField("版本", default=0)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    objects = CaseQuerySet.as_manager()  # type: ignore[misc]

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
            # The work queue's kinds by state (待确认收到 …) and its 待办理 count: a range in
            # queue order, and an index-only count with what the 待办理 filter reads.
            models.Index(
                fields=["procedure", "owner_unit_path", "state", "due_on", "opened_on", "id"],
                name="case_open_unit_state_idx",
                include=["due_owed_by", "due_paused", "awaiting"],
                condition=Q(is_open=True),
            ),
            models.Index(fields=["procedure", "state", "opened_on"], name="case_state_idx"),
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


# Files given with a case's actions (an applicant's ID photo, a signed reply): the content
# decides the type, the name gets its extension; 10 MB for all files of one request.
CASE_UPLOADS = uploads.Policy(
    label="附件", kinds=("pdf", "jpg", "png", "docx", "doc"), max_bytes=10 * 1024 * 1024,
    max_files=5, max_total=10 * 1024 * 1024, by_content=True,
)  # fmt: skip


class CaseDocument(models.Model):
    """A document of a case: generated from a template by an action, or uploaded with it
    (CASE_UPLOADS); its bytes are a core StoredFile."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="documents")
    event = models.ForeignKey(CaseEvent, on_delete=models.PROTECT, related_name="documents")
    # Attached to a drafted action: sent only when its sign-off completes.
    approval = models.ForeignKey(
        "CaseApproval", null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    kind = models.CharField("类别", max_length=64)
    title = models.CharField("名称", max_length=128)
    number = models.CharField("文号", max_length=64, blank=True)
    filename = models.CharField("文件名", max_length=255)
    file = models.ForeignKey(
        "core.StoredFile", verbose_name="文件", on_delete=models.PROTECT, related_name="+"
    )
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


# --- v2: approvals, participants, parties, links, appointments ---------------------------


class ApprovalState(models.TextChoices):
    PENDING = "pending", "审批中"
    APPROVED = "approved", "已签发"
    RETURNED = "returned", "已退回"


class ApprovalQuerySet(models.QuerySet["CaseApproval"]):
    def visible_to(self, user: Any) -> ApprovalQuerySet:
        return self.filter(case__in=Case.objects.visible_to(user))


class CaseApproval(models.Model):
    """An action drafted and waiting for its sign-off chain (Action.approval). Its inputs are
    kept sealed as for an event; its effects run when the last step signs."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="approvals")
    action = models.CharField("动作", max_length=48)
    label = models.CharField("名称", max_length=64)
    state = models.CharField(
        "审批状态", max_length=16, choices=ApprovalState.choices, default=ApprovalState.PENDING
    )
    steps = models.JSONField("审批环节", default=list)  # the step codes in force for this draft
    step = models.CharField("当前环节", max_length=32, blank=True)  # "" once decided
    inputs = models.JSONField("拟办内容", default=dict, blank=True)
    drafted_by = models.ForeignKey(
        "core.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    drafted_by_name = models.CharField("拟稿人", max_length=64)
    drafted_on = models.DateField("拟稿日期")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = ApprovalQuerySet.as_manager()

    class Meta:
        verbose_name = "审批"
        verbose_name_plural = "审批"
        ordering: ClassVar[list[str]] = ["case", "pk"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(
                fields=["step", "case"], name="approval_pending_idx",
                condition=Q(state="pending"),
            ),
        ]  # fmt: skip
        constraints: ClassVar[list[models.BaseConstraint]] = [
            # One draft in sign-off per case at a time.
            models.UniqueConstraint(
                fields=["case"], condition=Q(state="pending"), name="approval_one_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.label}"


class ApprovalDecision(models.Model):
    """One sign-off or refusal in a chain (append-only, like the events)."""

    approval = models.ForeignKey(CaseApproval, on_delete=models.PROTECT, related_name="decisions")
    step = models.CharField("环节", max_length=32)
    approved = models.BooleanField("同意")
    comment = models.TextField("意见", blank=True)
    record = models.TextField("集体讨论记录", blank=True)
    dissent = models.TextField("不同意见", blank=True)
    actor = models.ForeignKey("core.User", null=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField("签批人", max_length=64)
    unit_name = models.CharField("签批人单位", max_length=128, blank=True)
    on = models.DateField("日期")
    at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "审批意见"
        verbose_name_plural = "审批意见"
        ordering: ClassVar[list[str]] = ["approval", "pk"]

    def __str__(self) -> str:
        return f"{self.step} {'同意' if self.approved else '退回'} {self.actor_name}"


class ApprovalSetting(models.Model):
    """Whether an optional approval step (such as 法制审核) is in force for a unit's cases of
    one procedure action; without a row the step is in force."""

    unit = models.ForeignKey(
        "core.Organisation", verbose_name="单位", on_delete=models.CASCADE, related_name="+"
    )
    procedure = models.CharField("程序", max_length=32)
    action = models.CharField("动作", max_length=48)
    step = models.CharField("环节", max_length=32)
    enabled = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "审批环节设置"
        verbose_name_plural = "审批环节设置"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["unit", "procedure", "action", "step"], name="approval_setting_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.procedure}.{self.action} {self.step}: {self.enabled}"


class LegalReviewAssignment(models.Model):
    """Which unit's 法制审核机构 reviews a unit's cases (a county government's: the county
    司法局). Without a row, the unit reviews its own (its staff with 法制审核)."""

    unit = models.OneToOneField(
        "core.Organisation", verbose_name="单位", on_delete=models.CASCADE, related_name="+"
    )
    reviewer = models.ForeignKey(
        "core.Organisation", verbose_name="法制审核机构", on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = "法制审核机构"
        verbose_name_plural = "法制审核机构"

    def __str__(self) -> str:
        return f"{self.unit} → {self.reviewer}"


class ParticipantRole(models.TextChoices):
    LEGAL_REVIEW = "legal_review", "法制审核机构"
    RECONSIDERATION_ORGAN = "reconsideration_organ", "复议机关"
    RESPONDENT = "respondent", "被申请人"
    ASSISTING = "assisting", "协办单位"


class CaseParticipant(models.Model):
    """A unit from another branch of the tree that takes part in a case: it sees the case
    and takes the steps of its role, nothing more."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="participants")
    unit = models.ForeignKey("core.Organisation", on_delete=models.PROTECT, related_name="+")
    role = models.CharField("角色", max_length=32, choices=ParticipantRole.choices)
    since = models.DateTimeField("加入时间", auto_now_add=True)

    class Meta:
        verbose_name = "参与单位"
        verbose_name_plural = "参与单位"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["case", "unit", "role"], name="case_participant_key"),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["unit", "case"], name="case_participant_unit_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.get_role_display()} {self.unit}"


class PartyRole(models.TextChoices):
    APPLICANT = "applicant", "申请人"
    PARTY = "party", "当事人"
    THIRD_PARTY = "third_party", "第三人"
    RESPONDENT = "respondent", "被申请人"
    AGENT = "agent", "代理人"


class PartyQuerySet(models.QuerySet["CaseParty"]):
    def visible_to(self, user: Any) -> PartyQuerySet:
        return self.filter(case__in=Case.objects.visible_to(user))


class CaseParty(models.Model):
    """A person or organisation party to a case; ID number and phone sealed (SM4)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField("身份", max_length=16, choices=PartyRole.choices)
    name = models.CharField("姓名或名称", max_length=128)
    id_number = models.TextField("证件号码（加密）", blank=True)
    phone = models.TextField("联系电话（加密）", blank=True)
    address = models.CharField("地址", max_length=255, blank=True)
    added_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = PartyQuerySet.as_manager()

    class Meta:
        verbose_name = "当事人"
        verbose_name_plural = "当事人"
        ordering: ClassVar[list[str]] = ["case", "pk"]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.name}"


class LinkKind(models.TextChoices):
    RECONSIDERATION = "reconsideration", "申请行政复议"
    LITIGATION = "litigation", "提起行政诉讼"
    FOLLOW_UP = "follow_up", "后续办理"
    RELATED = "related", "关联案件"


class CaseLink(models.Model):
    """A case that came out of another (a disclosure refusal → its 复议 case)."""

    source = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="links_out")
    target = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="links_in")
    kind = models.CharField("关系", max_length=32, choices=LinkKind.choices)
    note = models.CharField("说明", max_length=255, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "关联案件"
        verbose_name_plural = "关联案件"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["source", "target", "kind"], name="case_link_key"),
        ]

    def __str__(self) -> str:
        return f"{self.source} → {self.target}（{self.get_kind_display()}）"


class AppointmentKind(models.TextChoices):
    """What a 日程 is (services and forms take these; the column keeps the code)."""

    HEARING = "hearing", "听证会"
    COURT = "court", "开庭"
    INSPECTION = "inspection", "现场勘验"
    OTHER = "other", "其他"


class AppointmentQuerySet(models.QuerySet["CaseAppointment"]):
    def visible_to(self, user: Any) -> AppointmentQuerySet:
        return self.filter(case__in=Case.objects.visible_to(user))


class CaseAppointment(models.Model):
    """A future-dated event of a case (a hearing, a court session): fixed now, held later."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="appointments")
    kind = models.CharField("类别", max_length=32)
    label = models.CharField("事项", max_length=64)
    on = models.DateField("日期")
    place = models.CharField("地点", max_length=255, blank=True)
    note = models.TextField("说明", blank=True)
    cancelled = models.BooleanField("已取消", default=False)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        verbose_name = "案件日程"
        verbose_name_plural = "案件日程"
        ordering: ClassVar[list[str]] = ["on", "pk"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["on"], name="case_appointment_on_idx",
                         condition=Q(cancelled=False)),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.on} {self.label}"
