"""Deadline rules as data: the seeded statutory rules and dated versions that may not overlap."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fazhi.core.models import AuditEvent
from fazhi.workdays import services
from fazhi.workdays.deadlines import compute_rule
from fazhi.workdays.models import DeadlineRule, PeriodUnit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("code", "amount", "unit", "basis", "extension"),
    [
        ("disclosure.reply", 20, PeriodUnit.WORKDAY, "《政府信息公开条例》第三十三条", 20),
        ("disclosure.correction_notice", 7, PeriodUnit.WORKDAY, "《政府信息公开条例》第三十条", 0),
        ("disclosure.third_party", 15, PeriodUnit.WORKDAY, "《政府信息公开条例》第三十二条", 0),
        ("reconsideration.application", 60, PeriodUnit.DAY, "《行政复议法》第二十条", 0),
        (
            "reconsideration.acceptance_review",
            5,
            PeriodUnit.WORKDAY,
            "《行政复议法》第三十条、第八十八条",
            0,
        ),
        ("reconsideration.decision", 60, PeriodUnit.DAY, "《行政复议法》第六十二条", 30),
        ("penalty.decision", 90, PeriodUnit.DAY, "《行政处罚法》第六十条", 0),
        (
            "penalty.hearing_request",
            5,
            PeriodUnit.WORKDAY,
            "《行政处罚法》第六十四条、第八十五条",
            0,
        ),
        ("litigation.filing", 6, PeriodUnit.MONTH, "《行政诉讼法》第四十六条", 0),
        ("penalty.limitation", 2, PeriodUnit.YEAR, "《行政处罚法》第三十六条", 0),
    ],
)
def test_the_statutory_rules_are_seeded_with_their_article(code, amount, unit, basis, extension):
    rule = DeadlineRule.objects.get(code=code)
    assert (rule.amount, rule.unit, rule.legal_basis, rule.extension_amount) == (
        amount, unit, basis, extension,
    )  # fmt: skip
    assert rule.valid_to is None


def test_every_seeded_rule_names_its_law_article_and_clock_start():
    rules = list(DeadlineRule.objects.all())
    assert len(rules) >= 30
    for rule in rules:
        assert rule.legal_basis.startswith("《"), rule.code
        assert "第" in rule.article, rule.code
        assert rule.clock_start, rule.code


def test_it_refuses_a_rule_version_whose_window_overlaps_another(world):
    with pytest.raises(ValidationError) as exc:
        services.deadline_rule_create(
            actor=world.admin, code="disclosure.reply", name="依申请公开答复", amount=15,
            unit="workday", clock_start="收到申请", law="政府信息公开条例", article="第三十三条",
            valid_from=date(2025, 1, 1),
        )  # fmt: skip
    assert "有效期与已有版本（2019-05-15 至 现行有效）重叠" in exc.value.messages[0]
    assert DeadlineRule.objects.filter(code="disclosure.reply").count() == 1


def test_a_change_in_law_is_a_new_version_and_each_date_uses_its_own(world):
    current = DeadlineRule.objects.get(code="disclosure.reply")
    current.valid_to = date(2026, 12, 31)
    services.deadline_rule_save(actor=world.admin, rule=current)
    services.deadline_rule_create(
        actor=world.admin, code="disclosure.reply", name="依申请公开答复", amount=15,
        unit="workday", clock_start="收到申请", law="政府信息公开条例（假设修订）",
        article="第三十三条", valid_from=date(2027, 1, 1),
    )  # fmt: skip
    assert compute_rule(code="disclosure.reply", start=date(2026, 3, 2)).amount == 20
    later = compute_rule(code="disclosure.reply", start=date(2027, 3, 1))
    assert (later.amount, later.legal_basis) == (15, "《政府信息公开条例（假设修订）》第三十三条")
    # An application received in 2026 keeps the old rule when asked "as on" its receipt day.
    assert (
        compute_rule(code="disclosure.reply", start=date(2027, 3, 1), on=date(2026, 12, 1)).amount
        == 20
    )
    saved = AuditEvent.objects.filter(
        action="deadline_rule.saved", object_repr__contains="（disclosure.reply）"
    )
    assert saved.count() == 2


def test_it_refuses_a_window_that_ends_before_it_starts(world):
    with pytest.raises(ValidationError, match="失效日期不能早于施行日期"):
        services.deadline_rule_create(
            actor=world.admin, code="x.test", name="测试", amount=1, unit="day",
            clock_start="事件", law="某法", article="第一条",
            valid_from=date(2026, 1, 1), valid_to=date(2025, 1, 1),
        )  # fmt: skip


def test_it_refuses_an_unknown_unit_in_a_rule(world):
    with pytest.raises(ValidationError):
        services.deadline_rule_create(
            actor=world.admin, code="x.test", name="测试", amount=1, unit="week",
            clock_start="事件", law="某法", article="第一条", valid_from=date(2026, 1, 1),
        )  # fmt: skip


def test_a_clerk_cannot_change_rules(world):
    rule = DeadlineRule.objects.get(code="disclosure.reply")
    rule.amount = 1
    with pytest.raises(PermissionDenied):
        services.deadline_rule_save(actor=world.clerk_a, rule=rule)
    assert DeadlineRule.objects.get(code="disclosure.reply").amount == 20
