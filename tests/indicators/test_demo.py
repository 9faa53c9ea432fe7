"""The demo loader and the `fazhi indicators` command."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fazhi.core.demo import load_demo
from fazhi.indicators.demo import load_demo_indicators
from fazhi.indicators.models import (
    AssessmentScheme,
    ClosedYear,
    Indicator,
    IndicatorValue,
    Kind,
)
from tests.indicators.helpers import import_plan

pytestmark = pytest.mark.django_db


def test_the_demo_loads_once_and_again_changes_nothing():
    load_demo()
    first = load_demo_indicators()
    assert "新填报 6 项" in first
    counts = (Indicator.objects.count(), IndicatorValue.objects.count())
    assert Indicator.objects.filter(kind=Kind.COMPUTED).count() == 1
    assert AssessmentScheme.objects.get(year=2026).items.count() == 4
    again = load_demo_indicators()
    assert "新填报 0 项" in again
    assert (Indicator.objects.count(), IndicatorValue.objects.count()) == counts


def test_the_demo_says_what_it_needs_without_the_core_demo():
    assert "fazhi demo" in load_demo_indicators()


def test_the_command_recomputes_and_closes_a_year(world):
    import_plan(world)
    out = StringIO()
    call_command("indicators", "recompute", "--year", "2025", stdout=out)
    assert "4 项数值有变化" in out.getvalue()  # the total and three units, each 无数据
    again = StringIO()
    call_command("indicators", "recompute", "--year", "2025", stdout=again)
    assert "0 项数值有变化" in again.getvalue()
    call_command("indicators", "close-year", "2025", stdout=out)
    assert ClosedYear.objects.filter(year=2025).exists()
    with pytest.raises(CommandError, match="已经关闭"):
        call_command("indicators", "close-year", "2025", stdout=out)


def test_sync_creates_indicators_for_targets_imported_before(world):
    plan = import_plan(world)
    Indicator.objects.filter(plan=plan).delete()
    out = StringIO()
    call_command("indicators", "sync", stdout=out)
    assert "补建指标：3 项" in out.getvalue()
    assert Indicator.objects.filter(plan=plan).count() == 3
