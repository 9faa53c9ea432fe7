"""Pagination for very long lists: counting a million audit rows exactly is not worth 100 ms."""

from __future__ import annotations

from functools import cached_property

from django.core.paginator import Paginator


class CappedPaginator(Paginator):  # type: ignore[type-arg]
    """Counts at most ``cap`` + 1 rows; the page then says "10000 条以上"."""

    cap = 10_000

    @cached_property
    def count(self) -> int:
        return int(self.object_list[: self.cap + 1].count())  # type: ignore[attr-defined]

    @property
    def is_capped(self) -> bool:
        return self.count > self.cap
