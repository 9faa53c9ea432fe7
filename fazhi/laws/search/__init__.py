"""The search interface of the laws module: one small surface (index, remove, rebuild,
search) so that a city can move from the database backends to OpenSearch later.

Semantics, whichever backend: a document matches when every term occurs in it as an exact
substring (title, history or text); a title match outranks a mention in the text; within a
document the best article comes first. When the exact terms find nothing, long terms are
cut into words by jieba and searched again, and the results say so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from django.conf import settings
from django.db import connection
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString

from fazhi.laws.models import Kind, Status
from fazhi.laws.search.query import ParsedQuery, QueryError, parse_query

__all__ = ["Filters", "Hit", "QueryError", "Results", "SearchBackend", "get_backend", "search"]

SORTS = {"relevance": "按相关度", "date": "按日期"}
_KIND_LABELS = {value: str(label) for value, label in Kind.choices}
_STATUS_LABELS = {value: str(label) for value, label in Status.choices}


@dataclass(frozen=True)
class Filters:
    kind: str = ""
    status: str = ""
    issuing_body: str = ""
    year: int | None = None


@dataclass
class Hit:
    document_id: int
    title: str
    kind: str
    status: str
    issuing_body: str
    version_date: date
    article: str | None  # 第三十条, or None when the match is the title or history only
    anchor: str
    snippet: str
    snippet_html: SafeString
    score: float

    @property
    def kind_label(self) -> str:
        return _KIND_LABELS.get(self.kind, self.kind)

    @property
    def status_label(self) -> str:
        return _STATUS_LABELS.get(self.status, self.status)


@dataclass
class Results:
    """One page of hits. ``total`` belongs to the query and the filters alone: whichever
    page or order is asked for, the same documents are counted (the first
    ``database.POOL`` in index order; past them the count says "at least")."""

    hits: list[Hit]
    total: int
    total_exact: bool  # False: at least ``total`` documents match
    query: ParsedQuery
    relaxed: bool = False  # the exact terms found nothing; these match the words of them
    notes: list[str] = field(default_factory=list)
    # Where ``hits`` start: the offset asked for, or the last page's when it lay past the end.
    offset: int = 0
    more: bool = False  # documents follow this page


class SearchBackend(Protocol):
    def index_documents(self, document_ids: Iterable[int]) -> None: ...

    def remove_documents(self, document_ids: Iterable[int]) -> None: ...

    def rebuild(self) -> None: ...

    def repair(self) -> int:
        """Index every document whose index is missing or stale; returns how many."""
        ...

    def search(
        self, query: ParsedQuery, *, filters: Filters, sort: str, offset: int, limit: int
    ) -> Results: ...


def get_backend() -> SearchBackend:
    """The configured backend (setting LAWS_SEARCH_BACKEND), else the database's own."""
    path = getattr(settings, "LAWS_SEARCH_BACKEND", "")
    if path:
        backend: SearchBackend = import_string(path)()
        return backend
    if connection.vendor == "postgresql":
        from fazhi.laws.search.postgres import PostgresBackend

        return PostgresBackend()
    from fazhi.laws.search.sqlite import SqliteBackend

    return SqliteBackend()


def search(
    text: str,
    *,
    filters: Filters | None = None,
    sort: str = "relevance",
    offset: int = 0,
    limit: int = 20,
) -> Results:
    """Search the published laws and documents. Raises QueryError (Chinese message) for
    a query that cannot be searched. An ``offset`` past the last match gives the last
    page (``Results.offset`` says where it starts)."""
    query = parse_query(text)
    if sort not in SORTS:
        raise QueryError("排序方式无效，可选：按相关度、按日期。")
    limit = max(1, min(limit, 1000))
    offset = max(0, offset)
    return get_backend().search(
        query, filters=filters or Filters(), sort=sort, offset=offset, limit=limit
    )
