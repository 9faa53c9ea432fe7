"""Holiday-file imports: whole-file refusal with the line named, idempotence, recomputation."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fazhi.core.models import AuditEvent
from fazhi.workdays import index, services
from fazhi.workdays.deadlines import compute_due
from fazhi.workdays.models import CalendarDay, CalendarStatus, CalendarYear
from fazhi.workdays.registry import register_due_recomputer, unregister_due_recomputer

pytestmark = pytest.mark.django_db

SHARED = Path("/work/shared/data/holidays")
D = date.fromisoformat


def holiday_json(
    year: int, days: list[tuple[str, str, bool]], papers=("https://example.gov.cn/x",)
) -> str:
    """A file in the holiday-cn layout, one field per line like the published files."""
    return json.dumps(
        {
            "year": year,
            "papers": list(papers),
            "days": [{"name": n, "date": d, "isOffDay": off} for n, d, off in days],
        },
        ensure_ascii=False,
        indent=4,
    )


# A made-up 2027 schedule for tests only (the real one is unpublished): 元旦 1/1–1/3,
# 春节 2/5–2/11 with Sat 2/13 worked.
FAKE_2027 = [
    ("元旦", "2027-01-01", True),
    ("元旦", "2027-01-02", True),
    ("元旦", "2027-01-03", True),
]
FAKE_2027 += [("春节", f"2027-02-{d:02d}", True) for d in range(5, 12)]
FAKE_2027 += [("春节", "2027-02-13", False)]


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_a_fallback_year_becomes_official_and_its_due_dates_complete(world):
    before = compute_due(start=D("2027-01-29"), amount=10, unit="workday")
    assert (before.due, before.calendar_complete) == (D("2027-02-12"), False)
    result = services.calendar_import(
        actor=world.admin, text=holiday_json(2027, FAKE_2027), filename="2027.json"
    )
    assert result.changed
    assert result.year == 2027
    assert CalendarYear.objects.get(year=2027).status == CalendarStatus.OFFICIAL
    # 2/1–2/4 (4), 2/5–2/11 off, 2/12 (5), Sat 2/13 worked (6), 2/15–2/18 (7–10).
    after = compute_due(start=D("2027-01-29"), amount=10, unit="workday")
    assert (after.due, after.calendar_complete) == (D("2027-02-18"), True)
    assert "2027-02-13（星期六）春节调休上班" in "\n".join(after.explanation)
    event = AuditEvent.objects.get(action="calendar.imported")
    # 1/1 was a stored fallback day (updated); 清明、劳动节、国庆节 fallback days go (6).
    assert event.actor == world.admin
    audit_after = event.after or {}
    counts = (audit_after["created"], audit_after["updated"], audit_after["deleted"])
    assert counts == (10, 1, 6)


def test_importing_the_same_file_twice_changes_nothing_the_second_time(world):
    text = holiday_json(2027, FAKE_2027)
    services.calendar_import(actor=world.admin, text=text, filename="2027.json")
    token = index.current_token()
    rows = list(
        CalendarDay.objects.filter(date__year=2027).values_list("date", "is_workday", "name")
    )
    again = services.calendar_import(actor=world.admin, text=text, filename="2027.json")
    assert not again.changed
    assert "无变化" in again.summary()
    assert index.current_token() == token
    assert AuditEvent.objects.filter(action="calendar.imported").count() == 1
    assert (
        list(CalendarDay.objects.filter(date__year=2027).values_list("date", "is_workday", "name"))
        == rows
    )


def test_an_import_replaces_the_years_fallback_days(world):
    # The stored 2027 fallback had 清明/劳动节/国庆节; this file does not list them.
    services.calendar_import(
        actor=world.admin, text=holiday_json(2027, FAKE_2027), filename="2027.json"
    )
    assert not CalendarDay.objects.filter(date=D("2027-10-01")).exists()
    assert compute_due(start=D("2027-09-30"), amount=1, unit="workday").due == D("2027-10-01")


def _refused(text: str, filename: str = "bad.json") -> str:
    before = list(CalendarDay.objects.values_list("date", "is_workday", "name", "source"))
    token = index.current_token()
    with pytest.raises(ValidationError) as exc:
        services.calendar_import(actor=None, text=text, filename=filename)
    assert list(CalendarDay.objects.values_list("date", "is_workday", "name", "source")) == before
    assert index.current_token() == token
    assert not CalendarYear.objects.filter(year=2027, status=CalendarStatus.OFFICIAL).exists()
    return exc.value.messages[0]


def test_it_refuses_a_whole_file_naming_the_line_of_a_malformed_date(db):
    days = [*FAKE_2027[:4], ("春节", "2027-02-30", True), *FAKE_2027[4:]]
    text = holiday_json(2027, days)
    message = _refused(text)
    assert message.startswith(f"bad.json 第 {line_of(text, '2027-02-30') - 2} 行")
    assert "日期“2027-02-30”格式不正确" in message


def test_it_refuses_overlapping_entries_naming_both_lines(db):
    days = [*FAKE_2027, ("春节", "2027-02-06", False)]
    text = holiday_json(2027, days)
    message = _refused(text)
    first = line_of(text, '"2027-02-06"') - 2  # the entry starts two lines above its date
    second = text.rindex('"2027-02-06"')
    second_line = text[:second].count("\n") + 1 - 2
    assert message == (
        f"bad.json 第 {second_line} 行：日期 2027-02-06 与第 {first} 行重复（条目重叠），整个文件未导入"
    )


@pytest.mark.parametrize(
    ("mutate", "phrase"),
    [
        (lambda d: d["days"][2].pop("isOffDay"), "isOffDay 应为 true 或 false"),
        (lambda d: d["days"][2].update(name=""), "缺少节日名称"),
        (lambda d: d["days"][2].update(date="2028-01-01"), "不属于 2027 年的放假安排"),
        (lambda d: d.update(year="2027"), "year 应为"),
        (lambda d: d.update(days=[]), "放假安排尚未发布"),
    ],
)
def test_it_refuses_malformed_entries(db, mutate, phrase):
    data = json.loads(holiday_json(2027, FAKE_2027))
    mutate(data)
    message = _refused(json.dumps(data, ensure_ascii=False, indent=4))
    assert phrase in message


def test_it_refuses_broken_json_with_its_line(db):
    text = holiday_json(2027, FAKE_2027).replace('"isOffDay": false', '"isOffDay": nope')
    assert _refused(text).startswith(f"bad.json 第 {line_of(text, 'nope')} 行：不是有效的 JSON")


def test_a_clerk_cannot_import(world):
    with pytest.raises(PermissionDenied):
        services.calendar_import(
            actor=world.clerk_a, text=holiday_json(2027, FAKE_2027), filename="x.json"
        )
    assert AuditEvent.objects.filter(action="auth.permission_denied", actor=world.clerk_a).exists()


@pytest.fixture
def open_items() -> Iterator[dict[str, Any]]:
    """A test-only module storing due dates, recomputed through the registry."""
    items: dict[str, dict[str, Any]] = {
        "reply-2026": {"start": D("2026-12-20"), "amount": 20, "unit": "workday", "due": None},
        "reply-2025": {"start": D("2025-03-03"), "amount": 20, "unit": "workday", "due": None},
    }
    for item in items.values():
        item["due"] = compute_due(start=item["start"], amount=item["amount"], unit=item["unit"]).due
    calls: list[tuple[date, date]] = []

    def recompute(first: date, last: date) -> int:
        calls.append((first, last))
        changed = 0
        for item in items.values():
            if item["start"] > last or item["due"] < first:
                continue
            due = compute_due(start=item["start"], amount=item["amount"], unit=item["unit"]).due
            changed += due != item["due"]
            item["due"] = due
        return changed

    register_due_recomputer("test.items", recompute)
    yield {"items": items, "calls": calls}
    unregister_due_recomputer("test.items")


def test_an_import_recomputes_stored_due_dates_through_the_registry(world, open_items):
    items = open_items["items"]
    assert items["reply-2026"]["due"] == D("2027-01-18")
    # The fake 2027 notice adds 1/2–1/3 (a weekend anyway) — add a made-up 1/4 closure too.
    days = [*FAKE_2027, ("元旦", "2027-01-04", True)]
    result = services.calendar_import(
        actor=world.admin, text=holiday_json(2027, days), filename="2027.json"
    )
    # Other modules register their own recomputers too; ours changed exactly one item.
    assert result.recomputed["test.items"] == 1
    assert open_items["calls"] == [(D("2027-01-01"), D("2027-12-31"))]
    assert items["reply-2026"]["due"] == D("2027-01-19")
    assert items["reply-2025"]["due"] == D("2025-03-31")  # untouched
    assert "test.items 1 项" in result.summary()
    event = AuditEvent.objects.get(action="calendar.imported")
    assert (event.after or {})["recomputed"]["test.items"] == 1


def test_a_failing_recomputer_rolls_the_import_back(world):
    def broken(first: date, last: date) -> int:
        raise RuntimeError("boom")

    register_due_recomputer("test.broken", broken)
    try:
        with pytest.raises(RuntimeError):
            services.calendar_import(
                actor=world.admin, text=holiday_json(2027, FAKE_2027), filename="2027.json"
            )
    finally:
        unregister_due_recomputer("test.broken")
    assert CalendarYear.objects.get(year=2027).status == CalendarStatus.FALLBACK


def test_a_day_edit_is_seen_by_the_next_computation(world):
    assert compute_due(start=D("2026-12-01"), amount=1, unit="workday").due == D("2026-12-02")
    services.calendar_day_set(
        actor=world.admin, day=D("2026-12-02"), is_workday=False, name="测试停工"
    )
    deadline = compute_due(start=D("2026-12-01"), amount=1, unit="workday")
    assert deadline.due == D("2026-12-03")
    assert "2026-12-02（星期三）测试停工放假" in "\n".join(deadline.explanation)
    services.calendar_day_clear(actor=world.admin, day=D("2026-12-02"))
    assert compute_due(start=D("2026-12-01"), amount=1, unit="workday").due == D("2026-12-02")


def test_the_cached_index_is_reused_until_the_calendar_changes(world):
    first = index.current_calendar()
    assert index.current_calendar() is first
    services.calendar_day_set(
        actor=world.admin, day=D("2026-12-05"), is_workday=True, name="测试加班"
    )
    assert index.current_calendar() is not first


def test_the_seeded_2026_matches_the_published_count_of_248_working_days(db):
    cal = index.current_calendar()
    assert cal.workdays_between(D("2025-12-31"), D("2026-12-31")) == 248
    assert cal.is_official(2026)
    assert not cal.is_official(2027)


@pytest.mark.skipif(
    not SHARED.is_dir(), reason="../shared/data/holidays 不存在（仓库外的参考数据）"
)
def test_the_published_files_import_and_agree_with_the_seed(db):
    seeded = index.current_calendar()
    years = range(2007, 2027)
    expected = {y: seeded.workdays_between(date(y - 1, 12, 31), date(y, 12, 31)) for y in years}
    for year in years:
        path = SHARED / f"{year}.json"
        services.calendar_import(
            actor=None, text=path.read_text(encoding="utf-8"), filename=path.name
        )
    imported = index.current_calendar()
    for year in years:
        assert (
            imported.workdays_between(date(year - 1, 12, 31), date(year, 12, 31)) == expected[year]
        ), year
    # The unpublished 2027 file is refused and 2027 stays provisional.
    with pytest.raises(ValidationError, match="放假安排尚未发布"):
        services.calendar_import(
            actor=None, text=(SHARED / "2027.json").read_text(), filename="2027.json"
        )
    assert not imported.is_official(2027)


@pytest.mark.parametrize(
    "paper",
    ["javascript:alert(document.cookie)", "data:text/html,x", "//evil.example/x", "ftp://x/y"],
)
def test_a_schedule_file_may_only_link_to_web_pages(world, paper):
    with pytest.raises(ValidationError, match="不是 http\\(s\\) 网址"):
        services.calendar_import(
            actor=world.admin, text=holiday_json(2027, FAKE_2027, papers=(paper,)),
            filename="2027.json",
        )  # fmt: skip
    assert not CalendarYear.objects.filter(year=2027, status=CalendarStatus.OFFICIAL).exists()


def test_a_link_stored_before_the_check_is_not_rendered(world):
    """A year imported before links were checked keeps its row; the page shows no link."""
    from tests.conftest import client_for

    services.calendar_import(
        actor=world.admin, text=holiday_json(2027, FAKE_2027), filename="2027.json"
    )
    CalendarYear.objects.filter(year=2027).update(papers=["javascript:alert(1)"])
    html = client_for(world.clerk_a).get("/calendar/month/?m=2027-02").content.decode()
    assert "javascript:" not in html
    assert "网址无效" in html


def test_a_rule_links_only_to_web_pages_or_this_site(world):
    from fazhi.workdays.models import DeadlineRule

    rule = DeadlineRule.objects.get(code="disclosure.reply")
    rule.law_url = "javascript:alert(1)"
    with pytest.raises(ValidationError, match="http\\(s\\) 网址"):
        services.deadline_rule_save(actor=world.admin, rule=rule)
    rule.law_url = "/public/laws/"
    services.deadline_rule_save(actor=world.admin, rule=rule)
