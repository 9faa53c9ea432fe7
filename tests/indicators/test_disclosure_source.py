"""依申请公开答复率 from real disclosure requests: a changed request changes the stored figure."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from fazhi.indicators import services
from fazhi.indicators.models import IndicatorValue, Status
from tests.conftest import client_for
from tests.disclosure.helpers import act, register
from tests.indicators.helpers import by_name, import_plan

pytestmark = pytest.mark.django_db


def _figure(indicator, unit=None, year=2026):
    return IndicatorValue.objects.get(indicator=indicator, year=year, unit=unit, is_current=True)


def test_the_answer_rate_follows_the_requests(world, django_capture_on_commit_callbacks):
    plan = import_plan(world)
    answer = by_name(plan, "答复率")
    services.indicator_recompute(indicator=answer)
    assert _figure(answer).status == Status.NO_DATA  # no requests: 无数据, never 0%
    assert _figure(answer).value is None

    with django_capture_on_commit_callbacks(execute=True):
        request = register(world, on=date(2026, 9, 1))
    # Received 09-01, 20 working days passed unanswered: owed a reply, not given.
    a = _figure(answer, world.gov_a)
    assert (a.numerator, a.denominator, a.value, a.status) == (
        Decimal(0),
        Decimal(1),
        Decimal("0.00"),
        Status.UNMET,
    )

    with django_capture_on_commit_callbacks(execute=True):
        act(world, request, "reply", date(2026, 10, 20), reply_type="public", reply_text="予以公开")
    a = _figure(answer, world.gov_a)
    assert (a.value, a.status) == (Decimal("100.00"), Status.MET)
    assert _figure(answer).value == Decimal("100.00")
    assert _figure(answer, world.gov_b).status == Status.NO_DATA


def test_the_drill_down_lists_the_requests_behind_the_number(
    world, django_capture_on_commit_callbacks
):
    plan = import_plan(world)
    answer = by_name(plan, "答复率")
    with django_capture_on_commit_callbacks(execute=True):
        register(world, on=date(2026, 9, 1), applicant_name="赵某")
    url = reverse("indicators:records", args=[answer.pk, 2026]) + f"?unit={world.gov_a.pk}"
    page = client_for(world.clerk_a).get(url).content.decode()
    assert "临川区人民政府" in page
    assert "逾期未答复" in page
    assert client_for(world.clerk_b).get(url).status_code == 404
    assert "逾期未答复" in client_for(world.supervisor).get(url).content.decode()


def test_a_closed_year_keeps_its_figure_when_requests_change(
    world, django_capture_on_commit_callbacks
):
    plan = import_plan(world)
    answer = by_name(plan, "答复率")
    with django_capture_on_commit_callbacks(execute=True):
        request = register(world, on=date(2026, 9, 1))
    services.year_close(actor=world.supervisor, year=2026)
    with django_capture_on_commit_callbacks(execute=True):
        act(world, request, "reply", date(2026, 10, 20), reply_type="public", reply_text="予以公开")
    assert _figure(answer, world.gov_a).value == Decimal("0.00")
