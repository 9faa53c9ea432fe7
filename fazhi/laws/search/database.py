"""Search on the database itself: overlapping two-character grams in a full-text index
(SQLite FTS5 or PostgreSQL tsvector + GIN), exact re-check with a substring test, ranking
in Python over a bounded candidate set. The dialects say how to store and match grams; the
PostgreSQL one also reads its index window by window (see postgres.py) and leaves the exact
re-check of whole documents to those that are shown or counted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection, transaction

from fazhi.laws.models import KIND_ORDER, LawDocument, SearchChunk, SearchDoc, Status
from fazhi.laws.search import Filters, Hit, Results
from fazhi.laws.search.indexing import IndexedDocument, build, stale_documents
from fazhi.laws.search.query import ParsedQuery, Term
from fazhi.laws.search.snippets import snippet
from fazhi.laws.text import short_title_of

# Documents ranked per query: enough for the first pages; a deeper page widens it.
POOL = 150
# Articles read for co-occurrence of all terms.
CHUNK_POOL = 200
BATCH = 100
_QUOTED = re.compile(r"《[^》]*》")


@dataclass(eq=False)  # compared and hashed by identity
class _Candidate:
    document_id: int
    rank_key: int
    title: str
    kind: str
    status: str
    issuing_body: str
    version_date: Any
    score: float = 0.0
    best: tuple[float, int, str, str, str] | None = None  # (score, -id, label, anchor, text)
    # The article shown for the document: chosen among all its articles holding a term.
    shown: tuple[float, int, str, str, str] | None = None
    articles_read: bool = False
    cooccur: int = 0
    # False: the index holds every gram of every term but the exact substring is not yet
    # checked (PostgreSQL defers that check to the documents that are shown or counted).
    verified: bool = True


class DatabaseBackend:
    """Shared by the SQLite and PostgreSQL dialects below."""

    contains = "instr({col}, %s) > 0"

    # -- dialect ---------------------------------------------------------------------

    def source(self, which: str) -> tuple[str, str, str]:
        """(FROM clause, match condition with one %s, index-order column) for
        which = 'doc' | 'title' | 'chunk'."""
        raise NotImplementedError

    def all_of(self, tokens: Sequence[str]) -> str:
        raise NotImplementedError

    def any_of(self, groups: Sequence[str]) -> str:
        raise NotImplementedError

    def insert(self, built: list[IndexedDocument]) -> None:
        """Write the rows of these documents and their full-text entries."""
        raise NotImplementedError

    def delete_fulltext(
        self, cursor: Any, docs: list[SearchDoc], chunks: list[SearchChunk]
    ) -> None:
        raise NotImplementedError

    def clear_fulltext(self, cursor: Any) -> None:
        raise NotImplementedError

    # -- indexing ----------------------------------------------------------------------

    def index_documents(self, document_ids: Iterable[int]) -> None:
        ids = list(dict.fromkeys(document_ids))
        for start in range(0, len(ids), BATCH):
            batch = ids[start : start + BATCH]
            with transaction.atomic():
                self.remove_documents(batch)
                self.insert(list(build(batch)))

    def remove_documents(self, document_ids: Iterable[int]) -> None:
        ids = list(document_ids)
        with transaction.atomic():
            docs = list(SearchDoc.objects.filter(document_id__in=ids))
            if not docs:
                return
            chunks = list(SearchChunk.objects.filter(doc_id__in=ids).only("id", "doc_id", "text"))
            with connection.cursor() as cursor:
                self.delete_fulltext(cursor, docs, chunks)
            SearchChunk.objects.filter(doc_id__in=ids).delete()
            SearchDoc.objects.filter(document_id__in=ids).delete()

    def rebuild(self) -> None:
        with transaction.atomic():
            with connection.cursor() as cursor:
                self.clear_fulltext(cursor)
            SearchChunk.objects.all().delete()
            SearchDoc.objects.all().delete()
        self.index_documents(LawDocument.objects.order_by("pk").values_list("pk", flat=True))

    def repair(self) -> int:
        stale = stale_documents()
        self.index_documents(stale)
        return len(stale)

    # -- searching ---------------------------------------------------------------------

    def _term_condition(self, term: Term, col: str) -> tuple[str, list[str]]:
        if term.exact_by_token:
            return "", []
        return self.contains.format(col=col), [term.text]

    def _filters(
        self, filters: Filters, prefix: str = "d.", issuing_body: bool = True
    ) -> tuple[list[str], list[Any]]:
        """Conditions for the filters on a table holding kind, status and year (and the
        issuing body unless told otherwise), its columns named with ``prefix``."""
        where: list[str] = []
        params: list[Any] = []
        for column, value in (
            ("kind", filters.kind),
            ("status", filters.status),
            ("year", filters.year),
        ):
            if value:
                where.append(f"{prefix}{column} = %s")
                params.append(value)
        if issuing_body and filters.issuing_body:
            where.append(self.contains.format(col=f"{prefix}issuing_body"))
            params.append(filters.issuing_body)
        return where, params

    def _docs(
        self, terms: list[Term], filters: Filters, *, title: bool, order: str, limit: int
    ) -> list[_Candidate]:
        source, match, index_order = self.source("title" if title else "doc")
        # Title candidates hold every term in the title (the title is part of the body, so
        # they match); partial title matches are scored when the other pools bring them.
        tokens = [t for term in terms for t in term.tokens]
        where, params = [match], [self.all_of(tokens)]
        for term in terms:
            condition, extra = self._term_condition(term, "d.title" if title else "d.body")
            if condition:
                where.append(condition)
                params.extend(extra)
        fwhere, fparams = self._filters(filters)
        where += fwhere
        params += fparams
        order_by = index_order if order == "relevance" else f"d.version_date DESC, {index_order}"
        # Only constant fragments are spliced in; every value is a bound parameter.
        sql = (
            "SELECT d.document_id, d.rank_key, d.title, d.kind, d.status, d.issuing_body, "  # noqa: S608
            f"d.version_date FROM {source} WHERE {' AND '.join(where)} "
            f"ORDER BY {order_by} LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, limit])
            rows = cursor.fetchall()
        out = [_Candidate(*row) for row in rows]
        for c in out:
            if isinstance(c.version_date, str):  # SQLite's raw cursor gives ISO text
                c.version_date = date.fromisoformat(c.version_date)
        return out

    def _cooccurring(
        self, terms: list[Term], filters: Filters
    ) -> list[tuple[_Candidate, tuple[int, int, str, str, str]]]:
        """Articles holding every term, in index order (most authoritative documents first),
        bounded: the strongest body evidence, found without ranking every match."""
        source, match, index_order = self.source("chunk")
        checks = [self._term_condition(term, "c.text") for term in terms]
        where = [match, *(c for c, _ in checks if c)]
        params: list[Any] = [
            self.all_of([t for term in terms for t in term.tokens]),
            *(p for _, ps in checks for p in ps),
        ]
        fwhere, fparams = self._filters(filters)
        sql = (
            "SELECT d.document_id, d.rank_key, d.title, d.kind, d.status, d.issuing_body, "  # noqa: S608
            f"d.version_date, c.id, c.doc_id, c.label, c.anchor, c.text FROM {source} "
            "JOIN laws_searchdoc d ON d.document_id = c.doc_id "
            f"WHERE {' AND '.join(where + fwhere)} ORDER BY {index_order} LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, *fparams, CHUNK_POOL])
            rows = cursor.fetchall()
        out = []
        for row in rows:
            candidate = _Candidate(*row[:7])
            if isinstance(candidate.version_date, str):
                candidate.version_date = date.fromisoformat(candidate.version_date)
            out.append((candidate, tuple(row[7:])))
        return out

    def _chunks_of(
        self, terms: list[Term], document_ids: list[int]
    ) -> list[tuple[int, int, str, str, str]]:
        """Articles of a few documents holding any term (read through the document index:
        a handful of documents, not every match of a common term)."""
        if not document_ids:
            return []
        anyterm = " OR ".join(self.contains.format(col="c.text") for _ in terms)
        sql = (
            "SELECT c.id, c.doc_id, c.label, c.anchor, c.text FROM laws_searchchunk c "  # noqa: S608
            f"WHERE c.doc_id IN ({','.join(['%s'] * len(document_ids))}) AND ({anyterm}) "
            "ORDER BY c.id"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*document_ids, *(t.text for t in terms)])
            return list(cursor.fetchall())

    def search(
        self, query: ParsedQuery, *, filters: Filters, sort: str, offset: int, limit: int
    ) -> Results:
        results = self._search(query.terms, query, filters, sort, offset, limit)
        relaxed = query.relaxed() if results.total == 0 else []
        if relaxed:
            results = self._search(relaxed, query, filters, sort, offset, limit)
            results.relaxed = True
            words = "”“".join(t.text for t in relaxed)
            results.notes.append(
                f"没有找到完整包含“{'”“'.join(query.words)}”的文件；以下结果分别包含“{words}”。"
            )
        results.notes[:0] = query.notes
        return results

    def _search(
        self,
        terms: list[Term],
        query: ParsedQuery,
        filters: Filters,
        sort: str,
        offset: int,
        limit: int,
    ) -> Results:
        need = offset + limit
        pool = max(POOL, need) + 1
        if sort == "relevance":
            found = self._docs(terms, filters, title=False, order=sort, limit=pool)
            counted = found[: POOL + 1]
        else:
            found = self._docs(terms, filters, title=False, order=sort, limit=need + 1)
            counted = self._docs(terms, filters, title=False, order="relevance", limit=POOL + 1)
        # The count is taken the same way for every page and order (a deeper page used to
        # widen it): the first POOL documents in index order, checked; beyond them "N 件以上".
        exact = len(counted) <= POOL
        counted = counted[:POOL]
        rejected = self._verify(terms, [c for c in counted if not c.verified])
        gone = {c.document_id for c in rejected}
        total = len(counted) - len(rejected)
        candidates = {c.document_id: c for c in found if c.document_id not in gone}
        words = [t.text for t in terms]
        if sort == "relevance" and candidates:
            for c in self._docs(terms, filters, title=True, order=sort, limit=pool):
                candidates.setdefault(c.document_id, c).verified = True  # title holds them
            for c, row in self._cooccurring(terms, filters):
                kept = candidates.setdefault(c.document_id, c)
                kept.verified = True  # one article holds every term
                self._take_chunk(kept, row, words, cooccur=True)
            for c in candidates.values():
                c.score = self._score(c, words)
            ranked = sorted(candidates.values(), key=lambda c: (-c.score, c.rank_key))
        else:
            ranked = [c for c in found if c.document_id not in gone]
        # Documents that matched by grams only are checked where it matters: those to be
        # shown, through their articles (which also gives the article to show), again until
        # the shown ones all hold.
        while unchecked := [c for c in ranked[:need] if not c.verified]:
            rejected = self._check_articles(terms, unchecked)
            ranked = [c for c in ranked if c not in rejected]
        if offset >= len(ranked) and ranked:  # past the end: the last page
            offset = (len(ranked) - 1) // limit * limit
            need = offset + limit
        page = ranked[offset:need]
        titles = dict(
            LawDocument.objects.filter(pk__in=[c.document_id for c in page]).values_list(
                "pk", "title"
            )
        )
        for c in page:
            c.title = titles.get(c.document_id, c.title)
        unread = [c.document_id for c in page if not c.articles_read]
        for row in self._chunks_of(terms, unread):
            self._take_article(candidates[row[1]], row, words)
        return Results(
            hits=[self._hit(c, words) for c in page], total=total, total_exact=exact, query=query,
            offset=offset, more=len(ranked) > need,
        )  # fmt: skip

    def _check_articles(self, terms: list[Term], unverified: list[_Candidate]) -> set[_Candidate]:
        """The exact check through the articles: a document holds a term when its title or
        one of its articles does (the indexed text is the title and the articles, and no
        term spans two of them). Keeps the best article of each document that holds."""
        words = [t.text for t in terms]
        articles: dict[int, list[tuple[int, int, str, str, str]]] = {}
        for row in self._chunks_of(terms, [c.document_id for c in unverified]):
            articles.setdefault(row[1], []).append(row)
        rejected = set()
        for c in unverified:
            rows = articles.get(c.document_id, [])
            if all(w in c.title or any(w in row[4] for row in rows) for w in words):
                c.verified = True
                c.articles_read = True
                for row in rows:
                    self._take_article(c, row, words)
            else:
                rejected.add(c)
        return rejected

    def _verify(self, terms: list[Term], unverified: list[_Candidate]) -> set[_Candidate]:
        """The exact substring check of candidates that only matched by grams: marks the
        matching ones verified and returns the others."""
        checks = [self.contains.format(col="d.body") for t in terms if not t.exact_by_token]
        if not unverified:
            return set()
        if not checks:
            for c in unverified:
                c.verified = True
            return set()
        keys = [c.rank_key for c in unverified]
        sql = (
            "SELECT d.rank_key FROM laws_searchdoc d "  # noqa: S608
            f"WHERE d.rank_key IN ({','.join(['%s'] * len(keys))}) AND {' AND '.join(checks)}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*keys, *(t.text for t in terms if not t.exact_by_token)])
            ok = {row[0] for row in cursor.fetchall()}
        rejected = set()
        for c in unverified:
            if c.rank_key in ok:
                c.verified = True
            else:
                rejected.add(c)
        return rejected

    @staticmethod
    def _chunk_score(text: str, words: list[str]) -> float:
        present = [w for w in words if w in text]
        tf = sum(min(text.count(w), 3) * len(w) for w in present)
        return tf + 10 * len(present) - len(text) / 400

    def _take_chunk(
        self,
        candidate: _Candidate,
        row: tuple[int, int, str, str, str],
        words: list[str],
        *,
        cooccur: bool,
    ) -> None:
        chunk_id, _, label, anchor, text = row
        score = self._chunk_score(text, words)
        candidate.cooccur += int(cooccur)
        if candidate.best is None or (score, -chunk_id) > candidate.best[:2]:
            candidate.best = (score, -chunk_id, label, anchor, text)

    @staticmethod
    def _take_article(
        candidate: _Candidate, row: tuple[int, int, str, str, str], words: list[str]
    ) -> None:
        """Which article a hit points to. Inside a document the words of its own title
        (行政复议 in 行政复议法) say little, the other words say which article: each word
        present counts far more than its repetitions, an early mention and words close
        together count, shorter articles win ties. When the title holds every word, no
        article is more about them than another and the first one naming them is shown.
        Real articles rank above the enactment history."""
        chunk_id, _, label, anchor, text = row
        candidate.articles_read = True
        score = 0.0 if label else -5.0
        if not all(w in candidate.title for w in words):
            firsts = []
            for w in words:
                n = text.count(w)
                if not n:
                    continue
                weight = 0.25 if w in candidate.title else 1.0
                first = text.find(w)
                firsts.append(first)
                score += weight * (20 + 2 * min(n, 3) + 8 * (1 - min(first, 120) / 120))
                if len(w) >= 4:  # 答复期限: 答复 and 期限 elsewhere in the article count a bit
                    halves = (w[: len(w) // 2], w[len(w) // 2 :])
                    score += weight * min(sum(text.count(h) for h in halves) - 2 * n, 4)
            if len(firsts) >= 2:
                score += 8 * (1 - min(max(firsts) - min(firsts), 80) / 80)
            score -= len(text) / 300
        if candidate.shown is None or (score, -chunk_id) > candidate.shown[:2]:
            candidate.shown = (score, -chunk_id, label, anchor, text)

    @staticmethod
    def _score(c: _Candidate, words: list[str]) -> float:
        # A term only inside 《…》 names another law (实施《X法》办法): weaker than the title's own.
        in_title = [w for w in words if w in c.title]
        in_own: list[str] = []
        score = 0.0
        if in_title:
            own = _QUOTED.sub("", short_title_of(c.title))
            in_own = [w for w in in_title if w in own]
            # A title holding every term outranks any number of mentions in the text; a
            # title that is mostly the query (行政复议法 for 行政复议) outranks a longer one.
            full = len(in_title) == len(words)
            score += (1000 if full else 100 * len(in_title) / len(words)) * (
                1 if len(in_own) == len(in_title) else 0.8
            )
            score += 100 * sum(len(w) for w in in_own) / max(len(own), 1)
        if c.best is not None and c.cooccur:
            body = 60 + 3 * c.best[0] + 4 * min(c.cooccur, 15)
            score += body / 2 if in_own and len(in_own) == len(words) else body
        score += 15 * (6 - KIND_ORDER.get(c.kind, 6))
        score += 20 if c.status == Status.IN_FORCE else 0
        return score

    @staticmethod
    def _hit(c: _Candidate, words: list[str]) -> Hit:
        if c.shown is not None or c.best is not None:
            _, _, label, anchor, text = c.shown or c.best  # type: ignore[misc]
        else:
            label, anchor, text = "", "", c.title
        plain, html = snippet(text, words)
        return Hit(
            document_id=c.document_id,
            title=c.title,
            kind=c.kind,
            status=c.status,
            issuing_body=c.issuing_body,
            version_date=c.version_date,
            article=label or None,
            anchor=anchor,
            snippet=plain,
            snippet_html=html,
            score=round(c.score, 2),
        )
