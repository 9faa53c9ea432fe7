"""Admin: each unit's 公开受理机构 (whether it takes requests on the portal)."""

from __future__ import annotations

from django.contrib import admin

from fazhi.core.admin import AuditedAdmin
from fazhi.disclosure.models import DisclosureDesk


@admin.register(DisclosureDesk)
class DisclosureDeskAdmin(AuditedAdmin):
    list_display = ("unit", "accepts_online", "address", "phone")
    list_filter = ("accepts_online",)
