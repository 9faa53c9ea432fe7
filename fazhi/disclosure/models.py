"""依申请公开: the request (applicant, channel, Art. 31 receipt date, result) beside its case,
and each unit's disclosure desk (whether it takes requests on the portal)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.utils import timezone

from fazhi.core.crypto import SealedField
from fazhi.core.scoping import ScopedModel


class Channel(models.TextChoices):
    """申请方式; the receipt date follows 条例第三十一条 per channel."""

    IN_PERSON = "in_person", "当面提交"
    LETTER = "letter", "信函"
    ONLINE = "online", "网络"
    FAX = "fax", "传真"


class LetterKind(models.TextChoices):
    REGISTERED = "registered", "需签收的邮件"
    ORDINARY = "ordinary", "平常信函"


class ApplicantType(models.TextChoices):
    """The columns of the annual report table (收到和处理政府信息公开申请情况)."""

    PERSON = "person", "自然人"
    BUSINESS = "business", "商业企业"
    RESEARCH = "research", "科研机构"
    PUBLIC_INTEREST = "public_interest", "社会公益组织"
    LEGAL_SERVICE = "legal_service", "法律服务机构"
    OTHER_ORG = "other_org", "其他"

    @classmethod
    def organisations(cls) -> list[ApplicantType]:
        return [t for t in cls if t != cls.PERSON]


class ReplyType(models.TextChoices):
    """答复类型 (条例第三十六条 and the rows of the annual report table)."""

    PUBLIC = "public", "予以公开"
    PARTIAL = "partial", "部分公开"
    SECRET = "secret", "不予公开：属于国家秘密"
    BANNED = "banned", "不予公开：其他法律行政法规禁止公开"
    SECURITY = "security", "不予公开：危及“三安全一稳定”"
    THIRD_PARTY = "third_party", "不予公开：保护第三方合法权益"
    INTERNAL = "internal", "不予公开：属于三类内部事务信息"
    PROCESS = "process", "不予公开：属于四类过程性信息"
    CASE_FILE = "case_file", "不予公开：属于行政执法案卷"
    INQUIRY = "inquiry", "不予公开：属于行政查询事项"
    NOT_HELD = "not_held", "无法提供：本机关不掌握相关政府信息"
    NEEDS_MAKING = "needs_making", "无法提供：没有现成信息需要另行制作"
    STILL_UNCLEAR = "still_unclear", "无法提供：补正后申请内容仍不明确"
    PETITION = "petition", "不予处理：信访举报投诉类申请"
    REPEAT = "repeat", "不予处理：重复申请"
    PUBLICATION = "publication", "不予处理：要求提供公开出版物"
    EXCESSIVE = "excessive", "不予处理：无正当理由大量反复申请"
    RECONFIRM = "reconfirm", "不予处理：要求行政机关确认或重新出具已获取信息"
    OTHER = "other", "其他处理"


class Outcome(models.TextChoices):
    """How a request ended, for the figures: a reply type, or closed without a reply."""

    WITHDRAWN = "withdrawn", "申请人撤回"
    ABANDONED = "abandoned", "逾期不补正，视为放弃"


class DisclosureDesk(models.Model):
    """A unit's 政府信息公开工作机构: listed on the portal when it takes online requests."""

    unit = models.OneToOneField(
        "core.Organisation", verbose_name="单位", on_delete=models.PROTECT, related_name="+"
    )
    accepts_online = models.BooleanField("接受网上申请", default=True)
    address = models.CharField("受理地址", max_length=255, blank=True)
    phone = models.CharField("咨询电话", max_length=32, blank=True)

    class Meta:
        verbose_name = "公开受理机构"
        verbose_name_plural = "公开受理机构"
        ordering: ClassVar[list[str]] = ["unit__path"]

    def __str__(self) -> str:
        return str(self.unit)


class DisclosureRequest(ScopedModel):
    """政府信息公开申请. The state, due date and history live on ``case`` (the engine)."""

    case = models.OneToOneField(
        "procedures.Case", on_delete=models.PROTECT, related_name="disclosure"
    )
    query_code = models.CharField("查询码", max_length=16, unique=True)
    channel = models.CharField("申请方式", max_length=16, choices=Channel.choices)
    letter_kind = models.CharField(
        "信函类型", max_length=16, choices=LetterKind.choices, blank=True
    )
    submitted_on = models.DateField("提交（到达）日期")
    submitted_at = models.DateTimeField("提交时间", auto_now_add=True)
    # 收到申请之日 (条例第三十一条); empty until an online request is confirmed.
    received_on = models.DateField("收到申请之日", null=True, blank=True, db_index=True)
    receipt_basis = models.CharField("收到日期依据", max_length=255, blank=True)
    applicant_type = models.CharField("申请人类型", max_length=16, choices=ApplicantType.choices)
    applicant_name = models.CharField("申请人", max_length=128)
    # Sealed with SM4 (fazhi.core.crypto); phone_last4 is what the applicant's lookup needs.
    id_number = SealedField("证件号码", blank=True)
    phone = SealedField("联系电话", blank=True)
    phone_last4 = models.CharField(max_length=4, blank=True, editable=False)
    email = models.CharField("电子邮箱", max_length=128, blank=True)
    address = models.CharField("通信地址", max_length=255, blank=True)
    description = models.TextField("所需信息的名称、文号或者便于查询的其他特征性描述")
    form = models.CharField("获取信息的方式", max_length=64, blank=True)
    fingerprint = models.CharField(max_length=64, db_index=True, editable=False)
    # The result, kept beside the log so that the figures are plain aggregates.
    reply_type = models.CharField("答复类型", max_length=16, choices=ReplyType.choices, blank=True)
    replied_on = models.DateField("答复日期", null=True, blank=True)
    reply_due_on = models.DateField("答复时的到期日", null=True, blank=True)
    replied_on_time = models.BooleanField("按期答复", null=True, blank=True)
    outcome = models.CharField("办理结果", max_length=16, blank=True)
    concluded_on = models.DateField("办结日期", null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = "政府信息公开申请"
        verbose_name_plural = "政府信息公开申请"
        ordering: ClassVar[list[str]] = ["-pk"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["owner_unit", "received_on"], name="disclosure_unit_recv_idx"),
        ]

    def __str__(self) -> str:
        # Not the query code: this text goes into audit events (object_repr).
        return self.case.number or f"网上申请（待确认收到）#{self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        digits = "".join(ch for ch in self.phone if ch.isdigit())
        self.phone_last4 = digits[-4:]
        super().save(*args, **kwargs)


class LookupFailure(models.Model):
    """One failed status look-up on the portal: counted per (code, address), per address and
    per code by services.disclosure_lookup, in the database so that every worker and every
    restart sees the same counts. Neither the code nor the digits tried are kept: ``code_ref``
    is a keyed hash of the code (services.code_ref). Removed by the daily tick."""

    code_ref = models.CharField(max_length=16)
    address = models.CharField(max_length=45)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "查询失败记录"
        verbose_name_plural = "查询失败记录"
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["address", "at"], name="disclosure_lookup_addr_idx"),
            models.Index(fields=["code_ref", "at"], name="disclosure_lookup_code_idx"),
            models.Index(fields=["at"], name="disclosure_lookup_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.address} {self.at:%Y-%m-%d %H:%M}"
