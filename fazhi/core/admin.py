"""Back-office admin (Chinese, behind the platform login)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest

from fazhi.core.models import AuditEvent, Division, Organisation, OrgGroup, Role, User


@admin.register(Division)
class DivisionAdmin(admin.ModelAdmin[Division]):
    list_display = ("code", "name", "level", "parent", "is_zone")
    list_filter = ("level", "is_zone")
    search_fields = ("code", "name")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ("name", "short_name", "kind", "division", "parent", "is_enforcement_body")
    list_filter = ("kind", "is_enforcement_body", "division")
    search_fields = ("name", "short_name")


@admin.register(OrgGroup)
class OrgGroupAdmin(admin.ModelAdmin[OrgGroup]):
    list_display = ("name", "description")
    filter_horizontal = ("members",)


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin[Role]):
    list_display = ("name", "code", "data_scope", "rank", "is_builtin")


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
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
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    """Read-only: the audit trail is appended by services, never edited."""

    list_display = ("seq", "at", "actor_name", "action", "object_type", "object_repr", "ip")
    list_filter = ("action",)
    search_fields = ("actor_name", "object_repr", "object_id")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
