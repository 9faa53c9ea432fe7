"""答复率 / 按期答复率 per unit and year, the drill-down, and the annual report table."""

from __future__ import annotations

import io

import openpyxl
import pytest

from fazhi.disclosure import selectors, services
from fazhi.disclosure.models import ApplicantType
from tests.conftest import client_for
from tests.disclosure.helpers import D, act, register

pytestmark = pytest.mark.django_db
TODAY = D(2026, 11, 30)


@pytest.fixture
def requests_2026(world):
    services.desk_set(actor=None, unit=world.gov_a)
    services.desk_set(actor=None, unit=world.gov_b)
    on_time = register(world, on=D(2026, 9, 24))  # due 10-29
    act(world, on_time, "reply", D(2026, 10, 20), reply_type="public", reply_text="公开")
    late = register(world, on=D(2026, 9, 28), applicant_name="王芳",  # due 10-30
                    applicant_type=ApplicantType.BUSINESS)  # fmt: skip
    act(world, late, "reply", D(2026, 11, 2), reply_type="not_held", reply_text="不掌握")
    overdue = register(world, on=D(2026, 9, 28), applicant_name="赵强")  # due 10-30, no reply
    withdrawn = register(world, on=D(2026, 9, 29), applicant_name="钱伟")
    act(world, withdrawn, "withdraw", D(2026, 9, 30), reason="撤回")
    running = register(world, on=D(2026, 11, 20), applicant_name="孙丽")  # not yet due
    carried = register(world, on=D(2025, 12, 22), applicant_name="周杰")  # 2025, replied 2026
    act(world, carried, "reply", D(2026, 1, 9), reply_type="partial", reply_text="部分公开")
    return {"on_time": on_time, "late": late, "overdue": overdue, "running": running}


def _rate(rates, unit):
    return next(r for r in rates if r.unit == unit)


def test_answer_rates_count_only_what_is_owed_a_reply(world, requests_2026):
    rates = selectors.answer_rates(user=world.supervisor, year=2026, today=TODAY)
    a = _rate(rates, world.gov_a)
    # received 5 in 2026; owed: on_time + late (answered) + overdue (past due, unanswered).
    assert (a.received, a.expected, a.answered, a.answered_on_time) == (5, 3, 2, 1)
    assert a.rate == pytest.approx(2 / 3)
    assert a.on_time_rate == pytest.approx(1 / 3)
    b = _rate(rates, world.gov_b)
    assert (b.received, b.rate, b.on_time_rate) == (0, None, None)
    # A county clerk sees only their own unit.
    assert [r.unit for r in selectors.answer_rates(user=world.clerk_b, year=2026)] == [world.gov_b]


def test_the_drill_down_gives_the_records_behind_each_number(world, requests_2026):
    def names(measure):
        rows = selectors.rate_records(
            user=world.supervisor, year=2026, measure=measure, today=TODAY
        )
        return sorted(rows.values_list("applicant_name", flat=True))

    assert names("late") == ["王芳", "赵强"]
    assert names("answered_on_time") == ["李明"]
    assert len(names("expected")) == 3
    assert selectors.rate_records(user=world.clerk_b, year=2026, measure="received").count() == 0
    page = client_for(world.supervisor).get("/disclosure/figures/records/?year=2026&measure=late")
    assert "赵强" in page.content.decode()


def test_the_annual_table_balances_and_exports(world, requests_2026):
    table = selectors.annual_table(user=world.supervisor, year=2026)
    rows = {row.key: row for row in table.rows()}
    assert rows["new"].total == 5
    assert rows["new"].cells[1] == 1  # one 商业企业
    assert rows["carried_in"].total == 1
    assert rows["public"].total == 1
    assert rows["partial"].total == 1
    assert rows["not_held"].total == 1
    assert rows["unable"].total == 1
    assert rows["other"].total == 1  # the withdrawal
    assert rows["total"].total == 4
    assert rows["carried_out"].total == 2  # overdue and running
    # The report's own check: new + carried in = results + carried out.
    assert (
        rows["new"].total + rows["carried_in"].total
        == rows["total"].total + rows["carried_out"].total
    )
    response = client_for(world.supervisor).get("/disclosure/figures/?year=2026&format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = {row[0]: row[-1] for row in sheet.iter_rows(values_only=True) if row[0]}
    assert values["一、本年新收政府信息公开申请数量"] == 5
    assert values["（七）总计"] == 4
    empty = selectors.annual_table(user=world.clerk_b, year=2026)
    assert empty.new.total == 0


def test_the_figures_page_shows_a_dash_not_zero_percent(world, requests_2026):
    page = client_for(world.supervisor).get("/disclosure/figures/?year=2026").content.decode()
    row_b = page.split(f'data-unit="{world.gov_b.pk}"')[1].split("</tr>")[0]
    assert "南城县人民政府" in row_b
    assert "—" in row_b
    assert "%" not in row_b
    assert "67%" in page.split(f'data-unit="{world.gov_a.pk}"')[1].split("</tr>")[0]
