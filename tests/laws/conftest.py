"""Fixtures of the laws tests: small texts of our own, stored through the services."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fazhi.laws import services
from fazhi.laws.models import Kind

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "laws"


def store(
    title: str,
    body: str,
    *,
    kind: str = Kind.LAW,
    on: date = date(2020, 1, 1),
    key: str = "",
    issuing_body: str = "测试机关",
):
    markdown = (
        f"# {title}\n\n{on.year}年{on.month}月{on.day}日 通过\n\n<!-- INFO END -->\n\n{body}\n"
    )
    return services.law_text_store(
        actor=None,
        title=title,
        kind=kind,
        markdown=markdown,
        version_date=on,
        source_key=key or f"test/{title}",
        issuing_body=issuing_body,
    )


@pytest.fixture
def texts(db):
    """Four documents: the term in a title, in one article, across punctuation, nowhere."""
    store(
        "规范性文件备案办法",
        "## 第一章 总则\n\n第一条 为了规范备案工作，制定本办法。\n\n第二条 报送备案应当在三十日内完成。",
        kind=Kind.RULE,
        on=date(2019, 5, 1),
    )
    store(
        "城市管理条例",
        "第一条 为了加强城市管理，制定本条例。\n\n第二条 城市管理部门依法行使职权。\n\n"
        "第三条 本市制定的规范性文件应当向社会公布。\n\n第四条 城市管理部门应当公开执法信息。",
        kind=Kind.LOCAL_REGULATION,
        on=date(2021, 3, 1),
        issuing_body="抚州市人民代表大会常务委员会",
    )
    store(
        "信息公开工作规定",
        "第一条 政府信息公开申请的答复期限为二十个工作日。\n\n第二条 规范，性文件之间以逗号分隔不算连续。",
        kind=Kind.NORMATIVE,
        on=date(2023, 6, 1),
    )
    store("无关的规定", "第一条 本规定与检索词无关。\n\n第二条 文字（规范）性质。", kind=Kind.OTHER)
