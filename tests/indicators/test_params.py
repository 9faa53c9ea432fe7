"""Ids and years from query strings and forms: huge or odd values are a 404 or a message,
never a 500, and change nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fazhi.core.models import AuditEvent
from fazhi.indicators import services
from fazhi.indicators.models import (
    AnnualReport,
    AssessmentScheme,
    AssessmentScore,
    ClosedYear,
    Deduction,
    IndicatorValue,
    Rule,
)
from tests.conftest import client_for
from tests.indicators.helpers import by_name, import_plan

pytestmark = pytest.mark.django_db

# Beyond SQLite's 64-bit integers; a superscript ("²".isdigit() is True, int("²") raises);
# Arabic-Indic digits; a negative, a fraction, a hex literal, an overlong run of zeros.
ODD = ["99999999999999999999", "²", "١٢", "-1", "1.5", "0x10", "0" * 30 + "1", " "]


@pytest.fixture
def setting(world):
    plan = import_plan(world)
    scheme = services.scheme_create(
        actor=world.supervisor, year=2025, title="2025年度考核", units=[world.gov_a, world.gov_b]
    )
    item = services.scheme_item_add(
        actor=world.supervisor,
        scheme_id=scheme.pk,
        name="督察整改",
        points="20",
        rule=Rule.ASSESSOR,
    )
    return plan, by_name(plan, "讲座"), scheme, item


def _written() -> tuple[int, ...]:
    return (
        IndicatorValue.objects.count(),
        ClosedYear.objects.count(),
        AssessmentScheme.objects.count(),
        AssessmentScore.objects.count(),
        Deduction.objects.count(),
        AnnualReport.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.mark.parametrize("odd", ODD)
def test_odd_years_and_units_in_query_strings_are_not_a_500(world, setting, odd):
    _plan, lectures, _scheme, _item = setting
    client = client_for(world.supervisor)
    for url, expected in (
        (reverse("indicators:dashboard") + f"?year={odd}", {200}),
        (reverse("indicators:report_list") + f"?year={odd}", {200}),
        (reverse("indicators:indicator", args=[lectures.pk]) + f"?year={odd}", {200}),
        (reverse("indicators:records", args=[lectures.pk, 2025]) + f"?unit={odd}", {200, 404}),
        (reverse("indicators:public_index") + f"?year={odd}", {200}),
    ):
        assert client.get(url).status_code in expected, url


@pytest.mark.parametrize("odd", ODD)
def test_odd_ids_and_years_in_forms_change_nothing(world, setting, odd):
    plan, lectures, scheme, item = setting
    client = client_for(world.supervisor)
    clerk = client_for(world.clerk_a)
    unit = str(world.gov_a.pk)
    before = _written()
    for who, name, args, data in (
        (clerk, "value_report", [lectures.pk], {"year": odd, "unit": unit, "value": "1"}),
        (clerk, "value_report", [lectures.pk], {"year": "2025", "unit": odd, "value": "1"}),
        (client, "year_close", [], {"year": odd}),
        (client, "assessment_create", [], {"year": odd, "title": "考核"}),
        (client, "assessment_create", [], {"year": "2026", "title": "考核", "units": [odd]}),
        (client, "assessment_create", [], {"year": "2026", "title": "考核", "copy_from": odd}),
        (client, "assessment_item_add", [scheme.pk],
         {"name": "讲座", "points": "5", "rule": Rule.MET_FULL, "indicator": odd}),
        (client, "assessment_score", [scheme.pk],
         {"item": odd, "unit": unit, "score": "5", "reason": "好"}),
        (client, "assessment_score", [scheme.pk],
         {"item": str(item.pk), "unit": odd, "score": "5", "reason": "好"}),
        (client, "assessment_deduct", [scheme.pk], {"unit": odd, "points": "1", "reason": "迟"}),
        (client, "report_track", [], {"plan": odd, "year": "2025"}),
        (client, "report_track", [], {"plan": str(plan.pk), "year": odd}),
    ):  # fmt: skip
        response = who.post(reverse(f"indicators:{name}", args=args), data)
        assert response.status_code in (302, 400, 404), (name, data)
    assert _written() == before


def test_a_year_far_outside_the_plausible_range_is_refused_with_a_message(world, setting):
    plan, _lectures, _scheme, _item = setting
    client = client_for(world.supervisor)
    for name, data in (
        ("year_close", {"year": "1"}),
        ("assessment_create", {"year": "30000", "title": "考核"}),
        ("report_track", {"plan": str(plan.pk), "year": "99999"}),
    ):
        page = client.post(reverse(f"indicators:{name}"), data, follow=True).content.decode()
        assert f"应在 {services.MIN_YEAR}—" in page, name
    assert not ClosedYear.objects.exists()
    assert not AnnualReport.objects.exists()
    assert AssessmentScheme.objects.count() == 1
