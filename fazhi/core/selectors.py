"""Reads of core data, every one already scoped to the user."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.utils import timezone

from fazhi.core.models import AuditEvent, Organisation, Permission, User


def home_counts(user: Any) -> list[dict[str, Any]]:
    """The figures on the home page, each counted within the user's data scope."""
    today_start = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    counts = [
        {"label": "可见单位", "value": Organisation.objects.visible_to(user).count()},
        {"label": "可见用户", "value": User.objects.visible_to(user).count()},
        {
            "label": "今日登录",
            "value": AuditEvent.objects.visible_to(user)
            .filter(action="auth.login", at__gte=today_start)
            .count(),
        },
    ]
    if user.has_fazhi_perm(Permission.VIEW_AUDIT):
        counts.append({"label": "审计事件", "value": AuditEvent.objects.visible_to(user).count()})
    return counts
