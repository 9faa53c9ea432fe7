"""SQLite dialect: contentless FTS5 tables of our own two-character grams.

FTS5 sees only space-separated tokens that we computed, so its own tokenizer, its trigram
quirks on two-character CJK patterns and its query syntax never touch what a person typed:
every token is quoted, and it is one bound parameter.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fazhi.laws.models import SearchChunk, SearchDoc
from fazhi.laws.search.database import DatabaseBackend
from fazhi.laws.search.indexing import IndexedDocument
from fazhi.laws.text import tokens

TABLES = ("laws_doc_fts", "laws_title_fts", "laws_chunk_fts")


def _tokens(text: str) -> str:
    # Sorted: a contentless table's 'delete' must be given the tokens that were inserted.
    return " ".join(sorted(tokens(text)))


class SqliteBackend(DatabaseBackend):
    contains = "instr({col}, %s) > 0"

    def source(self, which: str) -> tuple[str, str, str]:
        if which == "chunk":
            return (
                "laws_chunk_fts f JOIN laws_searchchunk c ON c.id = f.rowid",
                "laws_chunk_fts MATCH %s",
                "f.rowid",
            )
        table = "laws_title_fts" if which == "title" else "laws_doc_fts"
        return (
            f"{table} f JOIN laws_searchdoc d ON d.rank_key = f.rowid",
            f"{table} MATCH %s",
            "f.rowid",
        )

    def all_of(self, tokens: Sequence[str]) -> str:
        return " AND ".join(f'"{t}"' for t in tokens)

    def any_of(self, groups: Sequence[str]) -> str:
        return " OR ".join(f"({g})" for g in groups)

    def insert(self, built: list[IndexedDocument]) -> None:
        from django.db import connection

        SearchDoc.objects.bulk_create([b.doc for b in built])
        SearchChunk.objects.bulk_create([c for b in built for c in b.chunks], batch_size=500)
        with connection.cursor() as cursor:
            self._write(cursor, "", [b.doc for b in built], [c for b in built for c in b.chunks])

    def _write(
        self, cursor: Any, command: str, docs: list[SearchDoc], chunks: list[SearchChunk]
    ) -> None:
        def sql(table: str) -> str:
            if command:
                # Table names and commands are the constants of this module.
                return f"INSERT INTO {table}({table}, rowid, tokens) VALUES ('{command}', %s, %s)"  # noqa: S608
            return f"INSERT INTO {table}(rowid, tokens) VALUES (%s, %s)"  # noqa: S608

        chunk_tokens = {c.id: tokens(c.text) for c in chunks}
        body_tokens = {d.document_id: set(tokens(d.title)) for d in docs}
        for c in chunks:
            body_tokens[c.doc_id].update(chunk_tokens[c.id])
        # The body is the title and the chunks joined by newlines: its tokens are their union.
        cursor.executemany(
            sql("laws_doc_fts"),
            [(d.rank_key, " ".join(sorted(body_tokens[d.document_id]))) for d in docs],
        )
        cursor.executemany(sql("laws_title_fts"), [(d.rank_key, _tokens(d.title)) for d in docs])
        cursor.executemany(
            sql("laws_chunk_fts"), [(c.id, " ".join(sorted(chunk_tokens[c.id]))) for c in chunks]
        )

    def delete_fulltext(
        self, cursor: Any, docs: list[SearchDoc], chunks: list[SearchChunk]
    ) -> None:
        self._write(cursor, "delete", docs, chunks)

    def clear_fulltext(self, cursor: Any) -> None:
        for table in TABLES:
            cursor.execute(f"INSERT INTO {table}({table}) VALUES ('delete-all')")  # noqa: S608
