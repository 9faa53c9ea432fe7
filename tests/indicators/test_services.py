"""Indicators from plan targets, self-reported values, closed years, publication."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fazhi.core.models import AuditEvent
from fazhi.indicators import registry, services
from fazhi.indicators.models import ClosedYear, Indicator, IndicatorValue, Kind, Status
from fazhi.indicators.services import Upload
from tests.indicators.helpers import by_name, import_plan

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7 evidence"


def test_the_import_turns_each_target_into_an_indicator_in_its_transaction(world):
    plan = import_plan(world)
    found = list(Indicator.objects.filter(plan=plan).order_by("code"))
    assert [(i.code, i.kind) for i in found] == [
        ("1.1", Kind.COMPUTED),
        ("2.1", Kind.SELF_REPORTED),
        ("3.1", Kind.SELF_REPORTED),
    ]
    answer = found[0]
    assert answer.source_key == "disclosure.answer_rate"
    assert (answer.first_year, answer.last_year) == (2024, 2026)
    assert answer.target_text == "不低于100%"
    assert set(answer.units.all()) == {world.justice, world.gov_a, world.gov_b}
    assert AuditEvent.objects.filter(action="indicator.create").count() == 3


def test_the_seed_targets_all_become_indicators(world, seed_text):
    plan = import_plan(world, seed_text)
    indicators = Indicator.objects.filter(plan=plan)
    assert indicators.count() == 12
    assert (indicators.first().first_year, indicators.first().last_year) == (2022, 2025)
    computed = indicators.filter(kind=Kind.COMPUTED)
    assert [i.name for i in computed] == ["对符合法定条件要求的依申请公开政府信息的答复率"]


def test_a_unit_reports_its_own_value_with_evidence(world):
    plan = import_plan(world)
    lectures = by_name(plan, "讲座")
    row = services.indicator_value_report(
        actor=world.clerk_a,
        indicator_id=lectures.pk,
        unit=world.gov_a,
        year=2025,
        value="2",
        note="3月、9月各一期",
        files=[Upload("讲座通知.pdf", PDF)],
    )
    assert (row.value, row.status, row.kind) == (Decimal("2.00"), Status.MET, Kind.SELF_REPORTED)
    assert row.owner_unit == world.gov_a
    assert [e.name for e in row.evidence.all()] == ["讲座通知.pdf"]


def test_it_refuses_a_value_entered_for_another_unit(world):
    plan = import_plan(world)
    lectures = by_name(plan, "讲座")
    with pytest.raises(ValidationError, match="不能替其他单位填报"):
        services.indicator_value_report(
            actor=world.clerk_a, indicator_id=lectures.pk, unit=world.gov_b, year=2025, value="2"
        )
    assert not IndicatorValue.objects.exists()
    assert AuditEvent.objects.filter(action="indicator_value.refused").exists()


def test_a_zero_denominator_is_refused_with_a_chinese_message(world):
    plan = import_plan(world)
    court = by_name(plan, "出庭应诉率")
    with pytest.raises(ValidationError, match="分母为零"):
        services.indicator_value_report(
            actor=world.clerk_a,
            indicator_id=court.pk,
            unit=world.gov_a,
            year=2025,
            numerator="0",
            denominator="0",
        )
    assert not IndicatorValue.objects.exists()


def test_a_ratio_is_computed_from_numerator_and_denominator(world):
    plan = import_plan(world)
    court = by_name(plan, "出庭应诉率")
    row = services.indicator_value_report(
        actor=world.clerk_a,
        indicator_id=court.pk,
        unit=world.gov_a,
        year=2025,
        numerator="19",
        denominator="20",
    )
    assert (row.value, row.status) == (Decimal("95.00"), Status.MET)
    row = services.indicator_value_report(
        actor=world.clerk_a,
        indicator_id=court.pk,
        unit=world.gov_a,
        year=2025,
        numerator="18",
        denominator="20",
    )
    assert (row.value, row.status, row.version) == (Decimal("90.00"), Status.UNMET, 1)
    assert IndicatorValue.objects.count() == 1  # an open year's figure is updated in place


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("病毒.exe", b"MZ", "类型不支持"),
        ("假的.pdf", b"GIF89a", "内容与扩展名不符"),
        ("空.pdf", b"", "空文件"),
    ],
)
def test_bad_evidence_is_refused_and_nothing_is_kept(world, name, data, message):
    plan = import_plan(world)
    lectures = by_name(plan, "讲座")
    with pytest.raises(ValidationError, match=message):
        services.indicator_value_report(
            actor=world.clerk_a,
            indicator_id=lectures.pk,
            unit=world.gov_a,
            year=2025,
            value="1",
            files=[Upload(name, data)],
        )
    assert not IndicatorValue.objects.exists()


def test_a_closed_year_refuses_reports_and_keeps_old_versions_on_revision(world):
    plan = import_plan(world)
    lectures = by_name(plan, "讲座")
    first = services.indicator_value_report(
        actor=world.clerk_a, indicator_id=lectures.pk, unit=world.gov_a, year=2025, value="1"
    )
    services.year_close(actor=world.supervisor, year=2025)
    with pytest.raises(ValidationError, match="2025年度已关闭"):
        services.indicator_value_report(
            actor=world.clerk_a, indicator_id=lectures.pk, unit=world.gov_a, year=2025, value="2"
        )
    with pytest.raises(ValidationError, match="必须填写理由"):
        services.indicator_value_revise(
            actor=world.supervisor, value_id=first.pk, reason=" ", value="2"
        )
    revised = services.indicator_value_revise(
        actor=world.supervisor, value_id=first.pk, reason="补报9月讲座通知", value="2"
    )
    first.refresh_from_db()
    assert (first.is_current, first.value) == (False, Decimal("1.00"))
    assert (revised.version, revised.value, revised.reason) == (
        2,
        Decimal("2.00"),
        "补报9月讲座通知",
    )


def test_a_clerk_may_not_close_a_year(world):
    with pytest.raises(PermissionDenied):
        services.year_close(actor=world.clerk_a, year=2025)
    assert not ClosedYear.objects.exists()


def test_a_ratio_with_no_denominator_is_no_data_not_zero():
    figure = registry.Value.ratio(0, 0)
    assert figure.value is None
    assert registry.Value.ratio(1, 3).value == Decimal("33.33")


def test_publication_copies_only_the_total(world):
    plan = import_plan(world)
    answer = by_name(plan, "答复率")
    with pytest.raises(ValidationError, match="尚无合计数值"):
        services.publication_publish(
            actor=world.supervisor, indicator_id=answer.pk, year=2025, statement="口径"
        )
    services.indicator_recompute(indicator=answer)
    pub = services.publication_publish(
        actor=world.supervisor, indicator_id=answer.pk, year=2025, statement="按收到申请之日计"
    )
    assert (pub.value, pub.status) == (None, Status.NO_DATA)


def test_an_item_is_removed_until_it_has_scores_and_a_scheme_is_copied_to_the_next_year(world):
    from fazhi.indicators.models import AssessmentItem, AssessmentScheme

    scheme = services.scheme_create(
        actor=world.supervisor, year=2026, title="2026年度考核", units=[world.gov_a, world.gov_b]
    )
    kept = services.scheme_item_add(
        actor=world.supervisor, scheme_id=scheme.pk, name="法治讲座", points="5", rule="assessor"
    )
    dropped = services.scheme_item_add(
        actor=world.supervisor, scheme_id=scheme.pk, name="临时项目", points="3", rule="assessor"
    )
    services.scheme_item_remove(actor=world.supervisor, item_id=dropped.pk)
    assert list(scheme.items.values_list("name", "position")) == [("法治讲座", 1)]
    services.score_set(
        actor=world.supervisor, item_id=kept.pk, unit=world.gov_a, score="4", reason="办了一期"
    )
    with pytest.raises(ValidationError, match="已有评分"):
        services.scheme_item_remove(actor=world.supervisor, item_id=kept.pk)
    copy = services.scheme_copy(
        actor=world.supervisor, from_scheme_id=scheme.pk, year=2027, title="2027年度考核"
    )
    assert set(copy.units.all()) == {world.gov_a, world.gov_b}
    assert list(copy.items.values_list("name", "points")) == [("法治讲座", kept.points)]
    assert not AssessmentItem.objects.filter(scheme=copy, scores__isnull=False).exists()
    assert AssessmentScheme.objects.count() == 2
    with pytest.raises(PermissionDenied):
        services.scheme_item_remove(actor=world.clerk_a, item_id=kept.pk)
