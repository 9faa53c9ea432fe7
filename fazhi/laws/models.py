"""Laws, rules and normative documents: one identity, dated versions, their provisions,
the city's normative-document register (三统一, 备案, 有效期, 清理) and the search index rows.

Law texts are public reference data (not unit-scoped). A normative document being prepared
by a unit is scoped to that unit until it is published.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from django.db import models
from django.db.models import Q

from fazhi.core.scoping import ScopedModel


class Kind(models.TextChoices):
    LAW = "law", "法律"
    ADMIN_REGULATION = "admin_regulation", "行政法规"
    LOCAL_REGULATION = "local_regulation", "地方性法规"
    RULE = "rule", "规章"
    NORMATIVE = "normative", "规范性文件"
    JUDICIAL = "judicial", "司法解释"
    OTHER = "other", "其他"


# Authority order, used as a ranking prior and in lists (smaller first).
KIND_ORDER: dict[str, int] = {
    Kind.LAW: 0, Kind.ADMIN_REGULATION: 1, Kind.LOCAL_REGULATION: 2, Kind.RULE: 3,
    Kind.NORMATIVE: 4, Kind.JUDICIAL: 5, Kind.OTHER: 6,
}  # fmt: skip


class Status(models.TextChoices):
    IN_FORCE = "in_force", "现行有效"
    AMENDED = "amended", "已修改"
    REPEALED = "repealed", "已废止"
    EXPIRED = "expired", "失效"


class Source(models.TextChoices):
    CORPUS = "corpus", "法规文本库导入"
    DEMO = "demo", "演示数据"
    CITY = "city", "本市规范性文件"


class LawDocument(models.Model):
    """A law, rule or normative document: the identity that its dated versions share."""

    title = models.CharField("标题", max_length=255, db_index=True)
    short_title = models.CharField(
        "简称", max_length=255, db_index=True, help_text="去掉“中华人民共和国”等前缀的标题"
    )
    kind = models.CharField("类别", max_length=20, choices=Kind.choices, db_index=True)
    issuing_body = models.CharField("制定机关", max_length=255, blank=True)
    doc_number = models.CharField("文号", max_length=128, blank=True)
    issued_on = models.DateField("公布日期", null=True, blank=True)
    effective_on = models.DateField("施行日期", null=True, blank=True)
    expires_on = models.DateField("失效日期", null=True, blank=True)
    status = models.CharField(
        "时效性", max_length=12, choices=Status.choices, default=Status.IN_FORCE
    )
    category = models.CharField("分类", max_length=64, blank=True)
    source = models.CharField("来源", max_length=8, choices=Source.choices)
    # Stable key of the identity in its source: "行政法规/政府信息公开条例" for the corpus.
    source_key = models.CharField("来源标识", max_length=255, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "法规文件"
        verbose_name_plural = "法规文件"
        ordering: ClassVar[list[str]] = ["title"]

    def __str__(self) -> str:
        return self.title


class LawVersion(models.Model):
    """One dated text of a document. The text in force on D is the latest version whose
    ``in_force_on`` is on or before D."""

    document = models.ForeignKey(LawDocument, on_delete=models.CASCADE, related_name="versions")
    version_date = models.DateField("版本日期", help_text="公布或修改日期（文件名中的日期）")
    in_force_on = models.DateField("本版本施行日期")
    preamble = models.TextField("制定修改沿革", blank=True)
    source_path = models.CharField("来源文件", max_length=500, blank=True)
    content_hash = models.CharField("内容摘要", max_length=64)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "法规版本"
        verbose_name_plural = "法规版本"
        ordering: ClassVar[list[str]] = ["document", "-version_date"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["document", "version_date"], name="laws_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.document.title}（{self.version_date:%Y-%m-%d}）"


class ProvisionKind(models.TextChoices):
    PART = "part", "编"
    CHAPTER = "chapter", "章"
    SECTION = "section", "节"
    HEADING = "heading", "标题"
    ARTICLE = "article", "条"
    TEXT = "text", "段落"


class Provision(models.Model):
    """A 编/章/节 heading, an article (its 款 are the lines of ``text``) or a text block."""

    version = models.ForeignKey(LawVersion, on_delete=models.CASCADE, related_name="provisions")
    seq = models.PositiveIntegerField("顺序")
    kind = models.CharField("层级", max_length=8, choices=ProvisionKind.choices)
    label = models.CharField("编号", max_length=64, blank=True)  # 第三十条 / 第二章
    number = models.PositiveIntegerField("序号", null=True, blank=True)
    heading = models.CharField("标题", max_length=255, blank=True)
    path = models.CharField("所在章节", max_length=500, blank=True)
    anchor = models.CharField("锚点", max_length=64)
    text = models.TextField("正文", blank=True)

    class Meta:
        verbose_name = "条文"
        verbose_name_plural = "条文"
        ordering: ClassVar[list[str]] = ["version", "seq"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["version", "seq"], name="laws_prov_version_seq"),
            models.Index(fields=["version", "label"], name="laws_prov_version_label"),
        ]

    def __str__(self) -> str:
        return self.label or self.heading or f"段落{self.seq}"

    @property
    def paragraphs(self) -> list[str]:
        return self.text.split("\n") if self.text else []


# --- the city's normative documents -------------------------------------------------


class NormativeStage(models.TextChoices):
    # Drafting (征求意见, 合法性审核, 集体审议) will run on the case engine; a draft's case is
    # linked through ``drafting_case_id`` once that exists.
    DRAFT = "draft", "起草中"
    REGISTERED = "registered", "已登记编号"
    PUBLISHED = "published", "已公布"


class NormativeDocument(ScopedModel):
    """A 行政规范性文件 of the city, from registration (三统一) to 备案 and 清理."""

    title = models.CharField("标题", max_length=255)
    issuing_body = models.CharField("制定机关", max_length=255)
    doc_number = models.CharField("发文字号", max_length=128, blank=True)
    registration_number = models.CharField(
        "统一登记编号", max_length=64, null=True, blank=True, unique=True
    )
    stage = models.CharField(
        "阶段", max_length=12, choices=NormativeStage.choices, default=NormativeStage.DRAFT
    )
    status = models.CharField(
        "时效性", max_length=12, choices=Status.choices, default=Status.IN_FORCE
    )
    text = models.TextField("正文", help_text="每条以“第X条”开头，章以“第X章”开头")
    drafting_case_id = models.BigIntegerField("起草程序案件", null=True, blank=True)
    registered_on = models.DateField("登记日期", null=True, blank=True)
    published_on = models.DateField("公布日期", null=True, blank=True)
    effective_on = models.DateField("施行日期", null=True, blank=True)
    expires_on = models.DateField("有效期至", null=True, blank=True)
    filing_due_on = models.DateField("备案期限", null=True, blank=True)
    filed_on = models.DateField("报送备案日期", null=True, blank=True)
    filed_with = models.CharField("备案机关", max_length=255, blank=True)
    filing_number = models.CharField("备案登记号", max_length=64, blank=True)
    law_document = models.OneToOneField(
        LawDocument, null=True, blank=True, on_delete=models.SET_NULL, related_name="normative"
    )
    registered_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "行政规范性文件"
        verbose_name_plural = "行政规范性文件"
        ordering: ClassVar[list[str]] = ["-created_at"]
        indexes: ClassVar[list[models.Index]] = [
            # The reminder scans read these stored dates, as healthchecks does.
            models.Index(
                fields=["expires_on"],
                name="laws_norm_expiry",
                condition=Q(stage="published", status="in_force"),
            ),
            models.Index(
                fields=["filing_due_on"],
                name="laws_norm_filing_due",
                condition=Q(stage="published", filed_on__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def filing_overdue(self, today: date) -> bool:
        return (
            self.filed_on is None and self.filing_due_on is not None and self.filing_due_on < today
        )

    def expiry_state(self, today: date, warn_days: int) -> str:
        """'' / 'soon' / 'expired', derived from the stored expiry date."""
        if self.expires_on is None or self.status != Status.IN_FORCE:
            return ""
        if self.expires_on < today:
            return "expired"
        if (self.expires_on - today).days <= warn_days:
            return "soon"
        return ""


class CleanupOutcome(models.TextChoices):
    KEEP = "keep", "继续有效"
    AMEND = "amend", "修改"
    REPEAL = "repeal", "废止"


class CleanupRound(ScopedModel):
    """A 清理 round: a review of the city's documents that marks each kept/amended/repealed."""

    title = models.CharField("名称", max_length=255)
    started_on = models.DateField("开始日期")
    closed_on = models.DateField("结束日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "清理工作"
        verbose_name_plural = "清理工作"
        ordering: ClassVar[list[str]] = ["-started_on"]

    def __str__(self) -> str:
        return self.title


class CleanupDecision(models.Model):
    round = models.ForeignKey(CleanupRound, on_delete=models.CASCADE, related_name="decisions")
    document = models.ForeignKey(
        NormativeDocument, on_delete=models.PROTECT, related_name="cleanup_decisions"
    )
    outcome = models.CharField("清理结论", max_length=8, choices=CleanupOutcome.choices)
    note = models.CharField("说明", max_length=500, blank=True)
    decided_by = models.ForeignKey(
        "core.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "清理结论"
        verbose_name_plural = "清理结论"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["round", "document"], name="laws_cleanup_once")
        ]

    def __str__(self) -> str:
        return f"{self.document}：{self.get_outcome_display()}"


# --- search index rows (the backend adds its own full-text structures) ----------------


class SearchDoc(models.Model):
    """The indexed (latest) version of a document. ``rank_key`` orders the index: a smaller
    key is a more authoritative document, so a bounded scan sees those first."""

    document = models.OneToOneField(
        LawDocument, primary_key=True, on_delete=models.CASCADE, related_name="search_doc"
    )
    version = models.ForeignKey(LawVersion, on_delete=models.CASCADE, related_name="+")
    rank_key = models.BigIntegerField(unique=True)
    title = models.CharField(max_length=255)
    kind = models.CharField(max_length=20, db_index=True)
    status = models.CharField(max_length=12)
    issuing_body = models.CharField(max_length=255)
    year = models.PositiveSmallIntegerField(null=True)
    version_date = models.DateField()
    body = models.TextField()  # title + text, normalised: the exact re-check reads it

    class Meta:
        verbose_name = "检索文档"
        verbose_name_plural = "检索文档"
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["version_date"], name="laws_sdoc_date"),
        ]

    def __str__(self) -> str:
        return self.title


class SearchChunk(models.Model):
    """One article (or text block) of an indexed version: the unit a hit points to."""

    id = models.BigIntegerField(primary_key=True)  # rank_key * 100000 + seq: index order
    doc = models.ForeignKey(SearchDoc, on_delete=models.CASCADE, related_name="chunks")
    provision = models.ForeignKey(Provision, null=True, on_delete=models.CASCADE, related_name="+")
    label = models.CharField(max_length=64, blank=True)
    anchor = models.CharField(max_length=64, blank=True)
    text = models.TextField()  # normalised

    class Meta:
        verbose_name = "检索条文"
        verbose_name_plural = "检索条文"

    def __str__(self) -> str:
        return self.label or str(self.id)
