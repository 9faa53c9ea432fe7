"""The 备案 period of a normative document: a DeadlineRule on the working-day calendar,
recomputed for documents not yet filed when the calendar changes. Worked by hand across
National Day 2026 (10-01–10-07 off, Sat 10-10 worked; chinese-calendar's official 2026)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from fazhi.core import services as core_services
from fazhi.core.models import AuditEvent
from fazhi.laws import services
from fazhi.laws.models import NormativeDocument
from fazhi.workdays.models import DeadlineRule, PeriodUnit
from fazhi.workdays.services import calendar_day_set, calendar_import, deadline_rule_save
from tests.conftest import PASSWORD
from tests.laws.test_normative import draft

pytestmark = pytest.mark.django_db
D = date
SHARED_2026 = Path("/work/shared/data/holidays/2026.json")


def published(world, reviewer, on: date, title: str) -> NormativeDocument:
    doc = draft(world, title)
    services.normative_register(actor=reviewer, document=doc, on=on)
    return services.normative_publish(actor=reviewer, document=doc, published_on=on)


@pytest.fixture
def reviewer(world):
    return core_services.user_create(
        actor=None, username="reviewer_a", name="陈律审", unit=world.gov_a,
        password=PASSWORD, roles=["legal_reviewer", "clerk"],
    )  # fmt: skip


def test_the_filing_rule_is_seeded_with_its_legal_basis():
    rule = DeadlineRule.objects.get(code="laws.normative_filing")
    assert (rule.amount, rule.unit) == (30, PeriodUnit.DAY)
    assert rule.legal_basis == "《江西省规范性文件备案办法》第三条"


@pytest.mark.parametrize(
    ("on", "due"),
    [
        # 09-01 + 30 days = Thu 10-01, 国庆节: the first day after the holiday, Thu 10-08.
        (D(2026, 9, 1), D(2026, 10, 8)),
        # 09-05 + 30 = Mon 10-05, inside the holiday: also Thu 10-08.
        (D(2026, 9, 5), D(2026, 10, 8)),
        # 09-10 + 30 = Sat 10-10, a 调休 working Saturday: stays.
        (D(2026, 9, 10), D(2026, 10, 10)),
        # 09-11 + 30 = Sun 10-11, an ordinary Sunday: Mon 10-12.
        (D(2026, 9, 11), D(2026, 10, 12)),
    ],
)
def test_the_filing_due_date_moves_past_national_day_2026(world, reviewer, on, due):
    doc = published(world, reviewer, on, "临川区国庆期间公布的办法")
    assert doc.filing_due_on == due


def test_the_period_is_the_rule_row_a_city_can_change(world, reviewer):
    rule = DeadlineRule.objects.get(code="laws.normative_filing")
    rule.amount = 15
    deadline_rule_save(actor=world.admin, rule=rule)
    doc = published(world, reviewer, D(2026, 9, 1), "临川区改了备案期限后公布的办法")
    assert doc.filing_due_on == D(2026, 9, 16)  # 09-01 + 15 days, a Wednesday


def test_a_calendar_change_recomputes_open_filings_only(world, reviewer):
    moving = published(world, reviewer, D(2026, 9, 1), "临川区待备案的办法")
    filed = published(world, reviewer, D(2026, 9, 2), "临川区已备案的办法")
    services.normative_file(
        actor=reviewer, document=filed, filed_on=D(2026, 9, 10), filed_with="抚州市人民政府"
    )
    spring = published(world, reviewer, D(2026, 3, 5), "临川区春季公布的办法")
    assert filed.filing_due_on == D(2026, 10, 8)
    # A local closure on Thu 10-08: the open filing moves to Fri 10-09.
    calendar_day_set(actor=world.admin, day=D(2026, 10, 8), is_workday=False, name="本地停工")
    for doc in (moving, filed, spring):
        doc.refresh_from_db()
    assert moving.filing_due_on == D(2026, 10, 9)
    assert filed.filing_due_on == D(2026, 10, 8)  # filed on time: its record is kept
    assert spring.filing_due_on == D(2026, 4, 7)
    event = AuditEvent.objects.get(action="laws.filing_due_recomputed")
    assert event.before == {"filing_due_on": "2026-10-08"}
    assert event.after == {"filing_due_on": "2026-10-09"}


def test_importing_a_holiday_year_recomputes_open_filings(world, reviewer):
    if not SHARED_2026.exists():
        pytest.skip(f"缺少参考资料 {SHARED_2026}")
    doc = published(world, reviewer, D(2026, 9, 1), "临川区待备案的办法")
    data = json.loads(SHARED_2026.read_text(encoding="utf-8"))
    data["days"].append({"name": "国庆节", "date": "2026-10-08", "isOffDay": True})
    data["days"].append({"name": "国庆节", "date": "2026-10-09", "isOffDay": True})
    result = calendar_import(
        actor=world.admin, text=json.dumps(data, ensure_ascii=False), filename="2026.json"
    )
    assert result.recomputed["laws.filing"] == 1
    doc.refresh_from_db()
    assert doc.filing_due_on == D(2026, 10, 10)  # the worked Saturday after the holiday
