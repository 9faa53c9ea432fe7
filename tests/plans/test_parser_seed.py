"""The seed plan (抚州市法治政府建设实施方案) is the parser's reference document."""

from __future__ import annotations

import time

import pytest

from fazhi.plans.parsing import parse_text

C = ["各县(区)政府", "抚州高新区管委会", "东临新区管委会"]  # counties and the two zones
D = ["市直有关部门", *C]

# Hand-checked against the document: (lead units, responsible units) of every task, by measure.
EXPECTED: dict[int, list[tuple[list[str], list[str]]]] = {
    1: [
        (["市委编办", "市政府办公室"], ["市直有关单位", *C]),
        (["市委编办"], D),
        (["市政务服务局"], ["市司法局", *D]),
        (["市发改委", "市商务局", "市市场监管局"], D),
    ],
    2: [
        (["市政务服务局"], D),
        (["市市场监管局"], D),
        (["市住建局"], D),  # written without its opening bracket
        (["市市场监管局", "市司法局", "市政务服务局", "市发改委"], D),
    ],
    3: [
        (["市发改委"], D),
        (["市司法局", "市政府办公室"], D),  # no closing bracket: runs into the next task
        (["市市场监管局"], C),
        (["市市场监管局"], D),  # no closing bracket at the end of the paragraph
    ],
    4: [(["市司法局"], ["市直有关部门"])],
    5: [(["市司法局"], ["市直有关部门"]), (["立法项目起草部门"], [])],
    6: [(["市政府办公室", "市司法局"], D)],
    7: [(["市政府办公室", "市司法局"], D), (["市纪委市监委", "市委组织部", "市审计局"], D)],
    8: [(["市政府办公室", "市司法局"], D)],
    9: [
        (
            [
                "市委编办",
                "市城市管理局",
                "市市场监管局",
                "市生态环境局",
                "市文广新旅局",
                "市交通运输局",
                "市农业农村局",
                "市应急管理局",
            ],
            C,
        ),
        (["市司法局"], D),
    ],
    10: [(["市司法局"], D)],
    11: [(["市市场监管局", "市司法局"], D)],
    12: [(["市应急管理局"], D), (["市委宣传部", "市公安局", "市卫健委", "市应急管理局"], D)],
    13: [
        (["市应急管理局"], D),
        (["市法院", "市检察院", "市公安局", "市市场监管局"], C),
        (["市应急管理局", "市司法局"], C),  # "责任单位" written twice: the first is the lead
    ],
    14: [(["市应急管理局"], D)],
    15: [
        (["市委政法委", "市司法局", "市法院"], D),
        (["市司法局", "市法院"], D),
        (["市信访局"], D),
    ],
    16: [(["市司法局"], ["市直有关部门", "各县(区)政府"])],
    17: [(["市司法局", "市法院", "市检察院"], D)],
    18: [(["市政府办公室", "市司法局"], D), (["市纪委市监委", "市委组织部"], D)],
    19: [(["市司法局"], D)],
    20: [(["市政府办公室"], D)],
    21: [(["市发改委"], D)],
    22: [(["市政府办公室", "市政务服务局", "市大数据局", "市司法局"], D)],
    23: [(["市政务服务局", "市大数据局"], D)],
    24: [(["市政务服务局", "市司法局"], D)],
    25: [
        (["市政府办公室", "市司法局", "市委宣传部", "市法院"], ["市委党校", "市政府各部门", *C]),
        (["市委组织部", "市司法局", "市人社局"], ["市政府各部门", *C]),
    ],
    26: [
        (["市委组织部"], ["市政府各部门", *C]),
        (["市纪委市监委"], ["市政府各部门", *C]),
    ],
}


@pytest.fixture
def seed(seed_text):
    return parse_text(seed_text)


def test_it_finds_the_title_and_nine_chapters(seed):
    assert seed.title == "抚州市法治政府建设实施方案(2022-2025年)"
    assert [c.number for c in seed.chapters] == list("一二三四五六七八九")
    assert seed.chapters[0].title == "依法全面履行政府职能"
    assert seed.chapters[8].title == "全面提高法治思维和依法行政能力"


def test_it_finds_26_measures_and_46_tasks(seed):
    assert [m.number for m in seed.measures] == list(range(1, 27))
    assert seed.task_count == 46
    assert sum(len(tasks) for tasks in EXPECTED.values()) == 46


@pytest.mark.parametrize("number", sorted(EXPECTED))
def test_every_task_has_the_units_the_document_means(seed, number):
    measure = seed.measures[number - 1]
    got = [(t.lead_units, t.responsible_units) for t in measure.tasks]
    assert got == EXPECTED[number]


def test_measures_belong_to_their_chapters(seed):
    chapter_of = {m.number: m.chapter for m in seed.measures}
    assert chapter_of[1] == "一"
    assert chapter_of[4] == "二"
    assert chapter_of[18] == "七"
    assert chapter_of[26] == "九"


def test_titles_without_a_full_stop_are_split_and_warned(seed):
    titles = {m.number: m.title for m in seed.measures}
    assert titles[1] == "优化政府机构职能"
    assert titles[19] == "加强行政执法协调监督"
    assert titles[20] == "推进政务公开"
    assert titles[21] == "加强政务诚信建设"
    assert titles[24] == "推进“互联网+”监管执法"
    assert seed.measures[18].tasks[0].text.startswith("高质量完成司法部批复")
    warned = {w.measure for w in seed.warnings if w.task is None}
    assert warned == {19, 20, 21, 24}


def test_a_runaway_annotation_is_cut_and_the_next_task_starts_right(seed):
    tasks = seed.measures[2].tasks
    assert tasks[2].text == "加强和改进反垄断与反不正当竞争执法。"
    assert tasks[1].text.startswith("加强政企沟通")


def test_it_warns_at_each_irregular_annotation(seed):
    places = {(w.measure, w.task): w.message for w in seed.warnings if w.task is not None}
    assert "缺少左括号" in places[(2, 3)]
    assert "缺少右括号" in places[(3, 2)]
    assert "下一条任务" in places[(3, 2)]
    assert "缺少右括号" in places[(3, 4)]
    assert "两次" in places[(13, 3)]
    assert set(places) == {(2, 3), (3, 2), (3, 4), (13, 3)}


def test_it_finds_the_targets_of_measures_11_17_18_20_and_the_organisation_section(seed):
    by_measure: dict[int | None, list[tuple[str, str, float, str]]] = {}
    for t in seed.targets:
        by_measure.setdefault(t.measure, []).append((t.metric, t.comparator, t.value, t.unit))
    assert by_measure[11] == [
        ("“双随机”监管事项覆盖率", "=", 100, "%"),
        ("联合执法检查事项占比", ">=", 30, "%"),
    ]
    assert by_measure[17] == [("行政机关负责人出庭应诉率", ">=", 95, "%")]
    assert by_measure[18] == [
        ("办理人大代表建议、政协提案的满意率", ">=", 95, "%"),
        ("司法建议、检察建议按期办复率", ">=", 100, "%"),
    ]
    assert by_measure[20] == [("对符合法定条件要求的依申请公开政府信息的答复率", ">=", 100, "%")]
    assert [(m, c, v, u) for m, c, v, u in by_measure[13]] == [
        ("发布权威信息", "<=", 5, "小时"),
        ("举行新闻发布会", "<=", 24, "小时"),
    ]
    assert ("每年举办政府领导班子法治专题讲座", "=", 2, "期") in by_measure[25]
    organisation = [t for t in seed.targets if t.measure is None]
    assert [(t.section, t.comparator, t.value, t.unit) for t in organisation] == [
        ("三、组织保障", ">=", 1, "次")
    ]


def test_a_date_in_the_task_text_becomes_its_deadline(seed):
    deadline = seed.measures[21].tasks[0].deadline
    assert deadline is not None
    assert (deadline.text, deadline.date.isoformat() if deadline.date else None) == (
        "2023年底前",
        "2023-12-31",
    )
    assert seed.measures[0].tasks[0].deadline is None


def test_the_json_has_exactly_the_issue_shape(seed):
    data = seed.to_json()
    assert set(data) == {"title", "chapters", "measures", "targets", "warnings"}
    assert set(data["measures"][0]) == {"number", "chapter", "title", "tasks"}
    assert set(data["measures"][0]["tasks"][0]) == {
        "text", "lead_units", "responsible_units", "deadline",
    }  # fmt: skip
    assert data["measures"][21]["tasks"][0]["deadline"] == {
        "text": "2023年底前", "date": "2023-12-31", "recurring": None, "ongoing": False,
    }  # fmt: skip
    assert set(data["targets"][0]) == {"measure", "text", "metric", "comparator", "value", "unit"}
    assert set(data["warnings"][0]) == {"measure", "task", "message"}


def test_parsing_the_seed_takes_well_under_200_ms(seed_text):
    parse_text(seed_text)
    started = time.perf_counter()
    parse_text(seed_text)
    assert time.perf_counter() - started < 0.2
