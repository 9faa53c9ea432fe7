"""Small display filters shared by templates."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import template

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
    """An audit event's before/after as readable lines: "字段：旧 → 新"."""
    before = event.before if isinstance(event.before, dict) else {}
    after = event.after if isinstance(event.after, dict) else {}
    lines = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if key in before and key in after:
            if old != new:
                lines.append(f"{key}：{_short(old)} → {_short(new)}")
        elif key in after:
            lines.append(f"{key}：{_short(new)}")
        else:
            lines.append(f"{key}：{_short(old)} → （删除）")
    if not lines and (event.before or event.after) and not (before or after):
        lines.append(_short(event.after if event.after is not None else event.before))
    return lines


def _short(value: Any, limit: int = 80) -> str:
    text = "、".join(map(str, value)) if isinstance(value, list) else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@register.filter
def link(value: Any) -> str:
    """A URL that came from data (an imported file, an admin field) as an href, or "" when it
    is not http(s) or a path of this site: no ``javascript:`` or ``data:`` link is rendered."""
    return safe_link(value)
