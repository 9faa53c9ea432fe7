"""Hand-worked due dates over the seeded 2025/2026 calendar and the provisional 2027."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from fazhi.core.dates import parse
from fazhi.workdays.deadlines import (
    DeadlineState,
    PeriodUnit,
    compute_due,
    compute_rule,
    deadline_state,
)

pytestmark = pytest.mark.django_db

D = date.fromisoformat


def _raw_end(start: str, amount: int, unit: str) -> date | None:
    """The end before any roll-over, for calendar units; None for working days."""
    if unit == "day":
        return D(start).fromordinal(D(start).toordinal() + amount)
    if unit in ("month", "year"):
        from fazhi.workdays.deadlines import _add_months

        return _add_months(D(start), amount * (12 if unit == "year" else 1))[0]
    return None


def text(deadline) -> str:
    return "\n".join(deadline.explanation)


# (start, amount, unit, due, calendar_complete, phrases the explanation must contain)
VECTORS = [
    # 2025 春节 1/28–2/4 with 调休 Sun 1/26 and Sat 2/8: 1/21–1/24, 1/26, 1/27, 2/5–2/7, 2/8.
    ("2025-01-20", 10, "workday", "2025-02-08", True,
     ["2025-01-26（星期日）春节调休上班", "2025-01-28 至 2025-02-04 春节放假",
      "第 10 个工作日为 2025-02-08（星期六，春节调休上班日）"]),
    # 2025 国庆+中秋 10/1–10/8, 调休 Sun 9/28: 9/28, 9/29, 9/30, 10/9, 10/10.
    ("2025-09-26", 5, "workday", "2025-10-10", True,
     ["2025-09-28（星期日）国庆节调休上班", "第 5 个工作日为 2025-10-10（星期五）"]),
    # 2025 元旦: 12/30, 12/31, (1/1 off), 1/2.
    ("2024-12-27", 3, "workday", "2025-01-02", True,
     ["2025-01-01（星期三）元旦放假", "第 3 个工作日为 2025-01-02（星期四）"]),
    # 2026 元旦 1/1–1/3 off, Sun 1/4 worked: 1/4, 1/5.
    ("2025-12-31", 2, "workday", "2026-01-05", True,
     ["2026-01-01 至 2026-01-03 元旦放假", "2026-01-04（星期日）元旦调休上班"]),
    # legal-rules §12 worked examples (2026).
    ("2026-02-10", 20, "workday", "2026-03-16", True,
     ["2026-02-14（星期六）春节调休上班", "2026-02-15 至 2026-02-23 春节放假",
      "2026-02-28（星期六）春节调休上班", "第 20 个工作日为 2026-03-16（星期一）"]),
    ("2026-02-10", 7, "workday", "2026-02-26", True, ["第 7 个工作日为 2026-02-26（星期四）"]),
    ("2026-09-24", 7, "workday", "2026-10-12", True,
     ["2026-09-25 至 2026-09-27 中秋节放假", "2026-10-01 至 2026-10-07 国庆节放假"]),
    ("2026-09-28", 5, "workday", "2026-10-10", True,
     ["第 5 个工作日为 2026-10-10（星期六，国庆节调休上班日）"]),
    ("2026-04-30", 3, "workday", "2026-05-08", True,
     ["2026-05-01 至 2026-05-05 劳动节放假", "第 3 个工作日为 2026-05-08（星期五）"]),
    ("2026-08-02", 60, "day", "2026-10-08", True,
     ["2026-08-02 加 60 日为 2026-10-01（星期四）",
      "2026-10-01（星期四）为休息日（国庆节放假）", "顺延至 2026-10-08（星期四）"]),
    # 30 calendar days from 2026-01-16 end on 2/15 (春节) → first working day 2/24.
    ("2026-01-16", 30, "day", "2026-02-24", True, ["顺延至 2026-02-24（星期二）"]),
    # Ends on 2025-10-11, a 调休 Saturday: a working day, so no roll-over.
    ("2025-09-11", 30, "day", "2025-10-11", True, ["2025-09-11 加 30 日为 2025-10-11（星期六）"]),
    # Into 2027 (no published schedule): only 1/1 is known to be off.
    ("2026-12-20", 20, "workday", "2027-01-18", False,
     ["2027-01-01（星期五）元旦放假", "2027年尚未导入官方放假安排", "到期日：2027-01-18（星期一）（暂定）"]),
    ("2027-09-29", 3, "workday", "2027-10-05", False, ["2027-10-01 至 2027-10-03 国庆节放假"]),
    # Month periods: same day, or the month's last day; 2026-02-28 is a 调休 Saturday.
    ("2024-01-31", 1, "month", "2024-02-29", True, ["该月无对应日，以该月最后一日为届满日"]),
    ("2025-01-31", 1, "month", "2025-02-28", True, ["2025-02-28（星期五）"]),
    ("2026-01-31", 1, "month", "2026-02-28", True, ["1个月后的对应日 2026-02-28（星期六）", "2026-02-28（星期六）春节调休上班"]),
    ("2026-04-04", 6, "month", "2026-10-08", True, ["顺延至 2026-10-08（星期四）"]),
    # Year periods: 2/29 → 2/28; a holiday end rolls over.
    ("2024-02-29", 1, "year", "2025-02-28", True, ["该月无对应日"]),
    ("2024-10-01", 2, "year", "2026-10-08", True, ["顺延至 2026-10-08"]),
]  # fmt: skip


@pytest.mark.parametrize(("start", "amount", "unit", "due", "complete", "phrases"), VECTORS)
def test_hand_worked_vectors_give_the_due_date_and_say_how(
    start, amount, unit, due, complete, phrases
):
    deadline = compute_due(start=D(start), amount=amount, unit=unit)
    assert deadline.due == D(due)
    assert deadline.calendar_complete is complete
    explained = text(deadline)
    assert explained.startswith(f"起算：{start}")
    assert "期间开始之日不计算在期间内" in explained
    for phrase in phrases:
        assert phrase in explained
    assert deadline.explanation[-1].startswith(f"到期日：{due}")
    raw_end = _raw_end(start, amount, unit)
    if raw_end is not None:  # a calendar-unit period says when it rolled over a rest day
        assert ("顺延至" in explained) is (deadline.due != raw_end)
    assert deadline.rule_code is None
    assert deadline.legal_basis == ""


@pytest.mark.parametrize(("start", "amount", "unit", "due", "complete", "phrases"), VECTORS)
def test_without_explanation_the_result_is_the_same(start, amount, unit, due, complete, phrases):
    deadline = compute_due(start=D(start), amount=amount, unit=unit, explain=False)
    assert (deadline.due, deadline.calendar_complete) == (D(due), complete)
    assert deadline.explanation == []


def test_a_span_over_many_provisional_years_is_explained_in_bounded_lines():
    deadline = compute_due(start=D("2026-01-05"), amount=10000, unit="workday")
    explained = text(deadline)
    assert "2027年至20" in explained
    assert "个节假日或调休日）" in explained
    assert len(deadline.explanation) == 6


def test_a_span_within_official_years_never_mentions_provisional():
    deadline = compute_due(start=D("2026-12-01"), amount=10, unit=PeriodUnit.WORKDAY)
    assert deadline.due == D("2026-12-15")
    assert deadline.calendar_complete is True
    assert "暂定" not in text(deadline)


def test_a_workday_pause_shifts_the_end_by_the_working_days_the_clock_stood():
    # 2026-09-28 + 20 WD = 10-30; stopped 10-12, resumed 10-20: 6 WD (13–16, 19, 20) not counted.
    deadline = compute_due(
        start=D("2026-09-28"),
        amount=20,
        unit="workday",
        pauses=[(D("2026-10-12"), D("2026-10-20"))],
    )
    assert deadline.due == D("2026-11-09")
    assert deadline.paused is False
    assert "2026-10-12 中止、2026-10-20 恢复，其间 6 个工作日不计入期限" in text(deadline)


def test_an_open_pause_is_flagged_and_due_is_as_if_resumed_on_the_stop_day():
    deadline = compute_due(
        start=D("2026-09-28"), amount=20, unit="workday", pauses=[(D("2026-10-12"), None)]
    )
    assert deadline.paused is True
    assert deadline.due == D("2026-10-30")
    assert "尚未恢复计时；剩余 14 个工作日" in text(deadline)
    assert "计时中止中" in deadline.explanation[-1]


def test_a_day_pause_shifts_calendar_days_then_rolls_over_a_rest_day():
    # 60 days from 08-02 = 10-01; 10 days stopped → 10-11 (Sunday) → Monday 10-12.
    deadline = compute_rule(
        code="reconsideration.decision",
        start=D("2026-08-02"),
        pauses=[(D("2026-09-01"), D("2026-09-11"))],
    )
    assert deadline.due == D("2026-10-12")
    assert "其间 10 日不计入期限" in text(deadline)


def test_a_pause_after_the_due_date_does_not_revive_the_period():
    deadline = compute_due(
        start=D("2026-09-28"), amount=5, unit="workday", pauses=[(D("2026-10-20"), D("2026-10-30"))]
    )
    assert deadline.due == D("2026-10-10")
    assert "晚于到期日，不影响期限" in text(deadline)


def test_an_extension_is_added_after_the_base_period():
    # 20 WD from 02-10 end 03-16; 20 more skip 清明 04-04..06 → 04-14.
    deadline = compute_rule(
        code="disclosure.reply", start=D("2026-02-10"), extensions=[(20, "经公开办负责人同意")]
    )
    assert deadline.due == D("2026-04-14")
    assert deadline.legal_basis == "《政府信息公开条例》第三十三条"
    assert deadline.rule_code == "disclosure.reply"
    assert "延长 20个工作日（经公开办负责人同意），合计 40个工作日" in text(deadline)
    assert "2026-04-04 至 2026-04-06 清明节放假" in text(deadline)


def test_a_calendar_day_extension_adds_to_the_period_before_rolling_over():
    deadline = compute_rule(
        code="reconsideration.decision", start=D("2026-08-02"), extensions=[(30, "案情复杂")]
    )
    assert deadline.due == D("2026-11-02")  # 08-02 + 90 = 10-31, a Saturday
    assert deadline.legal_basis == "《行政复议法》第六十二条"


def test_it_refuses_an_extension_beyond_what_the_rule_allows():
    with pytest.raises(ValidationError, match="超过《政府信息公开条例》第三十三条允许的 20"):
        compute_rule(code="disclosure.reply", start=D("2026-02-10"), extensions=[(21, "x")])
    with pytest.raises(ValidationError, match="不得延长"):
        compute_rule(
            code="disclosure.correction_notice", start=D("2026-02-10"), extensions=[(1, "x")]
        )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"amount": 5, "unit": "week"}, "期限单位“week”无效"),
        ({"amount": -3, "unit": "workday"}, "期限数量必须为正整数，收到“-3”"),
        ({"amount": 0, "unit": "day"}, "期限数量必须为正整数"),
        ({"amount": True, "unit": "day"}, "期限数量必须为正整数"),
        ({"amount": 5, "unit": "day", "extensions": [(-1, "x")]}, "延长数量必须为正整数"),
        (
            {"amount": 5, "unit": "day", "pauses": [(date(2026, 1, 5), date(2026, 1, 2))]},
            "恢复计时日 2026-01-02 早于中止日",
        ),
        (
            {"amount": 5, "unit": "day", "pauses": [(date(2025, 12, 1), date(2026, 1, 2))]},
            "早于起算日",
        ),
        (
            {
                "amount": 5,
                "unit": "day",
                "pauses": [(date(2026, 1, 2), None), (date(2026, 1, 3), None)],
            },
            "尚未恢复，之后不能再有中止",
        ),
        ({"amount": 100000, "unit": "year"}, "超出工作日历的计算范围"),
    ],
)
def test_it_refuses_bad_input_with_a_chinese_message(kwargs, message):
    with pytest.raises(ValidationError) as exc:
        compute_due(start=date(2026, 1, 1), **kwargs)
    assert message in exc.value.messages[0]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-13-01", "“起算日”2026-13-01 不是有效的日期"),
        ("2026-02-30", "不是有效的日期"),
        ("2026/09/28", "格式不正确，应为 YYYY-MM-DD"),
        ("", "格式不正确"),
        ("明天", "格式不正确"),
    ],
)
def test_it_refuses_a_malformed_start_date(value, message):
    with pytest.raises(ValidationError, match=message):
        parse(value, "起算日")


def test_it_refuses_an_unknown_rule_and_a_date_before_the_rule_was_in_force():
    with pytest.raises(ValidationError, match="期限规则“nope”不存在"):
        compute_rule(code="nope", start=D("2026-01-05"))
    # The 2023 行政复议法 is in force from 2024-01-01.
    with pytest.raises(ValidationError, match="在 2023-06-01 没有有效的版本"):
        compute_rule(code="reconsideration.acceptance_review", start=D("2023-06-01"))


def test_deadline_state_counts_remaining_working_days_against_the_threshold(settings):
    due = D("2026-10-10")  # a 调休 Saturday
    far = deadline_state(due, today=D("2026-09-28"))  # 9/29, 9/30, 10/8, 10/9, 10/10
    assert (far.state, far.remaining_workdays) == (DeadlineState.NOT_DUE, 5)
    soon = deadline_state(due, today=D("2026-09-30"))
    assert (soon.state, soon.remaining_workdays, soon.label) == (DeadlineState.DUE_SOON, 3, "临期")
    assert deadline_state(due, today=due).state == "临期"
    late = deadline_state(due, today=D("2026-10-12"))
    assert (late.state, late.remaining_workdays, late.overdue_workdays) == ("已超期", -1, 1)
    # Overdue on the Sunday right after: no working day has passed, still overdue.
    assert deadline_state(due, today=D("2026-10-11")).remaining_workdays == -1
    settings.FAZHI_DUE_SOON_WORKDAYS = 5
    assert deadline_state(due, today=D("2026-09-28")).state == DeadlineState.DUE_SOON


def test_one_computation_does_not_grow_with_the_period_length():
    # 10,000 working days is ~40 years: answered from the ordinal index, explanation capped.
    deadline = compute_due(start=D("2026-01-05"), amount=10000, unit="workday")
    assert deadline.due.year in (2065, 2066)
    assert deadline.calendar_complete is False
    assert len(deadline.explanation) < 60
