"""Back-office admin (Chinese, behind the platform login)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import models, transaction
from django.forms.models import model_to_dict
from django.http import HttpRequest

from fazhi.core import audit, numbering
from fazhi.core.forms import ModelForm
from fazhi.core.models import (
    AuditEvent,
    Division,
    NumberPattern,
    Organisation,
    OrgGroup,
    Role,
    User,
)


class BaseAdmin(admin.ModelAdmin[Any]):
    """Every admin of the platform: its forms check typed text like the platform's pages
    (fazhi.core.forms), and its empty choices read 请选择."""

    form = ModelForm

    def get_action_choices(
        self, request: HttpRequest, default_choices: Any = (("", "请选择操作"),)
    ) -> list[tuple[str, str]]:
        return super().get_action_choices(request, default_choices=list(default_choices))


class AuditedAdmin(BaseAdmin):
    """For plain reference tables: every admin save or delete is one audited transaction."""

    def _snapshot(self, obj: models.Model) -> dict[str, Any]:
        return model_to_dict(obj)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = None
        if change:
            old = type(obj)._default_manager.filter(pk=obj.pk).first()
            before = self._snapshot(old) if old is not None else None
        request._audit_before = before  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # Many-to-many fields are saved here, after save_model: record once they are.
        with transaction.atomic():
            super().save_related(request, form, formsets, change)
            obj = form.instance
            audit.record(
                action=f"admin.{obj._meta.model_name}.{'update' if change else 'create'}",
                actor=request.user,  # type: ignore[arg-type]
                obj=obj,
                before=getattr(request, "_audit_before", None),
                after=self._snapshot(obj),
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            audit.record(
                action=f"admin.{obj._meta.model_name}.delete",
                actor=request.user,  # type: ignore[arg-type]
                obj=obj,
                before=self._snapshot(obj),
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


class ReadOnlyAdmin(BaseAdmin):
    """Rows whose writes keep derived state (tree paths, scopes): edited on the platform's
    own pages, through the services; the admin only shows them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Division)
class DivisionAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "level", "parent", "is_zone")
    list_filter = ("level", "is_zone")
    search_fields = ("code", "name")


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ("name", "short_name", "kind", "division", "parent", "is_enforcement_body")
    list_filter = ("kind", "is_enforcement_body", "division")
    search_fields = ("name", "short_name")


@admin.register(OrgGroup)
class OrgGroupAdmin(AuditedAdmin):
    list_display = ("name", "description")
    filter_horizontal = ("members",)


@admin.register(Role)
class RoleAdmin(AuditedAdmin):
    list_display = ("name", "code", "data_scope", "rank", "is_builtin")


@admin.register(User)
class UserAdmin(ReadOnlyAdmin, BaseUserAdmin[User]):
    """Shown here; created and changed on the 用户管理 pages, which apply the unit-admin rules."""

    list_display = ("username", "name", "unit", "is_active", "is_staff")
    list_filter = ("is_active", "is_staff", "roles")
    search_fields = ("username", "name")
    ordering = ("username",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("name", "unit", "phone")}),
        ("权限", {"fields": ("is_active", "is_staff", "is_superuser", "roles")}),
        ("重要日期", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "name", "unit", "password1", "password2"),
            },
        ),
    )


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Read-only: the audit trail is appended by services, never edited."""

    list_display = ("seq", "at", "actor_name", "action", "object_type", "object_repr", "ip")
    list_filter = ("action",)
    search_fields = ("actor_name", "object_repr", "object_id")


class NumberPatternForm(ModelForm):
    series = forms.ChoiceField(label="编号序列", choices=())

    class Meta:
        model = NumberPattern
        fields = ("unit", "series", "pattern")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["series"].choices = [  # type: ignore[attr-defined]
            (s.code, f"{s.name}（默认 {s.default}）") for s in numbering.registered_series()
        ]

    def clean_pattern(self) -> str:
        return numbering.pattern_check(self.cleaned_data["pattern"])


@admin.register(NumberPattern)
class NumberPatternAdmin(BaseAdmin):
    """编号格式 (案号、文号、督办单、登记号): saved and deleted through the numbering service."""

    form = NumberPatternForm
    list_display = ("series_name", "unit", "pattern")
    list_filter = ("series",)

    @admin.display(description="编号序列")
    def series_name(self, obj: NumberPattern) -> str:
        return numbering.series_label(obj.series) or obj.series

    def save_model(self, request: HttpRequest, obj: NumberPattern, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if change and obj.pk is not None:
            old = NumberPattern.objects.get(pk=obj.pk)
            if (old.unit_id, old.series) != (data["unit"] and data["unit"].pk, data["series"]):
                numbering.number_pattern_clear(actor=request.user, pattern_id=old.pk)  # type: ignore[arg-type]
        saved = numbering.number_pattern_set(
            actor=request.user,  # type: ignore[arg-type]
            unit=data["unit"],
            series=data["series"],
            pattern=data["pattern"],
        )
        obj.pk = saved.pk

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        pass  # no many-to-many fields; the service saved the row

    def delete_model(self, request: HttpRequest, obj: NumberPattern) -> None:
        numbering.number_pattern_clear(actor=request.user, pattern_id=obj.pk)  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)
