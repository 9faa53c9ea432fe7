"""What every page's shell needs: platform name, the user's navigation and the top bar's counts."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from fazhi.core import nav, notifications, workqueue


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return {
        "platform_name": settings.PLATFORM_NAME,
        "nav_sections": nav.sections_for(user, request.path) if signed_in else [],
        "public_links": nav.public_links(),
        # The top bar: unread notifications and what waits (lazy: a page that does not show
        # the bar, such as a download, counts nothing).
        "notification_count": (lambda: notifications.unread_count(user)) if signed_in else 0,
        "queue_count": (lambda: _queue_total(request)) if signed_in else 0,
    }


def _queue_total(request: HttpRequest) -> int:
    # The home and queue pages have counted already (core.views._queue_counts).
    known = getattr(request, "queue_total", None)
    return int(known) if known is not None else workqueue.total(request.user)
