"""Dashboard, indicator, drill-down, reporting, assessment and public pages, as the personas."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from fazhi.indicators import services
from fazhi.indicators.models import AssessmentScore, Deduction, IndicatorValue, Rule
from fazhi.indicators.services import Upload
from tests.conftest import client_for
from tests.indicators.helpers import by_name, import_plan

pytestmark = pytest.mark.django_db


def _reported(world):
    plan = import_plan(world)
    lectures = by_name(plan, "讲座")
    services.indicator_value_report(
        actor=world.clerk_a,
        indicator_id=lectures.pk,
        unit=world.gov_a,
        year=2025,
        value="1",
        note="临川区只办了一期",
        files=[Upload("临川讲座.pdf", b"%PDF-1.7")],
    )
    return plan, lectures


def test_the_dashboard_shows_each_target_with_its_state(world):
    _reported(world)
    page = client_for(world.supervisor).get(reverse("indicators:dashboard") + "?year=2025")
    text = page.content.decode()
    assert page.status_code == 200
    assert "每年举办政府领导班子法治专题讲座" in text
    assert "系统计算" in text
    assert "自报" in text
    assert "未达标" in text
    assert "无数据" in text
    assert "<svg" in text
    assert "style=" not in text


def test_a_county_sees_its_own_value_and_not_the_other_countys(world):
    _plan, lectures = _reported(world)
    url = reverse("indicators:indicator", args=[lectures.pk]) + "?year=2025"
    sup = client_for(world.supervisor).get(url).content.decode()
    own = client_for(world.clerk_a).get(url).content.decode()
    other = client_for(world.clerk_b).get(url).content.decode()
    assert "临川区只办了一期" in sup
    assert "临川区只办了一期" in own
    assert "临川区只办了一期" not in other
    assert "临川区人民政府" not in other


def test_evidence_is_downloaded_only_within_scope(world):
    _reported(world)
    evidence = IndicatorValue.objects.get().evidence.get()
    url = reverse("indicators:evidence", args=[evidence.pk])
    assert client_for(world.clerk_a).get(url).status_code == 200
    assert client_for(world.supervisor).get(url).status_code == 200
    assert client_for(world.clerk_b).get(url).status_code == 404


def test_the_report_page_takes_a_value_with_files(world):
    plan = import_plan(world)
    lectures = by_name(plan, "讲座")
    client = client_for(world.clerk_b)
    page = client.get(reverse("indicators:report_list") + "?year=2025").content.decode()
    assert "每年举办政府领导班子法治专题讲座" in page
    response = client.post(
        reverse("indicators:value_report", args=[lectures.pk]),
        {
            "year": "2025",
            "unit": str(world.gov_b.pk),
            "value": "2",
            "note": "两期",
            "files": [SimpleUploadedFile("通知.pdf", b"%PDF-1.4")],
        },
    )
    assert response.status_code == 302
    value = IndicatorValue.objects.get(unit=world.gov_b)
    assert value.value == Decimal("2.00")
    assert value.evidence.count() == 1


def test_the_report_page_refuses_another_units_value(world):
    plan = import_plan(world)
    lectures = by_name(plan, "讲座")
    response = client_for(world.clerk_b).post(
        reverse("indicators:value_report", args=[lectures.pk]),
        {"year": "2025", "unit": str(world.gov_a.pk), "value": "2"},
        follow=True,
    )
    assert "不能替其他单位填报" in response.content.decode()
    assert not IndicatorValue.objects.exists()


def test_a_clerk_may_not_open_the_assessment_or_close_a_year(world):
    for user in (world.clerk_a, world.clerk_b):
        client = client_for(user)
        assert client.get(reverse("indicators:assessment_list")).status_code == 403
        assert client.post(reverse("indicators:year_close"), {"year": "2025"}).status_code == 403


def test_assessment_scores_from_indicators_and_assessors_rank_the_counties(world):
    _plan, lectures = _reported(world)
    services.indicator_value_report(
        actor=world.clerk_b, indicator_id=lectures.pk, unit=world.gov_b, year=2025, value="2"
    )
    scheme = services.scheme_create(
        actor=world.supervisor, year=2025, title="2025年度考核", units=[world.gov_a, world.gov_b]
    )
    services.scheme_item_add(
        actor=world.supervisor,
        scheme_id=scheme.pk,
        name="法治专题讲座",
        points="10",
        rule=Rule.MET_FULL,
        indicator_id=lectures.pk,
    )
    manual = services.scheme_item_add(
        actor=world.supervisor,
        scheme_id=scheme.pk,
        name="督察整改",
        points="20",
        rule=Rule.ASSESSOR,
    )
    services.score_set(
        actor=world.supervisor, item_id=manual.pk, unit=world.gov_a, score="18", reason="整改到位"
    )
    services.score_set(
        actor=world.supervisor, item_id=manual.pk, unit=world.gov_b, score="15", reason="一项未整改"
    )
    services.deduction_add(
        actor=world.supervisor,
        scheme_id=scheme.pk,
        unit=world.gov_b,
        points="1",
        reason="报送迟延",
        files=[Upload("通报.pdf", b"%PDF-1.7")],
    )
    page = client_for(world.supervisor).get(reverse("indicators:assessment", args=[scheme.pk]))
    text = page.content.decode()
    # 临川区: 0 (1期, 未达标) + 18 = 18; 南城县: 10 + 15 - 1 = 24 → first.
    assert text.index("南城县人民政府") < text.index("临川区人民政府")
    assert "24" in text
    assert "18" in text
    assert "报送迟延" in text
    with pytest.raises(ValidationError, match="不能人工评分"):
        services.score_set(
            actor=world.supervisor, item_id=manual.pk - 1, unit=world.gov_a, score="5", reason="x"
        )
    with pytest.raises(ValidationError, match="得分应在"):
        services.score_set(
            actor=world.supervisor, item_id=manual.pk, unit=world.gov_a, score="25", reason="x"
        )
    assert AssessmentScore.objects.count() == 2
    assert Deduction.objects.count() == 1


def test_public_evidence_pages_show_only_published_totals(world):
    plan, _lectures = _reported(world)
    answer = by_name(plan, "答复率")
    services.indicator_recompute(indicator=answer)
    pub = services.publication_publish(
        actor=world.supervisor, indicator_id=answer.pk, year=2025, statement="按收到申请之日计年度"
    )
    anonymous = Client()
    index = anonymous.get(reverse("indicators:public_index") + "?year=2025")
    assert index.status_code == 200
    assert "依申请公开政府信息的答复率" in index.content.decode()
    detail = anonymous.get(reverse("indicators:public_detail", args=[2025, pub.pk]))
    assert "按收到申请之日计年度" in detail.content.decode()
    assert "临川区只办了一期" not in index.content.decode()
    assert anonymous.get(reverse("indicators:dashboard")).status_code == 302  # login first


def test_the_annual_report_dates_show_their_working_day_state(world):
    plan = import_plan(world)
    services.annual_report_ensure(actor=world.supervisor, plan=plan, year=2025)
    page = client_for(world.supervisor).get(reverse("indicators:dashboard") + "?year=2025")
    text = page.content.decode()
    assert "2026-03-01" in text
    assert "2026-04-01" in text
    assert "已超期" in text  # today (in these tests) is after 2026-04-01


def test_fazhi_tick_recomputes_the_figures(world):
    plan = import_plan(world)
    answer = by_name(plan, "答复率")
    call_command("tick")
    assert IndicatorValue.objects.filter(indicator=answer, unit=None).count() == 3  # 2024–2026


def test_the_assessment_pages_remove_an_item_and_copy_a_scheme(world):
    supervisor = client_for(world.supervisor)
    scheme = services.scheme_create(
        actor=world.supervisor, year=2025, title="2025年度考核", units=[world.gov_a]
    )
    item = services.scheme_item_add(
        actor=world.supervisor, scheme_id=scheme.pk, name="临时项目", points="3", rule=Rule.ASSESSOR
    )
    url = reverse("indicators:assessment_item_remove", args=[scheme.pk, item.pk])
    assert client_for(world.clerk_a).post(url).status_code == 403
    page = supervisor.get(reverse("indicators:assessment", args=[scheme.pk])).content.decode()
    assert url in page
    assert supervisor.post(url).status_code == 302
    assert not scheme.items.exists()
    response = supervisor.post(
        reverse("indicators:assessment_create"),
        {"year": "2026", "title": "2026年度考核", "copy_from": str(scheme.pk)},
    )
    assert response.status_code == 302
    copied = scheme.__class__.objects.get(year=2026)
    assert list(copied.units.all()) == [world.gov_a]
