"""The left navigation: each module registers its entries; unbuilt modules are simply absent."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, get_script_prefix, reverse

log = logging.getLogger("fazhi.nav")


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
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            # One module's broken entry must not take every page down with it.
            log.error("nav item %s: no such URL name %r", item.label, item.url_name)
            continue
        active = current_path == url if url == "/" else current_path.startswith(url)
        sections.setdefault(item.section, []).append(
            {"label": item.label, "url": url, "active": active}
        )
    return [{"title": title, "items": items} for title, items in sections.items()]


@dataclass(frozen=True)
class PublicLink:
    label: str
    url_name: str
    description: str = ""
    order: int = 100


_PUBLIC: list[PublicLink] = []


def register_public(link: PublicLink) -> None:
    """A public (no-login) service shown on the portal and in its top bar."""
    if all(existing.url_name != link.url_name for existing in _PUBLIC):
        _PUBLIC.append(link)


_PUBLIC_CACHE: dict[tuple[str, int], list[dict[str, str]]] = {}


def public_links() -> list[dict[str, str]]:
    """The public services in order (reversed once per URL prefix and registry size: the
    top bar of every public page shows them)."""
    key = (get_script_prefix(), len(_PUBLIC))
    if key not in _PUBLIC_CACHE:
        _PUBLIC_CACHE[key] = _public_links()
    return _PUBLIC_CACHE[key]


def _public_links() -> list[dict[str, str]]:
    links = []
    for link in sorted(_PUBLIC, key=lambda p: p.order):
        try:
            url = reverse(link.url_name)
        except NoReverseMatch:
            log.error("public link %s: no such URL name %r", link.label, link.url_name)
            continue
        links.append({"label": link.label, "url": url, "description": link.description})
    return links


@dataclass(frozen=True)
class HomeCount:
    """A figure on the home page, counted by its module within the user's scope."""

    label: str
    count: Callable[[Any], int | None]  # None: not shown to this user
    url_name: str = ""
    order: int = 100


_COUNTS: list[HomeCount] = []


def register_count(item: HomeCount) -> None:
    if all(existing.label != item.label for existing in _COUNTS):
        _COUNTS.append(item)


def home_counts(user: Any) -> list[dict[str, Any]]:
    figures = []
    for item in sorted(_COUNTS, key=lambda c: c.order):
        value = item.count(user)
        if value is None:
            continue
        url = ""
        if item.url_name:
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:
                log.error("home count %s: no such URL name %r", item.label, item.url_name)
        figures.append({"label": item.label, "value": value, "url": url})
    return figures
