"""Texts in force on a date, and article URLs other modules link to."""

from __future__ import annotations

from datetime import date
from urllib.parse import unquote

from fazhi.laws import selectors
from fazhi.laws.demo import load_demo_laws
from fazhi.laws.models import LawDocument
from tests.laws.conftest import store


def test_the_text_in_force_on_a_date_is_the_latest_version_on_or_before_it(db):
    store("示例法", "第一条 旧文。", on=date(2010, 1, 1), key="t/示例法")
    store(
        "示例法",
        "第一条 新文。\n\n第二条 本法自2012年1月1日起施行。",
        on=date(2011, 6, 1),
        key="t/示例法",
    )
    law = LawDocument.objects.get(title="示例法")
    assert selectors.version_on(law, date(2011, 12, 31)).version_date == date(2010, 1, 1)
    assert selectors.version_on(law, date(2012, 1, 1)).version_date == date(2011, 6, 1)
    assert selectors.version_on(law, date(2009, 1, 1)) is None


def test_article_url_finds_a_law_by_short_title_and_article(db):
    load_demo_laws()
    law = LawDocument.objects.get(title="中华人民共和国行政复议法")

    def article_url(*args, **kw):
        url = selectors.article_url(*args, **kw)
        return unquote(url) if url else url

    assert article_url("行政复议法", "第二十条") == f"/public/laws/d/{law.pk}/a/第二十条/"
    assert (
        article_url("中华人民共和国行政复议法", "第20条") == f"/public/laws/d/{law.pk}/a/第二十条/"
    )
    assert article_url("《行政复议法》", "二十", on=date(2024, 6, 1)) == (
        f"/public/laws/d/{law.pk}/a/第二十条/?v=2023-09-01"
    )
    assert selectors.article_url("行政复议法", "第二十条", on=date(2020, 1, 1)) is None
    assert selectors.article_url("行政复议法", "第九百条") is None
    assert selectors.article_url("不存在的法", "第一条") is None


def test_demo_laws_load_idempotently(db):
    first = load_demo_laws()
    assert len(first) == 3
    count = LawDocument.objects.count()
    load_demo_laws()
    assert LawDocument.objects.count() == count


def test_version_comparison_marks_changed_added_and_removed_articles(db):
    store(
        "对照法",
        "第一条 原文甲。\n\n第二条 原文乙。\n\n第三条 将删除。",
        on=date(2010, 1, 1),
        key="t/对照法",
    )
    store(
        "对照法",
        "第一条 原文甲。\n\n第二条 改后乙。\n\n第四条 新增。",
        on=date(2015, 1, 1),
        key="t/对照法",
    )
    law = LawDocument.objects.get(title="对照法")
    new, old = selectors.versions_of(law)
    rows = {r.label: r for r in selectors.compare_versions(old, new)}
    assert {k: r.state for k, r in rows.items()} == {
        "第一条": "same", "第二条": "changed", "第四条": "added", "第三条": "removed",
    }  # fmt: skip
    assert "<del>原文</del>" in rows["第二条"].old_html
    assert "<ins>改后</ins>" in rows["第二条"].new_html
