"""PostgreSQL dialect: tsvector columns built from explicit lexeme arrays with
``array_to_tsvector``, GIN indexes, and tsquery literals of quoted lexemes.

Neither ``to_tsvector`` nor ``to_tsquery`` is used: both run the text-search parser, which
follows the database's LC_CTYPE and drops CJK under ``C``. Lexeme arrays and quoted tsquery
literals are taken as they are, whatever the locale. The tsvectors carry no positions, so
the 16,383-position limit does not apply; phrases are exact by the substring re-check.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection

from fazhi.laws.models import SearchChunk, SearchDoc
from fazhi.laws.search.database import DatabaseBackend
from fazhi.laws.search.indexing import IndexedDocument
from fazhi.laws.text import tokens

CREATE_SQL = [
    "ALTER TABLE laws_searchdoc ADD COLUMN IF NOT EXISTS tsv tsvector",
    "ALTER TABLE laws_searchdoc ADD COLUMN IF NOT EXISTS title_tsv tsvector",
    "ALTER TABLE laws_searchchunk ADD COLUMN IF NOT EXISTS tsv tsvector",
    "CREATE INDEX IF NOT EXISTS laws_searchdoc_tsv ON laws_searchdoc USING gin (tsv)",
    "CREATE INDEX IF NOT EXISTS laws_searchdoc_title_tsv ON laws_searchdoc USING gin (title_tsv)",
    "CREATE INDEX IF NOT EXISTS laws_searchchunk_tsv ON laws_searchchunk USING gin (tsv)",
]
DROP_SQL = [
    "DROP INDEX IF EXISTS laws_searchdoc_tsv",
    "DROP INDEX IF EXISTS laws_searchdoc_title_tsv",
    "DROP INDEX IF EXISTS laws_searchchunk_tsv",
    "ALTER TABLE laws_searchdoc DROP COLUMN IF EXISTS tsv",
    "ALTER TABLE laws_searchdoc DROP COLUMN IF EXISTS title_tsv",
    "ALTER TABLE laws_searchchunk DROP COLUMN IF EXISTS tsv",
]


class PostgresBackend(DatabaseBackend):
    contains = "strpos({col}, %s) > 0"

    def source(self, which: str) -> tuple[str, str, str]:
        if which == "chunk":
            return "laws_searchchunk c", "c.tsv @@ %s::tsquery", "c.id"
        column = "d.title_tsv" if which == "title" else "d.tsv"
        return "laws_searchdoc d", f"{column} @@ %s::tsquery", "d.rank_key"

    def all_of(self, tokens: Sequence[str]) -> str:
        # Tokens are CJK characters or [0-9a-z]: no quote or backslash can occur.
        return " & ".join(f"'{t}'" for t in tokens)

    def any_of(self, groups: Sequence[str]) -> str:
        return " | ".join(f"({g})" for g in groups)

    def insert(self, built: list[IndexedDocument]) -> None:
        chunk_tokens = {c.id: tokens(c.text) for b in built for c in b.chunks}
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO laws_searchdoc (document_id, version_id, rank_key, title, kind, "
                "status, issuing_body, year, version_date, body, tsv, title_tsv) VALUES "
                "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, "
                "array_to_tsvector(%s::text[]), array_to_tsvector(%s::text[]))",
                [
                    (
                        b.doc.document_id,
                        b.doc.version_id,
                        b.doc.rank_key,
                        b.doc.title,
                        b.doc.kind,
                        b.doc.status,
                        b.doc.issuing_body,
                        b.doc.year,
                        b.doc.version_date,
                        b.doc.body,
                        # The body is the title and the chunks joined: its tokens are the union.
                        sorted(
                            set(tokens(b.doc.title)).union(*(chunk_tokens[c.id] for c in b.chunks))
                        ),
                        tokens(b.doc.title),
                    )
                    for b in built
                ],
            )
            cursor.executemany(
                "INSERT INTO laws_searchchunk (id, doc_id, provision_id, label, anchor, text, tsv) "
                "VALUES (%s, %s, %s, %s, %s, %s, array_to_tsvector(%s::text[]))",
                [
                    (c.id, c.doc_id, c.provision_id, c.label, c.anchor, c.text, chunk_tokens[c.id])
                    for b in built
                    for c in b.chunks
                ],
            )

    def delete_fulltext(
        self, cursor: Any, docs: list[SearchDoc], chunks: list[SearchChunk]
    ) -> None:
        """The tsvectors live on the rows themselves; deleting the rows removes them."""

    def clear_fulltext(self, cursor: Any) -> None:
        """As above."""
