"""Pages: public search and reading without login; staff pages with the three personas."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from fazhi.laws import services
from fazhi.laws.demo import load_demo_laws
from fazhi.laws.models import LawDocument, NormativeDocument
from tests.conftest import client_for

TEXT = "第一条 为了规范本区事项，制定本办法。\n\n第二条 本办法自公布之日起施行。"


@pytest.fixture
def demo(db):
    load_demo_laws()
    return LawDocument.objects.get(title="中华人民共和国行政复议法")


def test_the_public_searches_without_logging_in(demo):
    response = Client().get(reverse("laws_public:search"), {"q": "行政复议 申请期限"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "中华人民共和国行政复议法" in body
    assert "<mark>申请期限</mark>" in body
    assert reverse("laws_public:article", args=[demo.pk, "第二十条"]) in body


def test_a_bad_query_shows_its_message_and_html_is_escaped(demo):
    client = Client()
    assert (
        "至少需要两个汉字"
        in client.get(reverse("laws_public:search"), {"q": "法"}).content.decode()
    )
    body = client.get(
        reverse("laws_public:search"), {"q": "<script>x</script>复议"}
    ).content.decode()
    assert "<script>x</script>" not in body
    body = client.get(reverse("laws_public:search"), {"q": "复议", "year": "abc"}).content.decode()
    assert "筛选条件有误" in body


def test_the_document_page_has_a_table_of_contents_versions_and_anchors(demo):
    response = Client().get(reverse("laws_public:document", args=[demo.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="a20"' in body
    assert "第二章 行政复议申请" in body
    assert "2023-09-01" in body


def test_an_article_has_its_own_page(demo):
    response = Client().get(reverse("laws_public:article", args=[demo.pk, "第二十条"]))
    assert response.status_code == 200
    assert "六十日" in response.content.decode()
    assert (
        Client().get(reverse("laws_public:article", args=[demo.pk, "第九百条"])).status_code == 404
    )


def test_two_versions_are_compared_article_by_article(demo):
    services.law_text_store(
        actor=None, title=demo.title, kind=demo.kind, source_key="demo/行政复议法",
        version_date=date(2017, 9, 1),
        markdown="# 中华人民共和国行政复议法\n\n第二十条 旧的第二十条。\n\n第九条 旧条文。",
    )  # fmt: skip
    response = Client().get(reverse("laws_public:compare", args=[demo.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "逐条对照" in body
    assert "<del>" in body
    assert "<ins>" in body
    assert "删除" in body


def test_staff_search_needs_login(demo, world):
    assert Client().get(reverse("laws:search")).status_code == 302
    response = client_for(world.clerk_a).get(reverse("laws:search"), {"q": "信息公开"})
    assert "政府信息公开条例" in response.content.decode()


@pytest.fixture
def county_doc(world):
    return services.normative_create(
        actor=world.clerk_a, title="临川区办法", issuing_body="临川区人民政府", text=TEXT
    )


def test_normative_pages_follow_the_data_scope(world, county_doc):
    url = reverse("laws:normative_detail", args=[county_doc.pk])
    assert client_for(world.clerk_a).get(url).status_code == 200
    assert client_for(world.supervisor).get(url).status_code == 200
    assert client_for(world.clerk_b).get(url).status_code == 404
    listing = reverse("laws:normative_list")
    assert "临川区办法" in client_for(world.supervisor).get(listing).content.decode()
    assert "临川区办法" not in client_for(world.clerk_b).get(listing).content.decode()


def test_a_clerk_creates_a_document_through_the_form(world):
    response = client_for(world.clerk_a).post(
        reverse("laws:normative_create"),
        {"title": "新办法", "issuing_body": "临川区人民政府", "text": TEXT, "doc_number": ""},
    )
    assert response.status_code == 302
    assert NormativeDocument.objects.get(title="新办法").owner_unit == world.gov_a


def test_an_outsider_cannot_register_through_the_page(world, county_doc):
    response = client_for(world.clerk_b).post(
        reverse("laws:normative_register", args=[county_doc.pk]), {"on": "2026-03-01"}
    )
    assert response.status_code == 404
    county_doc.refresh_from_db()
    assert county_doc.registration_number is None


def test_registration_publication_and_filing_through_the_pages(world, county_doc):
    admin = client_for(world.admin)
    admin.post(reverse("laws:normative_register", args=[county_doc.pk]), {"on": "2026-03-01"})
    admin.post(
        reverse("laws:normative_publish", args=[county_doc.pk]), {"published_on": "2026-03-05"}
    )
    client_for(world.clerk_a).post(
        reverse("laws:normative_file", args=[county_doc.pk]),
        {"filed_on": "2026-03-10", "filed_with": "抚州市人民政府"},
    )
    county_doc.refresh_from_db()
    assert county_doc.registration_number
    assert county_doc.filed_on == date(2026, 3, 10)
    body = Client().get(reverse("laws_public:search"), {"q": "规范本区"}).content.decode()
    assert "临川区办法" in body


def test_a_duplicate_number_is_refused_on_the_page(world, county_doc):
    other = services.normative_create(
        actor=world.clerk_a, title="另一办法", issuing_body="临川区人民政府", text=TEXT
    )
    admin = client_for(world.admin)
    admin.post(
        reverse("laws:normative_register", args=[county_doc.pk]),
        {"on": "2026-03-01", "registration_number": "抚规〔2026〕9号"},
    )
    response = admin.post(
        reverse("laws:normative_register", args=[other.pk]),
        {"on": "2026-03-01", "registration_number": "抚规〔2026〕9号"}, follow=True,
    )  # fmt: skip
    assert "不能登记两次" in response.content.decode()


def test_cleanup_pages_follow_the_scope(world):
    admin = client_for(world.admin)
    response = admin.post(
        reverse("laws:cleanup_list"), {"title": "2026年清理", "started_on": "2026-05-01"}
    )
    assert response.status_code == 302
    assert admin.get(response["Location"]).status_code == 200
    assert client_for(world.clerk_b).get(response["Location"]).status_code == 404


def test_the_search_command_prints_json(demo):
    out = StringIO()
    call_command(
        "laws", "search", "行政复议 申请期限", "--format", "json", "--limit", "2", stdout=out
    )
    rows = json.loads(out.getvalue())
    assert rows[0] == {
        "document": "中华人民共和国行政复议法", "kind": "法律", "version_date": "2023-09-01",
        "status": "现行有效", "article": "第二十条", "snippet": rows[0]["snippet"],
    }  # fmt: skip
    assert "申请期限" in rows[0]["snippet"]


def test_the_import_command_reports_skipped_files(db, tmp_path):
    (tmp_path / "行政法规").mkdir()
    (tmp_path / "行政法规" / "好条例(2020-01-01).md").write_text(
        "# 好条例\n\n第一条 内容。", "utf-8"
    )
    (tmp_path / "行政法规" / "坏条例(2020-01-01).md").write_text("没有标题", "utf-8")
    out = StringIO()
    call_command("laws", "import", str(tmp_path), stdout=out, stderr=StringIO())
    assert "跳过 行政法规/坏条例(2020-01-01).md：缺少一级标题" in out.getvalue()
    assert "新增版本 1" in out.getvalue()


@pytest.fixture
def rules(db):
    from tests.laws.conftest import store

    for n in range(1, 26):
        store(f"第{n}号备案规定", "第一条 规章应当备案。", kind="rule")


def _count_line(body: str) -> str:
    import re

    found = re.search(r'class="laws-count"[^>]*>([^<]*)<', body)
    assert found, body
    return found.group(1)


@pytest.mark.parametrize("page", ["3", "99", "99999999999999999999"])
def test_a_page_past_the_end_shows_the_last_page_and_says_so(rules, page):
    response = Client().get(reverse("laws_public:search"), {"q": "备案", "page": page})
    body = response.content.decode()
    assert response.status_code == 200
    assert "没有找到" not in body
    assert f"第 {page} 页超出范围，共 2 页，以下为第 2 页" in body
    assert _count_line(body) == "共找到 25 件文件"
    assert body.count('class="laws-hit"') == 5
    assert "下一页" not in body
    assert "page=1" in body  # 上一页


@pytest.mark.parametrize("page", ["abc", "-1", "0", "²", "1.5"])
def test_a_malformed_page_number_shows_the_first_page_and_says_so(rules, page):
    response = Client().get(reverse("laws_public:search"), {"q": "备案", "page": page})
    body = response.content.decode()
    assert response.status_code == 200
    assert f"页码“{page}”无效，以下为第 1 页" in body
    assert body.count('class="laws-hit"') == 20
    assert "筛选条件有误" not in body


def test_staff_and_public_state_the_same_count_on_every_page(rules, world, monkeypatch):
    from fazhi.laws.search import database

    monkeypatch.setattr(database, "POOL", 10)  # fewer than the matches: an "at least" count
    staff, public = client_for(world.clerk_a), Client()
    lines = {
        _count_line(client.get(url, {"q": "备案", "page": page, "sort": sort}).content.decode())
        for client, url in (
            (staff, reverse("laws:search")),
            (public, reverse("laws_public:search")),
        )
        for page in ("1", "2", "3")
        for sort in ("", "date")
    }
    assert lines == {"找到 10 件以上文件，以下为最相关的结果"}


def test_an_absurd_date_on_the_pages_is_a_message_not_an_error(world, county_doc):
    admin = client_for(world.admin)
    response = admin.post(
        reverse("laws:normative_register", args=[county_doc.pk]), {"on": "9999-12-31"},
        follow=True,
    )  # fmt: skip
    assert response.status_code == 200
    assert "登记日期" in response.content.decode()
    admin.post(reverse("laws:normative_register", args=[county_doc.pk]), {"on": "2026-03-01"})
    response = admin.post(
        reverse("laws:normative_publish", args=[county_doc.pk]), {"published_on": "9999-12-31"},
        follow=True,
    )  # fmt: skip
    assert response.status_code == 200
    assert "公布日期" in response.content.decode()
    county_doc.refresh_from_db()
    assert (county_doc.registration_number, county_doc.published_on) == ("抚规〔2026〕1号", None)


@pytest.mark.parametrize("year", ["99999999999999999999", "²", "٢٠٢١", "2021.0", "-2021", "1900"])
def test_a_year_that_is_not_a_plain_year_is_a_message(demo, year):
    response = Client().get(reverse("laws_public:search"), {"q": "复议", "year": year})
    body = response.content.decode()
    assert response.status_code == 200
    assert "筛选条件有误：年份：应为 1949 至" in body
    assert 'class="laws-hit"' not in body


def test_a_cleanup_decision_for_a_malformed_document_id_changes_nothing(world):
    admin = client_for(world.admin)
    created = admin.post(
        reverse("laws:cleanup_list"), {"title": "2026年清理", "started_on": "2026-05-01"}
    )
    for raw in ("99999999999999999999", "٣", "-1"):
        response = admin.post(created["Location"], {"document": raw, "outcome": "repeal"})
        assert response.status_code == 302
    from fazhi.laws.models import CleanupDecision

    assert not CleanupDecision.objects.exists()
