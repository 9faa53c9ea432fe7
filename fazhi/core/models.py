"""Divisions, organisations, users, roles and the audit trail."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models

if TYPE_CHECKING:
    from collections.abc import Iterable


class DataScope(models.TextChoices):
    """数据权限范围. Several roles combine as a union, never the narrowest."""

    ALL = "all", "全部"
    DIVISION_SUBTREE = "division", "本级及下级"
    UNIT_SUBTREE = "unit_subtree", "本单位及下级"
    UNIT = "unit", "本单位"
    SELF = "self", "仅本人"


class DivisionLevel(models.TextChoices):
    PROVINCE = "province", "省"
    CITY = "city", "市"
    COUNTY = "county", "县"
    TOWNSHIP = "township", "乡"
    ZONE = "zone", "功能区"


class Division(models.Model):
    """行政区划 (GB/T 2260 code), or a functional zone flagged as such."""

    code = models.CharField("区划代码", max_length=12, primary_key=True)
    name = models.CharField("名称", max_length=64)
    level = models.CharField("级别", max_length=16, choices=DivisionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_zone = models.BooleanField(
        "功能区", default=False, help_text="高新区、新区等功能区不是法定行政区划"
    )
    legal_division = models.ForeignKey(
        "self",
        verbose_name="所在法定区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="zones",
        help_text="功能区用于统计、身份证号、信用代码时归属的法定区划",
    )
    # Codes from the root down, "360000/361000/361002/": subtree = prefix match on an index.
    path = models.CharField(max_length=255, db_index=True, editable=False)

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering: ClassVar[list[str]] = ["code"]

    def __str__(self) -> str:
        return self.name


class OrgKind(models.TextChoices):
    PARTY = "party", "党委机关"
    GOVERNMENT = "government", "人民政府"
    DEPARTMENT = "department", "政府部门"
    ZONE_COMMITTEE = "zone", "功能区管委会"
    TOWNSHIP = "township", "乡镇（街道）"
    JUDICIAL = "judicial", "审判检察机关"
    OTHER = "other", "其他单位"


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def visible_to(self, user: Any) -> OrganisationQuerySet:
        from fazhi.core.scoping import scope_q

        return self.filter(
            scope_q(user, unit_path="path", division_path="division__path", owner=None)
        )


class Organisation(models.Model):
    """A unit (单位): a body of the party or government, a department, a township."""

    name = models.CharField("全称", max_length=128, unique=True)
    short_name = models.CharField("简称", max_length=64, blank=True)
    aliases = models.JSONField("别名", default=list, blank=True)
    kind = models.CharField("类型", max_length=16, choices=OrgKind.choices)
    division = models.ForeignKey(
        Division, verbose_name="所在区划", on_delete=models.PROTECT, related_name="organisations"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="上级单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    uscc = models.CharField("统一社会信用代码", max_length=18, blank=True)
    is_enforcement_body = models.BooleanField("行政执法主体", default=False)
    is_active = models.BooleanField("启用", default=True)
    sort_order = models.IntegerField("排序", default=0)
    # Ids from the root down, "/1/5/23/": subtree = prefix match on an index.
    path = models.CharField(max_length=255, db_index=True, editable=False)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering: ClassVar[list[str]] = ["path"]

    def __str__(self) -> str:
        return self.short_name or self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def all_names(self) -> Iterable[str]:
        yield self.name
        if self.short_name:
            yield self.short_name
        yield from self.aliases


class OrgGroup(models.Model):
    """A named set of units as plans write them: 各县(区)政府, 市直有关部门, 市政府各部门."""

    name = models.CharField("名称", max_length=64, unique=True)
    aliases = models.JSONField("别名", default=list, blank=True)
    members = models.ManyToManyField(Organisation, verbose_name="成员单位", related_name="groups")
    description = models.CharField("说明", max_length=255, blank=True)

    class Meta:
        verbose_name = "单位组"
        verbose_name_plural = "单位组"
        ordering: ClassVar[list[str]] = ["name"]

    def __str__(self) -> str:
        return self.name

    def all_names(self) -> Iterable[str]:
        yield self.name
        yield from self.aliases


class Permission(models.TextChoices):
    """Permissions a role can carry; checked by services, never by URL pattern."""

    MANAGE_SYSTEM = "system.manage", "系统管理"
    MANAGE_ORGS = "orgs.manage", "管理单位"
    MANAGE_USERS = "users.manage", "管理用户"
    VIEW_AUDIT = "audit.view", "查看审计日志"
    SUPERVISE = "plans.supervise", "督查督办"
    REPORT = "plans.report", "填报进展"
    HANDLE_CASES = "cases.handle", "办理案件"
    ENFORCE = "enforcement.act", "行政执法"
    LEGAL_REVIEW = "legal.review", "法制审核"
    APPROVE = "cases.approve", "审核（承办机构负责人）"
    SIGN = "cases.sign", "签发（机关负责人）"
    MANAGE_CALENDAR = "calendar.manage", "维护工作日历"


class Role(models.Model):
    code = models.SlugField("代码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=32, unique=True)
    permissions = models.JSONField("权限", default=list, blank=True)
    data_scope = models.CharField("数据范围", max_length=16, choices=DataScope.choices)
    # Used to stop a unit admin from granting a role above their own.
    rank = models.PositiveSmallIntegerField(
        "级别", default=10, help_text="数值越大权限越高；单位管理员只能授予不高于自己的角色"
    )
    is_builtin = models.BooleanField("内置", default=False)

    class Meta:
        verbose_name = "角色"
        verbose_name_plural = "角色"
        ordering: ClassVar[list[str]] = ["-rank", "code"]

    def __str__(self) -> str:
        return self.name


class UserQuerySet(models.QuerySet["User"]):
    def visible_to(self, user: Any) -> UserQuerySet:
        from fazhi.core.scoping import scope_q

        return self.filter(
            scope_q(user, unit_path="unit_path", division_path="division_path", owner="id")
        )


class FazhiUserManager(UserManager["User"]):
    """Django's user manager (create_user …) over a queryset that knows visible_to, so that
    ``User.objects.all().visible_to(u)`` works like every other scoped model's."""

    def get_queryset(self) -> UserQuerySet:
        return UserQuerySet(self.model, using=self._db)

    def visible_to(self, user: Any) -> UserQuerySet:
        return self.get_queryset().visible_to(user)


class User(AbstractUser):
    """A person who signs in. Belongs to one unit; holds roles."""

    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    name = models.CharField("姓名", max_length=32)
    unit = models.ForeignKey(
        Organisation,
        verbose_name="所在单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    phone = models.CharField("联系电话", max_length=32, blank=True)
    roles = models.ManyToManyField(Role, verbose_name="角色", blank=True, related_name="users")
    # The unit's paths, copied so that scoped user lists need no join (kept by save()
    # and by the unit services when a unit moves).
    unit_path = models.CharField(max_length=255, blank=True, editable=False)
    division_path = models.CharField(max_length=255, blank=True, db_index=True, editable=False)

    objects = FazhiUserManager()  # type: ignore[misc]

    REQUIRED_FIELDS: ClassVar[list[str]] = ["name"]

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["unit_path", "username"], name="user_unit_path_idx"),
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.unit_path = self.unit.path if self.unit else ""
        self.division_path = self.unit.division.path if self.unit else ""
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "unit" in update_fields:
            kwargs["update_fields"] = {*update_fields, "unit_path", "division_path"}
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.name or self.username

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name

    def has_fazhi_perm(self, perm: str) -> bool:
        if self.is_superuser:
            return True
        return any(perm in role.permissions for role in self.cached_roles)

    @property
    def cached_roles(self) -> list[Role]:
        cache: list[Role] | None = getattr(self, "_cached_roles", None)
        if cache is None:
            cache = list(self.roles.all()) if self.pk else []
            self._cached_roles = cache
        return cache


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def visible_to(self, user: Any) -> AuditEventQuerySet:
        from fazhi.core.scoping import scope_q

        return self.filter(
            scope_q(user, unit_path="unit_path", division_path="division_path", owner="actor")
        )


class AuditEvent(models.Model):
    """One step of the full record (全过程记录), hash-chained with SM3.

    ``hash = SM3(prev_hash || canonical(fields))``: editing, deleting or reordering
    any stored event breaks the chain from that event on.
    """

    seq = models.BigIntegerField("序号", unique=True)
    at = models.DateTimeField("时间", db_index=True)
    actor = models.ForeignKey(
        User,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    actor_name = models.CharField("操作人姓名", max_length=64, blank=True)
    unit = models.ForeignKey(
        Organisation,
        verbose_name="单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    unit_path = models.CharField(max_length=255, blank=True, db_index=True)
    division_path = models.CharField(max_length=255, blank=True, db_index=True)
    ip = models.CharField("IP", max_length=64, blank=True)
    action = models.CharField("操作", max_length=64, db_index=True)
    object_type = models.CharField("对象类型", max_length=64, blank=True, db_index=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=255, blank=True)
    before = models.JSONField("修改前", null=True, blank=True)
    after = models.JSONField("修改后", null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = "审计事件"
        verbose_name_plural = "审计事件"
        ordering: ClassVar[list[str]] = ["-seq"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_repr}"


class AuditChainHead(models.Model):
    """The chain's tip, locked while an event is appended so sequence and hash are serial."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = "审计链头"
        verbose_name_plural = "审计链头"

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"


class StoredFile(models.Model):
    """The bytes of an uploaded or generated file, stored once per content (keyed by SHA-256).

    Attachments (佐证材料 of reports and indicators, case documents) point here: what they
    mean, their name as uploaded, who and when stay on the attachment row. A file is reached
    only through such a row, whose scope decides who may download it."""

    sha256 = models.CharField("SHA-256", max_length=64, unique=True)
    size = models.PositiveIntegerField("大小（字节）")
    # The type read from the content, by its usual extension (pdf, docx, jpg, doc …).
    kind = models.CharField("类型", max_length=8, blank=True)
    content_type = models.CharField("MIME 类型", max_length=128)
    content = models.BinaryField("内容")
    created_at = models.DateTimeField("存入时间", auto_now_add=True)

    class Meta:
        verbose_name = "文件"
        verbose_name_plural = "文件"

    def __str__(self) -> str:
        return f"{self.kind or '文件'} {self.sha256[:12]}（{self.size} 字节）"


# --- numbering (〔年〕N号 series, fazhi.core.numbering) --------------------------------


class NumberSeries(models.Model):
    """The last number given in one series (案号, 文号, 督办单, 登记号) of one unit and year.
    ``unit`` is empty for a series the platform numbers as a whole (三统一 登记号)."""

    unit = models.ForeignKey(
        Organisation,
        verbose_name="单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    series = models.CharField("编号序列", max_length=64)
    year = models.PositiveSmallIntegerField("年度")
    last = models.PositiveIntegerField("已用到的序号", default=0)

    class Meta:
        verbose_name = "编号计数"
        verbose_name_plural = "编号计数"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            # NULL units are not equal to each other in a plain unique constraint.
            models.UniqueConstraint(
                fields=["unit", "series", "year"],
                condition=models.Q(unit__isnull=False),
                name="core_number_series_unit",
            ),
            models.UniqueConstraint(
                fields=["series", "year"],
                condition=models.Q(unit__isnull=True),
                name="core_number_series_whole",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit or '全平台'} {self.series} {self.year}: {self.last}"


class NumberPattern(models.Model):
    """编号格式 of a series, e.g. ``抚司公开〔{year}〕{seq}号``: for one unit, or (no unit) the
    default of every unit without its own."""

    unit = models.ForeignKey(
        Organisation,
        verbose_name="单位",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="留空表示各单位通用的默认格式",
    )
    series = models.CharField("编号序列", max_length=64)
    pattern = models.CharField(
        "编号格式",
        max_length=64,
        help_text="{unit} 单位简称，{year} 年度，{seq} 序号（{seq:03} 补零到 3 位），"
        "如 抚司公开〔{year}〕{seq}号",
    )

    class Meta:
        verbose_name = "编号格式"
        verbose_name_plural = "编号格式"
        ordering: ClassVar[list[str]] = ["series", "pk"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["unit", "series"],
                condition=models.Q(unit__isnull=False),
                name="core_number_pattern_unit",
            ),
            models.UniqueConstraint(
                fields=["series"],
                condition=models.Q(unit__isnull=True),
                name="core_number_pattern_default",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit or '默认'} {self.series}: {self.pattern}"


class NotificationQuerySet(models.QuerySet["Notification"]):
    def visible_to(self, user: Any) -> NotificationQuerySet:
        """A notification is its recipient's alone (no data scope widens this)."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(recipient=user)


class Notification(models.Model):
    """站内通知 for one person: what happened, where to look (a path on this site), read or
    not. Written by fazhi.core.notifications only; every module calls that service."""

    recipient = models.ForeignKey(
        User, verbose_name="接收人", on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField("类型", max_length=32)
    text = models.CharField("内容", max_length=500)
    url = models.CharField("链接", max_length=255, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    # Reminders carry a key so that a daily run sends each one once.
    dedupe_key = models.CharField("去重键", max_length=64, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering: ClassVar[list[str]] = ["-created_at", "-pk"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["recipient", "-created_at"], name="notification_recent"),
        ]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="notification_once",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:40]
