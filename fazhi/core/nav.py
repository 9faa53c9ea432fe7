"""The left navigation: each module registers its entries; unbuilt modules are simply absent."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    section: str
    label: str
    url_name: str
    order: int = 100
    allowed: Callable[[Any], bool] = lambda user: True


_ITEMS: list[NavItem] = []


def register(item: NavItem) -> None:
    if any(existing.url_name == item.url_name for existing in _ITEMS):
        return
    _ITEMS.append(item)


def sections_for(user: Any, current_path: str) -> list[dict[str, Any]]:
    """Sections in order, each with the entries this user may open."""
    sections: dict[str, list[dict[str, Any]]] = {}
    for item in sorted(_ITEMS, key=lambda i: i.order):
        if not item.allowed(user):
            continue
        url = reverse(item.url_name)
        active = current_path == url if url == "/" else current_path.startswith(url)
        sections.setdefault(item.section, []).append(
            {"label": item.label, "url": url, "active": active}
        )
    return [{"title": title, "items": items} for title, items in sections.items()]
