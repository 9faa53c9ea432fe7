"""Reading Markdown into 编/章/节/条/款, numerals and labels."""

from __future__ import annotations

from datetime import date

import pytest

from fazhi.laws.parsing import ParseError, parse_markdown, split_file_stem
from fazhi.laws.text import article_anchor, cn_to_int, int_to_cn, normalise_article_label, tokens

LAW = """# 中华人民共和国示例法

2023年9月1日 第十四届全国人民代表大会常务委员会第五次会议修订

<!-- INFO END -->

## 第一编 总 则

## 第一章 一般规定

第一条 为了示例，制定本法。

第二条 第一款的内容。

第二款的内容。

第二款的内容。

### 第一节 细则

第三条 细则内容。

## 第二章 附　则

第一百零一条之一 本法自2024年1月1日起施行。
"""


def test_it_splits_a_law_into_parts_chapters_sections_articles_and_paragraphs():
    law = parse_markdown(LAW)
    assert law.title == "中华人民共和国示例法"
    assert [a.label for a in law.articles] == ["第一条", "第二条", "第三条", "第一百零一条之一"]
    second = law.articles[1]
    # The repeated paragraph of the source is kept once.
    assert second.paragraphs == ["第一款的内容。", "第二款的内容。"]
    third = law.articles[2]
    assert third.path == "第一编 总则 › 第一章 一般规定 › 第一节 细则"
    assert law.articles[3].path == "第一编 总则 › 第二章 附则"
    assert law.articles[3].anchor == "a101-1"
    assert law.effective_on == date(2024, 1, 1)
    assert law.latest_preamble_date() == date(2023, 9, 1)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("没有标题的文本\n\n第一条 内容。", "缺少一级标题"),
        ("# 只有标题\n\n2020年1月1日 通过\n\n<!-- INFO END -->\n", "正文为空"),
        ("---\ntitle: x\n# 标题\n第一条 内容", "元数据"),
        ("# 标题\x00\n第一条", "二进制"),
    ],
)
def test_it_refuses_malformed_markdown_with_a_reason(raw, message):
    with pytest.raises(ParseError, match=message):
        parse_markdown(raw)


def test_a_text_without_articles_becomes_blocks():
    law = parse_markdown("# 修正案\n\n一、将第一条修改为：……\n\n二、本修正案自公布之日起施行。")
    assert [p.kind for p in law.provisions] == ["text"]
    assert law.provisions[0].paragraphs[1].startswith("二、")


def test_numerals_and_labels_round_trip():
    for number in (1, 10, 11, 20, 30, 101, 110, 999, 1000, 1010):
        assert cn_to_int(int_to_cn(number)) == number
    assert normalise_article_label("第30条") == "第三十条"
    assert normalise_article_label("20") == "第二十条"
    assert normalise_article_label("第二十条") == "第二十条"
    assert article_anchor("第三十条") == "a30"


def test_file_names_carry_the_version_date():
    assert split_file_stem("行政复议法(2023-09-01)") == ("行政复议法", date(2023, 9, 1))
    assert split_file_stem("刑法") == ("刑法", None)
    assert split_file_stem("坏日期(2023-13-01)") == ("坏日期(2023-13-01)", None)


def test_tokens_are_bigrams_of_chinese_runs_and_whole_ascii_words():
    assert sorted(tokens("规范性文件，a12")) == sorted(["规范", "范性", "性文", "文件", "a12"])
