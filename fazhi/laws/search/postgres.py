"""PostgreSQL dialect: tsvectors built from explicit lexeme arrays with ``array_to_tsvector``,
GIN indexes, and tsquery literals of quoted lexemes.

Neither ``to_tsvector`` nor ``to_tsquery`` is used: both run the text-search parser, which
follows the database's LC_CTYPE and drops CJK under ``C``. Lexeme arrays and quoted tsquery
literals are taken as they are, whatever the locale. The tsvectors carry no positions, so
the 16,383-position limit does not apply; phrases are exact by the substring re-check.

Windows. A GIN index returns its matches in no order, so "the first 150 documents in rank
order that hold 规范性文件" used to read all 32,000 matches among 100,000 documents (well
over 100 ms). The lexemes therefore live in two slim tables, ``laws_docterm`` and
``laws_chunkterm``, partitioned into windows of the rank order (WINDOW rank keys each; chunk
ids are rank key × CHUNK_FACTOR + sequence, so a document and its articles share a window).
A search reads the windows in rank order, a few at a time, and stops as soon as it holds
enough: its work is bounded by the matches in the first windows, not by every match of a
common term. A rare term reads every window, each cheaply.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection, transaction

from fazhi.laws.models import SearchChunk, SearchDoc
from fazhi.laws.search import Filters, Results
from fazhi.laws.search.database import CHUNK_POOL, DatabaseBackend, _Candidate
from fazhi.laws.search.indexing import CHUNK_FACTOR, IndexedDocument
from fazhi.laws.search.query import ParsedQuery, Term
from fazhi.laws.text import tokens

# Rank keys per window (partition). Existing partitions keep their bounds: searches read the
# bounds from the catalog, so only new windows follow this value.
WINDOW = 4096
# Extra keys read per round beyond what is still needed, for rows the exact re-check drops.
MARGIN = 16
_BOUND = re.compile(r"FROM \('?(-?\d+)'?\) TO \('?(-?\d+)'?\)")
# Advisory lock key (any constant) serialising the creation of new windows.
_WINDOW_LOCK = 0x6C617773  # "laws"

Row = tuple[Any, ...]


def _candidates(rows: list[Row], *, verified: bool) -> list[_Candidate]:
    out = [_Candidate(*row) for row in rows]
    for c in out:
        c.verified = verified
    return out


def _partition(table: str, window: int) -> str:
    """The partition of laws_docterm / laws_chunkterm holding one window."""
    return f"laws_{table}_w{window}"


class PostgresBackend(DatabaseBackend):
    contains = "strpos({col}, %s) > 0"

    def __init__(self) -> None:
        self._windows: list[tuple[int, int]] | None = None  # read once per search

    def all_of(self, tokens: Sequence[str]) -> str:
        # Tokens are CJK characters or [0-9a-z]: no quote or backslash can occur.
        return " & ".join(f"'{t}'" for t in tokens)

    def any_of(self, groups: Sequence[str]) -> str:
        return " | ".join(f"({g})" for g in groups)

    # -- writing -----------------------------------------------------------------------

    def insert(self, built: list[IndexedDocument]) -> None:
        if not built:
            return
        SearchDoc.objects.bulk_create([b.doc for b in built])
        SearchChunk.objects.bulk_create([c for b in built for c in b.chunks], batch_size=1000)
        chunk_tokens = {c.id: tokens(c.text) for b in built for c in b.chunks}
        with connection.cursor() as cursor:
            self._ensure_windows(cursor, {b.doc.rank_key // WINDOW for b in built})
            cursor.executemany(
                "INSERT INTO laws_docterm (rank_key, document_id, title, kind, status, "
                "issuing_body, year, version_date, tsv, title_tsv) VALUES (%s, %s, %s, %s, %s, "
                "%s, %s, %s, array_to_tsvector(%s::text[]), array_to_tsvector(%s::text[]))",
                [
                    (
                        b.doc.rank_key, b.doc.document_id, b.doc.title, b.doc.kind, b.doc.status,
                        b.doc.issuing_body, b.doc.year, b.doc.version_date,
                        # The body is the title and the chunks joined: its tokens are the union.
                        sorted(
                            set(tokens(b.doc.title)).union(*(chunk_tokens[c.id] for c in b.chunks))
                        ),
                        tokens(b.doc.title),
                    )
                    for b in built
                ],
            )  # fmt: skip
            cursor.executemany(
                "INSERT INTO laws_chunkterm (id, kind, status, year, tsv) "
                "VALUES (%s, %s, %s, %s, array_to_tsvector(%s::text[]))",
                [
                    (c.id, b.doc.kind, b.doc.status, b.doc.year, chunk_tokens[c.id])
                    for b in built
                    for c in b.chunks
                ],
            )
            # New entries wait in each GIN index's pending list, which every search reads
            # in full until it is merged: merge now, while the batch is in hand.
            windows = sorted({b.doc.rank_key // WINDOW for b in built})
            cursor.execute(
                "SELECT gin_clean_pending_list(i.indexrelid) FROM pg_index i "
                "JOIN pg_class t ON t.oid = i.indrelid JOIN pg_class x ON x.oid = i.indexrelid "
                "JOIN pg_am a ON a.oid = x.relam WHERE a.amname = 'gin' AND t.relname = ANY(%s)",
                [[_partition(table, w) for w in windows for table in ("docterm", "chunkterm")]],
            )

    def _ensure_windows(self, cursor: Any, windows: set[int]) -> None:
        """Create the partitions these windows need (once; concurrent writers wait)."""
        have = {lo for lo, _ in self._bounds(cursor)}
        missing = sorted(w for w in windows if w * WINDOW not in have)
        if not missing:
            return
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_WINDOW_LOCK])
        for w in missing:
            # Names and bounds are integers computed here; nothing typed by a person.
            lo, hi = w * WINDOW, (w + 1) * WINDOW
            for table, factor in (("docterm", 1), ("chunkterm", CHUNK_FACTOR)):
                cursor.execute(
                    f"CREATE TABLE IF NOT EXISTS {_partition(table, w)} PARTITION OF "
                    f"laws_{table} FOR VALUES FROM ({lo * factor}) TO ({hi * factor})"
                )

    def delete_fulltext(
        self, cursor: Any, docs: list[SearchDoc], chunks: list[SearchChunk]
    ) -> None:
        # Through the indexes on document_id and id / CHUNK_FACTOR (the rank key): the
        # partition keys have no B-tree of their own (see migration 0003).
        cursor.execute(
            "DELETE FROM laws_docterm WHERE document_id = ANY(%s)", [[d.document_id for d in docs]]
        )
        cursor.execute(
            f"DELETE FROM laws_chunkterm WHERE id / {CHUNK_FACTOR} = ANY(%s)",  # noqa: S608
            [[d.rank_key for d in docs]],
        )

    def clear_fulltext(self, cursor: Any) -> None:
        cursor.execute("TRUNCATE laws_docterm, laws_chunkterm")

    # -- reading -----------------------------------------------------------------------

    def search(
        self, query: ParsedQuery, *, filters: Filters, sort: str, offset: int, limit: int
    ) -> Results:
        # The plans below are chosen here, not by estimates: the planner multiplies the
        # selectivities of overlapping grams (规范, 范性, 性文, 文件) as if independent and
        # would pick sequential scans or JIT compilation for what the GIN index answers.
        # Set for this transaction only; inside a caller's transaction they are put back.
        names = ("enable_seqscan", "jit")
        nested = connection.in_atomic_block
        with transaction.atomic(), connection.cursor() as cursor:
            if nested:
                cursor.execute("SELECT " + ", ".join(f"current_setting('{n}')" for n in names))
                before = cursor.fetchone()
            cursor.execute("SELECT " + ", ".join(f"set_config('{n}', 'off', true)" for n in names))
            try:
                self._windows = self._bounds(cursor)
                return super().search(query, filters=filters, sort=sort, offset=offset, limit=limit)
            finally:
                if nested:
                    cursor.execute(
                        "SELECT " + ", ".join(f"set_config('{n}', %s, true)" for n in names),
                        list(before),
                    )

    @staticmethod
    def _bounds(cursor: Any) -> list[tuple[int, int]]:
        cursor.execute(
            "SELECT pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
            "JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'laws_docterm'::regclass"
        )
        bounds = []
        for (expression,) in cursor.fetchall():
            match = _BOUND.search(expression or "")
            if match:
                bounds.append((int(match.group(1)), int(match.group(2))))
        return sorted(bounds)

    def _scan(
        self,
        table: str,
        columns: str,
        key: str,
        factor: int,
        where: list[str],
        params: list[Any],
        need: int,
        fetch: Callable[[list[Row]], list[Row]] | None = None,
    ) -> list[Row]:
        """Rows of ``table`` (``columns``, the key last) matching ``where``, in key order,
        until ``need`` are found. ``fetch`` turns a batch into the rows wanted and drops
        those that fail a check the table cannot make. The first window is read alone;
        then as many at a time as the matches so far say are needed, growing at most
        fourfold per step (windows that hold nothing are passed over quickly)."""
        windows = self._windows
        if windows is None:
            with connection.cursor() as cursor:
                windows = self._bounds(cursor)
        out: list[Row] = []
        # Table and column names are constants of this module; values are bound parameters.
        sql = (
            f"SELECT {columns} FROM {table} WHERE {key} >= %s AND {key} < %s AND "  # noqa: S608
            f"{' AND '.join(where)} ORDER BY {key} LIMIT %s"
        )
        start, step, matched = 0, 1, 0
        with connection.cursor() as cursor:
            while start < len(windows):
                group = windows[start : start + step]
                after, end = group[0][0] * factor, group[-1][1] * factor
                start += step
                while True:
                    batch = need - len(out) + MARGIN
                    cursor.execute(sql, [after, end, *params, batch])
                    rows = cursor.fetchall()
                    matched += len(rows)
                    out.extend(fetch(rows) if fetch else (row[:-1] for row in rows))
                    if len(out) >= need:
                        return out[:need]
                    if len(rows) < batch:
                        break
                    after = rows[-1][-1] + 1
                # As many windows as the matches so far say are needed, at most four times
                # as many as the last step (a dense window costs as much as a sparse group).
                per_window = matched / start
                wanted = (need - len(out)) / per_window if per_window else 4 * step
                step = max(1, min(4 * step, math.ceil(wanted)))
        return out

    def _by_date(
        self,
        columns: str,
        where: list[str],
        params: list[Any],
        need: int,
        fetch: Callable[[list[Row]], list[_Candidate]],
    ) -> list[_Candidate]:
        """Newest first: every match is a candidate, so the windows do not help here."""
        out: list[_Candidate] = []
        offset = 0
        sql = (
            f"SELECT {columns} FROM laws_docterm WHERE "  # noqa: S608
            f"{' AND '.join(where)} ORDER BY version_date DESC, rank_key LIMIT %s OFFSET %s"
        )
        with connection.cursor() as cursor:
            while True:
                batch = need - len(out) + MARGIN
                cursor.execute(sql, [*params, batch, offset])
                rows = cursor.fetchall()
                out.extend(fetch(rows))
                if len(out) >= need or len(rows) < batch:
                    return out[:need]
                offset += batch

    def _filters_on(
        self, filters: Filters, terms: list[Term], text_column: str
    ) -> tuple[list[str], list[Any]]:
        """Conditions a term table can check itself: kind, status, year; on laws_docterm
        (``text_column`` given) also the issuing body and the exact terms in that column."""
        where, params = self._filters(filters, prefix="", issuing_body=bool(text_column))
        for term in terms if text_column else []:
            if not term.exact_by_token:
                where.append(self.contains.format(col=text_column))
                params.append(term.text)
        return where, params

    def _checker(
        self, select: str, key: str, checks: list[str], params: list[Any]
    ) -> Callable[[list[Row]], list[Row]]:
        """A fetch for _scan: the rows of ``select`` for the batch's keys that pass
        ``checks``, in the batch's order."""
        sql = select + f" WHERE {key} = ANY(%s)" + "".join(f" AND {c}" for c in checks)

        def fetch(batch: list[Row]) -> list[Row]:
            keys = [row[-1] for row in batch]
            if not keys:
                return []
            with connection.cursor() as cursor:
                cursor.execute(sql, [keys, *params])
                found = {row[-1]: row[:-1] for row in cursor.fetchall()}
            return [found[k] for k in keys if k in found]

        return fetch

    DOC_COLUMNS = "document_id, rank_key, title, kind, status, issuing_body, version_date, rank_key"

    def _docs(
        self, terms: list[Term], filters: Filters, *, title: bool, order: str, limit: int
    ) -> list[_Candidate]:
        match = "title_tsv @@ %s::tsquery" if title else "tsv @@ %s::tsquery"
        fwhere, fparams = self._filters_on(filters, terms if title else [], "title")
        where = [match, *fwhere]
        params = [self.all_of([t for term in terms for t in term.tokens]), *fparams]
        inexact = [t.text for t in terms if not t.exact_by_token]
        if order == "relevance":
            # Reading the whole text of every candidate for the exact check is what costs
            # (a law runs to tens of thousands of characters): it is left to the documents
            # that are shown or counted (DatabaseBackend._verify).
            rows = self._scan("laws_docterm", self.DOC_COLUMNS, "rank_key", 1, where, params, limit)
            return _candidates(rows, verified=title or not inexact)

        def checked(rows: list[Row]) -> list[_Candidate]:
            # Newest first takes every match in turn: each batch is checked as it comes.
            batch = _candidates([row[:-1] for row in rows], verified=not inexact)
            rejected = self._verify(terms, batch)
            return [c for c in batch if c not in rejected]

        return self._by_date(self.DOC_COLUMNS, where, params, limit, checked)

    def _cooccurring(
        self, terms: list[Term], filters: Filters
    ) -> list[tuple[_Candidate, tuple[int, int, str, str, str]]]:
        fwhere, fparams = self._filters_on(filters, [], "")
        where = ["tsv @@ %s::tsquery", *fwhere]
        params = [self.all_of([t for term in terms for t in term.tokens]), *fparams]
        inexact = [t.text for t in terms if not t.exact_by_token]
        checks = [self.contains.format(col="c.text") for _ in inexact]
        if filters.issuing_body:
            checks.append(self.contains.format(col="d.issuing_body"))
        fetch = self._checker(
            "SELECT d.document_id, d.rank_key, d.title, d.kind, d.status, d.issuing_body, "
            "d.version_date, c.id, c.doc_id, c.label, c.anchor, c.text, c.id "
            "FROM laws_searchchunk c JOIN laws_searchdoc d ON d.document_id = c.doc_id",
            "c.id",
            checks,
            [*inexact, *([filters.issuing_body] if filters.issuing_body else [])],
        )
        rows = self._scan(
            "laws_chunkterm", "id", "id", CHUNK_FACTOR, where, params, CHUNK_POOL, fetch
        )
        return [(_Candidate(*row[:7]), (row[7], row[8], row[9], row[10], row[11])) for row in rows]
