"""What every page's shell needs: platform name and the user's navigation."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from fazhi.core import nav


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    sections = nav.sections_for(user, request.path) if user and user.is_authenticated else []
    return {
        "platform_name": settings.PLATFORM_NAME,
        "nav_sections": sections,
        "public_links": nav.public_links(),
    }
