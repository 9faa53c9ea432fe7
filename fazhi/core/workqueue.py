"""The work queue (我的待办): what waits for a user across all modules.

Each module registers a provider (in its AppConfig.ready) whose kinds each answer two
questions for a user: how many items wait (a COUNT on an index) and the first ``limit`` of
them in queue order (due date, the overdue first, those without a date last; a LIMIT on the
same index). The queue merges the kinds' first rows, so a page never reads more than
page × page size rows of any kind, whatever the size of the user's scope.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from typing import Any

PAGE_SIZE = 20
# Deeper than this the queue asks for a filter instead of merging ever longer prefixes.
MAX_PAGES = 50


@dataclass(frozen=True)
class WorkItem:
    module: str  # the provider's code: "plans", "disclosure"
    kind: str  # what is asked of the user: 待报送, 待审核, 待回复, 待办理, 待签发 …
    title: str
    url: str
    due_on: date | None
    overdue: bool
    unit: str  # the unit whose item it is
    note: str = ""  # one short line (a period, a state)

    def sort_key(self) -> tuple[bool, bool, date]:
        """Overdue first, then by due date, undated last. Ties keep the order a kind gave
        (the sort is stable), which is what lets a page merge the kinds' first rows."""
        return (not self.overdue, self.due_on is None, self.due_on or date.max)


@dataclass(frozen=True)
class Kind:
    """One kind of item of a provider. ``count`` gives None when the kind is not the user's
    business at all (no permission, no unit): then no card and no filter option is shown.
    ``items`` gives the first ``limit`` items in :meth:`WorkItem.sort_key` order."""

    code: str  # "plans.report": unique across providers
    label: str  # 待报送
    count: Callable[[Any], int | None]
    items: Callable[[Any, int], list[WorkItem]]


@dataclass(frozen=True)
class Provider:
    module: str
    label: str  # the module's Chinese name, shown in the filter
    kinds: Callable[[], Iterable[Kind]]  # late-bound: a module may declare kinds at start-up
    order: int = 100


_PROVIDERS: dict[str, Provider] = {}
_MEMO: ContextVar[dict[tuple[Any, ...], Any] | None] = ContextVar("fazhi_queue_memo", default=None)


@contextmanager
def reading() -> Iterator[None]:
    """One reading of the queue (the counts, then a page, in one request): within it the
    providers share what they computed (:func:`memo`); nothing outlives it, so a write
    between two readings is always seen."""
    if _MEMO.get() is not None:
        yield
        return
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def memo(key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
    """``compute()`` once per reading for ``key`` (computed afresh outside a reading)."""
    store = _MEMO.get()
    if store is None:
        return compute()
    if key not in store:
        store[key] = compute()
    return store[key]


def register(provider: Provider) -> None:
    _PROVIDERS[provider.module] = provider


def providers() -> list[Provider]:
    return sorted(_PROVIDERS.values(), key=lambda p: (p.order, p.module))


@dataclass(frozen=True)
class Count:
    module: str
    module_label: str
    kind: str  # the kind's code
    label: str
    value: int


def counts(user: Any) -> list[Count]:
    """Every kind that concerns ``user``, with its count (zero included), in module order."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    found = []
    with reading():
        for provider in providers():
            for kind in provider.kinds():
                value = kind.count(user)
                if value is not None:
                    found.append(
                        Count(provider.module, provider.label, kind.code, kind.label, value)
                    )
    return found


def total(user: Any) -> int:
    return sum(c.value for c in counts(user))


@dataclass(frozen=True)
class Page:
    items: list[WorkItem]
    number: int
    num_pages: int
    count: int  # items matching the filter (all of them, not only the pages shown)
    capped: bool  # more items than MAX_PAGES pages can show
    counts: list[Count]  # every kind of the user's, unfiltered (for the filter's options)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def _kind(code: str) -> tuple[Provider, Kind] | None:
    for provider in providers():
        for kind in provider.kinds():
            if kind.code == code:
                return provider, kind
    return None


def page(
    user: Any,
    *,
    module: str = "",
    kind: str = "",
    number: int = 1,
    size: int = PAGE_SIZE,
    known: list[Count] | None = None,
) -> Page:
    """One page of the user's queue, filtered by module and/or kind (codes; unknown codes
    select nothing: the page's form refuses them before this is called). ``known``: the
    counts the caller already read in this request."""
    with reading():
        return _page(user, module, kind, number, size, known)


def _page(
    user: Any, module: str, kind: str, number: int, size: int, known: list[Count] | None
) -> Page:
    all_counts = counts(user) if known is None else known
    chosen = [
        c for c in all_counts if (not module or c.module == module) and (not kind or c.kind == kind)
    ]
    matching = sum(c.value for c in chosen)
    num_pages = max(1, min(MAX_PAGES, -(-matching // size)))
    number = max(1, min(number, num_pages))
    limit = number * size
    merged: list[WorkItem] = []
    for c in chosen:
        if c.value:
            found = _kind(c.kind)
            assert found is not None
            merged.extend(found[1].items(user, limit))
    merged.sort(key=WorkItem.sort_key)
    return Page(
        items=merged[(number - 1) * size : limit], number=number, num_pages=num_pages,
        count=matching, capped=matching > MAX_PAGES * size, counts=all_counts,
    )  # fmt: skip


def module_label(code: str) -> str:
    found = _PROVIDERS.get(code)
    return found.label if found else code
