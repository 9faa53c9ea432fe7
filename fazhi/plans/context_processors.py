"""The unread-notification count for the top bar (to be listed in TEMPLATES when base.html
shows it; see the plans report)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def notifications(request: HttpRequest) -> dict[str, Any]:
    from fazhi.plans.selectors import count_unread

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notification_count": count_unread(user) or 0}
