"""What the services accept: figures at the precision they are stored, plausible years, and
typed text stored as typed (tidied, never normalised, never cut short)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from fazhi.indicators import services
from fazhi.indicators.models import (
    AnnualReport,
    AssessmentScheme,
    AssessmentScore,
    ClosedYear,
    IndicatorValue,
    Rule,
)
from tests.indicators.helpers import by_name, import_plan

pytestmark = pytest.mark.django_db


# --- figures (#13 item 14) -------------------------------------------------------------


def _report(world, indicator, **figure):
    return services.indicator_value_report(
        actor=world.clerk_a, indicator_id=indicator.pk, unit=world.gov_a, year=2025, **figure
    )


@pytest.mark.parametrize(
    ("figure", "message"),
    [
        ({"value": "1e-30"}, "最多保留 2 位小数"),
        ({"value": "0.001"}, "最多保留 2 位小数"),
        ({"value": "95.125"}, "最多保留 2 位小数"),
        ({"value": "NaN"}, "不是有效的数字"),
        ({"value": "Infinity"}, "不是有效的数字"),
        ({"value": "-Infinity"}, "不是有效的数字"),
        ({"value": "1_0"}, "不是有效的数字"),
        ({"value": "-1"}, "不能为负数"),
        ({"value": "1e20"}, "不能超过"),
        ({"numerator": "1e-30", "denominator": "2"}, "最多保留 2 位小数"),
        ({"numerator": "19.5", "denominator": "20"}, "应为整数"),
        ({"numerator": "19", "denominator": "20.5"}, "应为整数"),
        ({"numerator": "21", "denominator": "20"}, "分子不能大于分母"),
        ({"numerator": "0", "denominator": "0"}, "分母为零"),
        ({"numerator": "1", "denominator": "1e20"}, "不能超过"),
    ],
)
def test_a_rate_that_would_be_stored_as_another_number_is_refused(world, figure, message):
    court = by_name(import_plan(world), "出庭应诉率")
    with pytest.raises(ValidationError, match=message):
        _report(world, court, **figure)
    assert not IndicatorValue.objects.exists()


def test_a_count_is_a_whole_number(world):
    lectures = by_name(import_plan(world), "讲座")  # 每年举办2期
    with pytest.raises(ValidationError, match="应为整数"):
        _report(world, lectures, value="1.5")
    assert _report(world, lectures, value="2.00").value == Decimal("2")


def test_a_figure_at_the_stored_precision_is_kept_exactly(world):
    court = by_name(import_plan(world), "出庭应诉率")
    row = _report(world, court, value="95.25")
    row.refresh_from_db()
    assert row.value == Decimal("95.25")


@pytest.mark.parametrize(
    ("points", "message"),
    [("1e-30", "最多保留 2 位小数"), ("NaN", "不是有效的数字"), ("2.555", "最多保留 2 位小数")],
)
def test_assessment_points_and_scores_keep_their_precision(world, points, message):
    scheme = services.scheme_create(
        actor=world.supervisor, year=2025, title="2025年度考核", units=[world.gov_a]
    )
    with pytest.raises(ValidationError, match=message):
        services.scheme_item_add(
            actor=world.supervisor, scheme_id=scheme.pk, name="整改", points=points, rule="assessor"
        )
    item = services.scheme_item_add(
        actor=world.supervisor, scheme_id=scheme.pk, name="整改", points="10", rule=Rule.ASSESSOR
    )
    with pytest.raises(ValidationError, match=message):
        services.score_set(
            actor=world.supervisor, item_id=item.pk, unit=world.gov_a, score=points, reason="好"
        )
    with pytest.raises(ValidationError, match=message):
        services.deduction_add(
            actor=world.supervisor,
            scheme_id=scheme.pk,
            unit=world.gov_a,
            points=points,
            reason="迟",
        )
    assert not AssessmentScore.objects.exists()


# --- years and dates (#13 item 13) -----------------------------------------------------


@pytest.mark.parametrize("year", [1, 1999, 30000, 99999])
def test_the_services_refuse_an_implausible_year(world, year):
    plan = import_plan(world)
    answer = by_name(plan, "答复率")
    for attempt in (
        lambda: services.year_close(actor=world.supervisor, year=year),
        lambda: services.scheme_create(actor=world.supervisor, year=year, title="考核", units=[]),
        lambda: services.annual_report_ensure(actor=world.supervisor, plan=plan, year=year),
        lambda: services.publication_publish(
            actor=world.supervisor, indicator_id=answer.pk, year=year, statement="口径"
        ),
    ):
        with pytest.raises(ValidationError, match="之间"):
            attempt()
    assert not ClosedYear.objects.exists()
    assert not AssessmentScheme.objects.exists()
    assert not AnnualReport.objects.exists()


def test_a_report_is_not_submitted_before_its_year_nor_published_before_it_was_submitted(world):
    report = services.annual_report_ensure(
        actor=world.supervisor, plan=import_plan(world), year=2025
    )
    with pytest.raises(ValidationError, match="早于"):
        services.annual_report_mark(
            actor=world.supervisor, report_id=report.pk, submitted_on=date(1990, 1, 1)
        )
    services.annual_report_mark(
        actor=world.supervisor, report_id=report.pk, submitted_on=date(2026, 2, 20)
    )
    with pytest.raises(ValidationError, match="早于"):
        services.annual_report_mark(
            actor=world.supervisor, report_id=report.pk, published_on=date(2026, 2, 1)
        )
    report.refresh_from_db()
    assert (report.submitted_on, report.published_on) == (date(2026, 2, 20), None)


# --- typed text (#13 item 3) -----------------------------------------------------------


def test_a_note_is_stored_as_typed_with_only_line_ends_and_invisibles_tidied(world):
    lectures = by_name(import_plan(world), "讲座")
    row = _report(world, lectures, value="2", note="  3月、9月各一期（见附件）\r\n共２期\u200b ")
    row.refresh_from_db()
    assert row.note == "3月、9月各一期（见附件）\n共２期"


def test_typed_text_with_a_control_character_is_refused(world):
    lectures = by_name(import_plan(world), "讲座")
    with pytest.raises(ValidationError, match="控制字符"):
        _report(world, lectures, value="2", note="一期\x07")
    with pytest.raises(ValidationError, match="控制字符"):
        services.scheme_create(actor=world.supervisor, year=2025, title="考核\x1b", units=[])
    assert not IndicatorValue.objects.exists()
    assert not AssessmentScheme.objects.exists()


def test_overlong_text_is_refused_not_cut_short(world):
    plan = import_plan(world)
    answer = by_name(plan, "答复率")
    services.indicator_recompute(indicator=answer)
    with pytest.raises(ValidationError, match="不超过 255 字"):
        services.year_close(actor=world.supervisor, year=2025, note="说" * 256)
    with pytest.raises(ValidationError, match="不超过 4000 字"):
        services.publication_publish(
            actor=world.supervisor, indicator_id=answer.pk, year=2025, statement="口" * 4001
        )
    with pytest.raises(ValidationError, match="不超过 255 字"):
        services.scheme_create(actor=world.supervisor, year=2025, title="考" * 256, units=[])
    assert not ClosedYear.objects.exists()
    assert not AssessmentScheme.objects.exists()
