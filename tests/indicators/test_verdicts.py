"""A verdict over units says how partial it is: a self-reported indicator reads 达标 only once
every unit that owes a figure has reported (dashboard, indicator page, report, 指标佐证)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document

from fazhi.core import services as core_services
from fazhi.indicators import selectors, services
from fazhi.indicators.models import Status, Verdict, verdict_over_units
from tests.conftest import PASSWORD, client_for
from tests.indicators.helpers import by_name, import_plan

pytestmark = pytest.mark.django_db


def _lectures(world, *reports):
    """讲座 (每年2期: exactly 2) owed by 市司法局, 临川区 and 南城县; ``reports``: (clerk, unit, value)."""
    plan = import_plan(world)
    lectures = by_name(plan, "讲座")
    for clerk, unit, value in reports:
        services.indicator_value_report(
            actor=clerk, indicator_id=lectures.pk, unit=unit, year=2025, value=value
        )
    return plan, lectures


def _row_html(world, code: str) -> str:
    page = client_for(world.supervisor).get(reverse("indicators:dashboard") + "?year=2025")
    text = page.content.decode()
    start = text.index(f'data-indicator="{code}"')
    return text[start : text.index("</tr>", start)]


def _justice_clerk(world):
    return core_services.user_create(
        actor=None, username="clerk_j", name="李司法", unit=world.justice, password=PASSWORD,
        roles=["clerk"],
    )  # fmt: skip


def test_one_unit_of_three_meeting_the_target_reads_incomplete_not_met(world):
    _plan, lectures = _lectures(world, (world.clerk_a, world.gov_a, "2"))
    row = _row_html(world, "2.1")
    assert "数据不全" in row
    assert "仅 1/3 个单位报送，已报送的均达标" in row
    assert "1/3 个单位已填报" in row
    assert ">达标<" not in row
    page = client_for(world.supervisor).get(reverse("indicators:dashboard") + "?year=2025")
    assert '<div class="card-value" data-count="met">0</div>' in page.content.decode()
    assert '<div class="card-value" data-count="partial">1</div>' in page.content.decode()
    detail = client_for(world.supervisor).get(
        reverse("indicators:indicator", args=[lectures.pk]) + "?year=2025"
    )
    assert "仅 1/3 个单位报送，已报送的均达标" in detail.content.decode()


def test_a_unit_below_target_reads_unmet_and_says_how_many_reported(world):
    _lectures(world, (world.clerk_a, world.gov_a, "2"), (world.clerk_b, world.gov_b, "1"))
    row = _row_html(world, "2.1")
    assert "未达标" in row
    assert "仅 2/3 个单位报送" in row


def test_every_unit_reporting_and_meeting_the_target_reads_met(world):
    _lectures(
        world,
        (world.clerk_a, world.gov_a, "2"),
        (world.clerk_b, world.gov_b, "2"),
        (_justice_clerk(world), world.justice, "2"),
    )
    row = _row_html(world, "2.1")
    assert ">达标<" in row
    assert "data-coverage" not in row


def test_the_annual_report_gives_the_coverage_of_a_partial_verdict(world):
    plan, _ = _lectures(world, (world.clerk_a, world.gov_a, "2"))
    data = (
        client_for(world.supervisor)
        .get(reverse("indicators:report_docx", args=[plan.pk, 2025]))
        .content
    )
    doc = Document(io.BytesIO(data))
    cells = [c.text for row in doc.tables[0].rows for c in row.cells]
    assert "1/3 个单位达标" in cells
    assert "数据不全（仅 1/3 个单位报送，已报送的均达标），单位自报" in cells
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "2025年1/3 个单位达标，数据不全（仅 1/3 个单位报送，已报送的均达标）。" in text


def test_the_public_page_shows_a_self_reported_indicator_with_its_coverage(world):
    _plan, lectures = _lectures(world, (world.clerk_a, world.gov_a, "2"))
    pub = services.publication_publish(
        actor=world.supervisor, indicator_id=lectures.pk, year=2025, statement="各单位自报"
    )
    assert (pub.units_owed, pub.units_reported, pub.units_met, pub.status) == (
        3,
        1,
        1,
        Status.PARTIAL,
    )
    index = Client().get(reverse("indicators:public_index") + "?year=2025").content.decode()
    assert "1/3 个单位达标" in index
    assert "数据不全（仅 1/3 个单位报送，已报送的均达标）" in index
    detail = Client().get(reverse("indicators:public_detail", args=[2025, pub.pk]))
    assert "数据不全（仅 1/3 个单位报送，已报送的均达标）" in detail.content.decode()


def test_the_share_of_units_meeting_the_target_counts_the_units_that_did_not_report(world):
    _plan, lectures = _lectures(world, (world.clerk_a, world.gov_a, "2"))
    row = selectors.row_for(world.supervisor, lectures, 2025)
    assert dict(row.share_trend)[2025] == Decimal("33.33")  # 1 of 3, not 1 of 1


def test_a_computed_total_is_complete_by_construction():
    assert Verdict(Status.MET).text == "达标"
    assert verdict_over_units([Status.MET, Status.MET], 2).text == "达标"
    assert verdict_over_units([], 14).text == "无数据"
    assert verdict_over_units([Status.MET], 14).text == (
        "数据不全（仅 1/14 个单位报送，已报送的均达标）"
    )
    assert verdict_over_units([Status.MET, Status.UNMET], 14).text == "未达标（仅 2/14 个单位报送）"
