"""Recomputers of stored due dates: modules register one; a calendar import calls them all."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

# fn(first_day, last_day) recomputes the open items whose period spans any of those days
# and returns how many stored due dates changed.
Recomputer = Callable[[date, date], int]

_RECOMPUTERS: dict[str, Recomputer] = {}


def register_due_recomputer(name: str, fn: Recomputer) -> None:
    """Register (or replace) the recomputer called ``name``; call it from AppConfig.ready()."""
    _RECOMPUTERS[name] = fn


def unregister_due_recomputer(name: str) -> None:
    _RECOMPUTERS.pop(name, None)


def registered_recomputers() -> list[str]:
    return sorted(_RECOMPUTERS)


def recompute_due_dates(first_day: date, last_day: date) -> dict[str, int]:
    """Run every recomputer over [first_day, last_day]; {name: changed count}, by name."""
    return {name: _RECOMPUTERS[name](first_day, last_day) for name in sorted(_RECOMPUTERS)}
