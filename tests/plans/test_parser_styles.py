"""Plans written in other house styles keep the parser honest (our own texts, tests/plans/samples)."""

from __future__ import annotations

import io
from datetime import date

import docx
import pytest
from django.core.exceptions import ValidationError

from fazhi.core.text import normalise
from fazhi.plans.parsing import parse_file, parse_text
from fazhi.plans.parsing.dates import next_due, parse_deadline
from fazhi.plans.parsing.result import PlanParse
from tests.plans.samples import COUNTY_POINTS, DIVISION_OF_TASKS, NO_STRUCTURE


def _units(result: PlanParse) -> list[list[tuple[list[str], list[str]]]]:
    return [[(t.lead_units, t.responsible_units) for t in m.tasks] for m in result.measures]


def test_items_straight_under_chapters_are_measures_with_one_task():
    result = parse_text(COUNTY_POINTS)
    assert result.title == "南丰县2024年法治政府建设工作要点"
    assert [(c.number, c.title) for c in result.chapters] == [
        ("一", "加强党对法治政府建设的领导"),
        ("二", "推进严格规范公正文明执法"),
    ]
    assert [(m.number, m.chapter) for m in result.measures] == [
        (1, "一"),
        (2, "一"),
        (3, "二"),
        (4, "二"),
    ]
    assert _units(result) == [
        [(["县委依法治县办"], ["各乡（镇）人民政府", "县直各单位"])],
        [(["县司法局"], [])],
        [(["县司法局"], ["县直各执法部门"])],
        [([], ["各执法部门"])],
    ]
    first = result.measures[0]
    assert first.title == first.tasks[0].text == "落实党政主要负责人履行推进法治建设第一责任人职责"


def test_it_reads_dates_ongoing_and_targets_in_a_county_plan():
    result = parse_text(COUNTY_POINTS)
    deadline = result.measures[1].tasks[0].deadline
    assert deadline is not None
    assert deadline.date == date(2024, 6, 30)
    ongoing = result.measures[3].tasks[0].deadline
    assert ongoing is not None
    assert ongoing.ongoing
    assert [(t.measure, t.metric, t.comparator, t.value) for t in result.targets] == [
        (3, "行政执法案卷评查合格率", ">=", 90)
    ]


def test_a_task_without_a_lead_is_left_empty_and_warned():
    result = parse_text(COUNTY_POINTS)
    assert any(w.measure == 4 and w.task == 1 and "牵头" in w.message for w in result.warnings)


def test_labels_on_their_own_lines_and_circled_numbers_make_tasks_of_a_measure():
    result = parse_text(DIVISION_OF_TASKS)
    assert result.title == "临川区优化法治化营商环境任务分工方案"
    assert [(m.number, m.chapter, m.title) for m in result.measures] == [
        (1, "一", "推行包容审慎监管"),
        (2, "一", "规范涉企行政检查"),
        (3, "二", "深化一网通办"),
    ]
    assert _units(result) == [
        [(["区司法局"], ["区市场监管局", "区城管局"]), (["区司法局"], [])],
        [(["区市场监管局"], ["区直有关部门"])],
        [(["区行政审批局"], ["各乡（镇）人民政府"])],
    ]
    tasks = result.measures[0].tasks
    assert tasks[0].text == "制定轻微违法行为免罚清单"
    assert tasks[0].deadline is not None
    assert tasks[0].deadline.date == date(2024, 9, 30)
    assert tasks[1].deadline is not None
    assert tasks[1].deadline.ongoing


def test_a_yearly_deadline_is_recurring_and_falls_due_each_year():
    result = parse_text(DIVISION_OF_TASKS)
    deadline = result.measures[1].tasks[0].deadline
    assert deadline is not None
    assert deadline.to_json() == {
        "text": "每年12月31日前", "date": None, "recurring": "yearly", "ongoing": False,
    }  # fmt: skip
    assert next_due(deadline, date(2025, 3, 1)) == date(2025, 12, 31)
    spring = parse_deadline("每年3月1日前")
    assert next_due(spring, date(2025, 3, 2)) == date(2026, 3, 1)


def test_a_percentage_with_不低于_is_at_least():
    result = parse_text(DIVISION_OF_TASKS)
    assert [(t.metric, t.comparator, t.value, t.unit) for t in result.targets] == [
        ("政务服务事项网上可办率", ">=", 95, "%")
    ]


def test_a_gbk_copy_parses_the_same_as_utf8():
    text = COUNTY_POINTS.replace("\u00a0", "").replace("\u200b", "")  # not in GBK
    _, from_gbk = parse_file("要点.txt", text.encode("gbk"))
    _, from_utf8 = parse_file("要点.txt", text.encode("utf-8"))
    assert from_gbk.to_json() == from_utf8.to_json()
    assert from_gbk.task_count == 4


def test_a_docx_with_paragraphs_parses_like_the_text():
    document = docx.Document()
    for line in DIVISION_OF_TASKS.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    _, result = parse_file("分工方案.docx", buffer.getvalue())
    assert result.to_json() == parse_text(DIVISION_OF_TASKS).to_json()


def test_a_docx_task_table_becomes_measures_with_units_and_deadlines():
    document = docx.Document()
    document.add_paragraph("宜黄县2024年度法治建设重点任务分工方案")
    table = document.add_table(rows=3, cols=5)
    rows = [
        ("序号", "工作任务", "牵头单位", "配合单位", "完成时限"),
        ("1", "建立行政执法案例指导制度。", "县司法局", "县直各执法单位", "2024年10月底前"),
        ("2", "开展法治政府建设示范创建。", "县司法局", "各乡（镇）人民政府", "长期坚持"),
    ]
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)
    _, result = parse_file("任务表.docx", buffer.getvalue())
    assert result.title == "宜黄县2024年度法治建设重点任务分工方案"
    assert _units(result) == [
        [(["县司法局"], ["县直各执法单位"])],
        [(["县司法局"], ["各乡（镇）人民政府"])],
    ]
    deadline = result.measures[0].tasks[0].deadline
    assert deadline is not None
    assert deadline.date == date(2024, 10, 31)


def test_markdown_headings_and_bold_are_formatting_only():
    markdown = (
        "# 南丰县2024年法治政府建设工作要点\n\n## 一、加强党对法治政府建设的领导\n\n"
        "1. **落实第一责任人职责。**（牵头单位：县委依法治县办）\n"
    )
    _, result = parse_file("要点.md", markdown.encode("utf-8"))
    assert result.title == "南丰县2024年法治政府建设工作要点"
    assert _units(result) == [[(["县委依法治县办"], [])]]


def test_a_document_without_structure_says_so():
    result = parse_text(NO_STRUCTURE)
    assert result.measures == []
    assert any("未识别出方案结构" in w.message for w in result.warnings)


def test_normalise_unifies_width_spaces_and_invisible_characters():
    assert normalise("各县（市、区）人民政府\u00a0\u200b：") == "各县(市、区)人民政府 :"
    assert normalise("a\r\nb\u3000\u3000c") == "a\nb c"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("空.txt", b"", "空"),
        ("扫描件.pdf", b"%PDF-1.7 ...", "暂不支持"),
        ("扫描件.txt", b"%PDF-1.4\n...", "暂不支持"),
        ("照片.jpg", b"\xff\xd8\xff\xe0", "暂不支持"),
        ("照片.png", b"\x89PNG\r\n\x1a\n", "暂不支持"),
        ("旧版.doc", b"\xd0\xcf\x11\xe0", "另存为 .docx"),
        ("假的.docx", b"not a zip at all", "不是有效的 Word 文档"),
        ("乱码.txt", b"\x00\x01\x02binary", "不是文本文件"),
        ("乱码.txt", b"\x80\x80\x80", "无法识别文件编码"),
        ("空白.txt", "\u3000\n \u00a0\n".encode(), "没有文字内容"),
        ("表格.xlsx", b"PK\x03\x04", "暂不支持"),
    ],
)
def test_it_refuses_unusable_files_with_a_chinese_message(name, data, message):
    with pytest.raises(ValidationError) as error:
        parse_file(name, data)
    assert message in " ".join(error.value.messages)


def test_it_refuses_a_docx_that_is_a_zip_of_something_else():
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(ValidationError, match="没有 Word 正文"):
        parse_file("伪装.docx", buffer.getvalue())


def test_it_refuses_more_than_20_mb():
    with pytest.raises(ValidationError, match="20 MB"):
        parse_file("大.txt", b"a" * (20 * 1024 * 1024 + 1))
