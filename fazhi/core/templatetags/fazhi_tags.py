"""Small display filters shared by templates."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import template

from fazhi.core import audit_labels
from fazhi.core.text import safe_link

register = template.Library()


@register.filter
def minutes(value: timedelta | None) -> int:
    """A duration in whole minutes, rounded up (锁定 30 分钟)."""
    if value is None:
        return 0
    return -(-int(value.total_seconds()) // 60)


@register.filter
def changes(event: Any) -> list[str]:
    """An audit event's before/after as readable lines: "字段：旧 → 新" (Chinese field names
    and value labels from fazhi.core.audit_labels)."""
    return [f"{label}：{_short(text)}" for label, text in audit_labels.changes(event)]


@register.filter
def action_label(code: str) -> str:
    return audit_labels.action_label(code) or code


@register.filter
def object_label(object_type: str) -> str:
    return audit_labels.object_label(object_type)


def _short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


@register.filter
def link(value: Any) -> str:
    """A URL that came from data (an imported file, an admin field) as an href, or "" when it
    is not http(s) or a path of this site: no ``javascript:`` or ``data:`` link is rendered."""
    return safe_link(value)
