"""Search semantics on the database in use (the suite runs on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection

from fazhi.laws.models import Kind, LawDocument, SearchChunk, SearchDoc, Status
from fazhi.laws.search import Filters, QueryError, get_backend, search
from tests.laws.conftest import store


def titles(query: str, **kw) -> list[str]:
    return [h.title for h in search(query, limit=50, **kw).hits]


def test_a_five_character_term_finds_exactly_the_documents_containing_it(texts):
    # 信息公开工作规定 holds 规范 and 性文件 apart (规范，性文件): not a match.
    assert sorted(titles("规范性文件")) == ["城市管理条例", "规范性文件备案办法"]


def test_a_two_character_term_is_an_exact_substring_too(texts):
    assert sorted(titles("备案")) == ["规范性文件备案办法"]
    assert "无关的规定" in titles("规范")  # （规范）性质 holds 规范
    assert titles("范性") == titles("范性")  # stable
    assert sorted(titles("范性")) == ["城市管理条例", "规范性文件备案办法"]


def test_a_title_match_ranks_above_a_mention_in_the_text(texts):
    hits = search("规范性文件").hits
    assert [h.title for h in hits] == ["规范性文件备案办法", "城市管理条例"]
    assert hits[1].article == "第三条"


def test_the_best_article_of_a_document_is_given_first(texts):
    store(
        "城市管理执法办法",
        "第一条 总则。\n\n第二条 执法人员应当出示证件。\n\n"
        "第三条 执法人员执法时应当出示执法证件，执法过程应当全程记录。",
    )
    hit = next(h for h in search("执法 证件").hits if h.title == "城市管理执法办法")
    assert hit.article == "第三条"
    assert "<mark>执法</mark>" in hit.snippet_html


def test_several_terms_must_all_occur(texts):
    assert titles("城市管理 公布") == ["城市管理条例"]
    assert titles("城市管理 复议") == []


def test_filters_by_kind_status_body_and_year(texts):
    assert titles("制定", filters=Filters(kind=Kind.LOCAL_REGULATION)) == ["城市管理条例"]
    assert titles("制定", filters=Filters(year=2019)) == ["规范性文件备案办法"]
    assert titles("制定", filters=Filters(issuing_body="抚州市")) == ["城市管理条例"]
    assert titles("制定", filters=Filters(status=Status.REPEALED)) == []


def test_sort_by_date_puts_the_newest_first(texts):
    hits = search("第一条", sort="date").hits
    dates = [h.version_date for h in hits]
    assert dates == sorted(dates, reverse=True)
    assert dates[0] == date(2023, 6, 1)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "请输入检索词"),
        ("   ", "请输入检索词"),
        ("法", "至少需要两个"),
        ("法 规", "至少需要两个"),
        ("复" * 500, "检索词过长"),
        ("*", "至少需要两个"),
        ('"', "至少需要两个"),
    ],
)
def test_queries_that_cannot_be_searched_get_a_chinese_message(texts, query, message):
    with pytest.raises(QueryError) as excinfo:
        search(query)
    assert message in excinfo.value.messages[0]


@pytest.mark.parametrize(
    "query",
    [
        '"规范性文件" OR 1=1',
        "规范性文件'; DROP TABLE laws_searchdoc; --",
        "规范性文件 NEAR(备案)",
        "规范性文件*",
        "规范性文件 AND 备案",
        "<script>alert(1)</script> 规范性文件",
    ],
)
def test_sql_fts_and_html_in_a_query_are_plain_text(texts, query):
    results = search(query)
    for hit in results.hits:
        assert "<script>" not in hit.snippet_html
    assert SearchDoc.objects.count() == 4  # nothing was dropped


def test_operator_words_are_dropped_with_a_note(texts):
    results = search("规范性文件 OR 备案")
    assert [h.title for h in results.hits] == ["规范性文件备案办法"]
    assert any("不支持" in n for n in results.notes)


def test_markup_in_a_document_is_escaped_in_snippets(db):
    store("转义测试", "第一条 <script>alert('x')</script>信息公开应当及时。")
    hit = search("信息公开").hits[0]
    assert "<script>" not in hit.snippet_html
    assert "&lt;script&gt;" in hit.snippet_html
    assert "<mark>信息公开</mark>" in hit.snippet_html


def test_a_long_term_that_matches_nothing_falls_back_to_its_words(texts):
    results = search("信息公开答复期限")
    assert results.relaxed
    assert [h.title for h in results.hits] == ["信息公开工作规定"]
    assert "没有找到完整包含" in results.notes[-1]


def test_a_new_version_replaces_the_indexed_text_of_that_document_only(texts):
    before = dict(SearchDoc.objects.values_list("document_id", "rank_key"))
    store(
        "城市管理条例",
        "第一条 修订后的条例只讲环境卫生。",
        kind=Kind.LOCAL_REGULATION,
        on=date(2024, 1, 1),
        key="test/城市管理条例",
    )
    assert "城市管理条例" not in titles("规范性文件")
    assert titles("环境卫生") == ["城市管理条例"]
    law = LawDocument.objects.get(title="城市管理条例")
    assert law.versions.count() == 2
    assert SearchChunk.objects.filter(doc_id=law.pk).count() == 2  # history + one article
    assert dict(SearchDoc.objects.values_list("document_id", "rank_key")) == before


def test_storing_the_same_text_again_changes_nothing(texts):
    result = store(
        "无关的规定", "第一条 本规定与检索词无关。\n\n第二条 文字（规范）性质。", kind=Kind.OTHER
    )
    assert result.change == "unchanged"


def test_rebuild_gives_the_same_results(texts):
    first = titles("规范性文件")
    get_backend().rebuild()
    assert titles("规范性文件") == first
    assert SearchDoc.objects.count() == 4


def test_removing_a_document_takes_it_out_of_the_index(texts):
    law = LawDocument.objects.get(title="城市管理条例")
    get_backend().remove_documents([law.pk])
    assert titles("规范性文件") == ["规范性文件备案办法"]


def test_latin_words_and_digits_match_whole_words(db):
    store("标准目录", "第一条 GB 18667 道路交通事故受伤人员伤残评定。")
    assert titles("gb 18667") == ["标准目录"]
    assert titles("ＧＢ") == ["标准目录"]  # full-width letters fold to ASCII


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_chinese_search_does_not_depend_on_the_database_locale(texts):
    """The lexeme arrays and quoted tsquery literals work under LC_CTYPE=C as well."""
    import psycopg

    settings = connection.settings_dict
    dsn = {
        "host": settings["HOST"] or "127.0.0.1", "port": settings["PORT"] or 5432,
        "user": settings["USER"], "password": settings["PASSWORD"] or None,
    }  # fmt: skip
    name = "fazhi_laws_locale_c_check"
    with psycopg.connect(dbname="postgres", autocommit=True, **dsn) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name}")
        admin.execute(
            f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"
        )
    try:
        with psycopg.connect(dbname=name, **dsn) as conn:
            assert conn.execute("SHOW lc_ctype").fetchone()[0] == "C"
            conn.execute("CREATE TABLE t (id int, body text, tsv tsvector)")
            conn.execute(
                "INSERT INTO t VALUES (1, %s, array_to_tsvector(%s::text[]))",
                ["规范性文件", ["规范", "范性", "性文", "文件"]],
            )
            conn.execute("CREATE INDEX ON t USING gin (tsv)")
            query = get_backend().all_of(["规范", "范性", "性文", "文件"])
            rows = conn.execute(
                "SELECT id FROM t WHERE tsv @@ %s::tsquery AND strpos(body, %s) > 0",
                [query, "规范性文件"],
            ).fetchall()
            assert rows == [(1,)]
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **dsn) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name}")


def test_the_search_database_reports_its_locale(texts):
    """Whatever the cluster's locale, the search above ran on it (recorded for CI logs)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW lc_ctype")
            print("lc_ctype:", cursor.fetchone()[0])
    assert titles("信息公开") == ["信息公开工作规定"]


def test_a_document_with_the_grams_but_not_the_term_is_neither_shown_nor_counted(db, monkeypatch):
    """On PostgreSQL the exact check of gram matches waits for the documents that are shown
    or counted; whichever document is shown must hold the term itself."""
    from fazhi.laws.search import database

    store("甲法", "第一条 规范，范性，性文，文件，各自出现。")  # every gram, never the term
    for n in "乙丙丁":
        store(f"{n}办法", "第一条 本办法所称规范性文件。", kind=Kind.NORMATIVE)
    assert sorted(titles("规范性文件")) == ["丁办法", "丙办法", "乙办法"]
    assert sorted(titles("规范性文件", sort="date")) == ["丁办法", "丙办法", "乙办法"]
    # Newest first checks each batch as it reads it; the count is the same in either order.
    by_date = search("规范性文件", sort="date", limit=1)
    assert [h.title for h in by_date.hits] != ["甲法"]
    assert (by_date.total, by_date.total_exact) == (3, True)
    exact = search("规范性文件")
    assert exact.total == 3
    assert exact.total_exact
    # A pool of two: the law (first in rank order) and one normative document are read,
    # the count is not exact, and the law is checked before it could be shown.
    monkeypatch.setattr(database, "POOL", 2)
    results = search("规范性文件", limit=1)
    assert [h.title for h in results.hits] == ["乙办法"]
    assert not results.total_exact
    # The first two in index order are counted: SQLite's candidates are checked as they are
    # read (乙办法, 丙办法); PostgreSQL's are 甲法 and 乙办法, and the check drops 甲法.
    assert results.total == (1 if connection.vendor == "postgresql" else 2)
    assert all(h.title != "甲法" for h in search("规范性文件", limit=1, offset=1).hits)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_documents_spread_over_many_windows_are_all_found_in_rank_order(db, monkeypatch):
    from fazhi.laws.search import postgres

    monkeypatch.setattr(postgres, "WINDOW", 2)  # a partition per two rank keys
    names = [f"第{n}号备案规定" for n in range(1, 10)]
    for name in names:
        store(name, "第一条 规章应当备案。", kind=Kind.RULE)
    store("无关规定", "第一条 与此无关。", kind=Kind.RULE)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_inherits WHERE inhparent = 'laws_docterm'::regclass"
        )
        assert cursor.fetchone()[0] >= 5
    results = search("备案", limit=50)
    assert sorted(h.title for h in results.hits) == sorted(names)
    assert results.total == 9
    assert results.total_exact
    # The first three in rank order (by document id within a kind), then "3 件以上".
    from fazhi.laws.search import database

    monkeypatch.setattr(database, "POOL", 3)
    found = postgres.PostgresBackend()._docs(
        [search("备案").query.terms[0]], Filters(), title=False, order="relevance", limit=3
    )
    assert [c.title for c in found] == names[:3]
    assert not search("备案", limit=2).total_exact
    get_backend().remove_documents(
        LawDocument.objects.filter(title__in=names[:4]).values_list("pk", flat=True)
    )
    assert sorted(titles("备案")) == sorted(names[4:])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_search_inside_a_transaction_puts_the_planner_settings_back(texts):
    from django.db import transaction

    with transaction.atomic(), connection.cursor() as cursor:
        assert titles("规范性文件")
        cursor.execute("SHOW enable_seqscan")
        assert cursor.fetchone()[0] == "on"


def test_the_article_shown_is_about_the_words_the_title_does_not_hold(db):
    store(
        "行政复议规定",
        "第一条 为了规范行政复议工作，制定本规定。\n\n"
        "第二条 行政复议机关应当依法履行行政复议职责，保障行政复议公正，行政复议人员应当回避。\n\n"
        "第三条 行政复议机关收到申请后，应当在五日内审查，决定是否受理。\n\n"
        "第四条 受理后，行政复议机关应当通知被申请人。",
    )
    # 行政复议 is the title's own word and says little; 受理 decides, early and once
    # counting more than 行政复议 four times.
    assert search("行政复议 受理").hits[0].article == "第四条"
    assert search("行政复议 五日").hits[0].article == "第三条"
    # Every word in the title: the first article naming it.
    assert search("行政复议").hits[0].article == "第一条"


@pytest.fixture
def rules(db):
    """Twenty-five rules holding 备案, and one that does not."""
    for n in range(1, 26):
        store(f"第{n}号备案规定", "第一条 规章应当备案。", kind=Kind.RULE)
    store("无关规定", "第一条 与此无关。", kind=Kind.RULE)


def test_the_count_does_not_depend_on_the_page_or_the_order(rules, monkeypatch):
    """The count is a property of the query and the filters: every page and both orders
    state the same one (a deeper page used to widen the pool and count differently)."""
    from fazhi.laws.search import database

    exact = {(r.total, r.total_exact) for r in (search("备案", offset=o) for o in (0, 20, 40))}
    assert exact == {(25, True)}
    assert (search("备案", sort="date", offset=20).total, search("备案", sort="date").total) == (
        25,
        25,
    )
    monkeypatch.setattr(database, "POOL", 10)
    counts = {
        (r.total, r.total_exact)
        for r in (
            *(search("备案", offset=o) for o in (0, 10, 20, 40)),
            *(search("备案", sort="date", offset=o) for o in (0, 20)),
        )
    }
    assert counts == {(10, False)}


def test_an_offset_past_the_end_gives_the_last_page(rules):
    results = search("备案", offset=100, limit=20)
    assert results.offset == 20
    assert len(results.hits) == 5
    assert not results.more
    assert search("备案", offset=0, limit=20).more
    by_date = search("备案", sort="date", offset=60, limit=10)
    assert (by_date.offset, len(by_date.hits)) == (20, 5)
