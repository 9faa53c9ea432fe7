"""Calendar and rules pages: everyone signed in reads them; only 维护工作日历 may change them."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fazhi.core.models import AuditEvent, User
from fazhi.workdays.models import CalendarDay, CalendarStatus, CalendarYear
from tests.conftest import World, client_for

pytestmark = pytest.mark.django_db

FILE_2027 = (
    '{"year": 2027, "papers": [], "days": [\n'
    '{"name": "元旦", "date": "2027-01-01", "isOffDay": true},\n'
    '{"name": "春节", "date": "2027-02-06", "isOffDay": true}\n]}'
).encode()


def personas(world: World) -> list[User]:
    return [world.supervisor, world.clerk_a, world.clerk_b]


def test_every_persona_sees_the_month_with_holidays_and_makeup_days(world):
    for user in personas(world):
        response = client_for(user).get("/calendar/month/?m=2026-10")
        assert response.status_code == 200
        html = response.content.decode()
        assert 'data-date="2026-10-01" data-kind="holiday"' in html
        assert 'data-date="2026-10-10" data-kind="makeup"' in html
        assert "国庆节调休上班" in html
        assert "data-provisional" not in html
        assert "导入放假安排" not in html  # no MANAGE_CALENDAR


def test_a_provisional_year_shows_a_banner(world):
    html = client_for(world.clerk_a).get("/calendar/month/?m=2027-02").content.decode()
    assert 'data-provisional="2027"' in html
    assert "2027年尚未导入官方放假安排" in html


def test_a_bad_month_falls_back_to_this_month_with_a_message(world):
    response = client_for(world.clerk_b).get("/calendar/month/?m=2026-13", follow=True)
    assert response.status_code == 200
    assert "月份“2026-13”格式不正确" in response.content.decode()


def test_the_rules_page_lists_legal_basis_and_the_calculator_explains(world):
    for user in personas(world):
        response = client_for(user).get(
            "/calendar/rules/", {"start": "2026-09-28", "rule": "reconsideration.acceptance_review"}
        )
        html = response.content.decode()
        assert response.status_code == 200
        assert "《政府信息公开条例》第三十三条" in html
        assert 'data-due="2026-10-10"' in html
        assert "第 5 个工作日为 2026-10-10（星期六，国庆节调休上班日）" in html


def test_the_calculator_shows_a_chinese_error_for_an_incomplete_form(world):
    html = (
        client_for(world.clerk_a).get("/calendar/rules/", {"start": "2026-09-28"}).content.decode()
    )
    assert "请选择期限规则，或填写期限数量和单位" in html
    assert "data-due" not in html


def test_an_admin_uploads_a_schedule_and_the_year_becomes_official(world):
    client = client_for(world.admin)
    assert "导入放假安排" in client.get("/calendar/month/").content.decode()
    upload = SimpleUploadedFile("2027.json", FILE_2027, content_type="application/json")
    response = client.post("/calendar/import/", {"file": upload}, follow=True)
    assert response.status_code == 200
    assert "已导入 2027.json" in response.content.decode()
    assert CalendarYear.objects.get(year=2027).status == CalendarStatus.OFFICIAL
    assert AuditEvent.objects.filter(action="calendar.imported", actor=world.admin).exists()


def test_a_refused_upload_changes_nothing_and_is_audited(world):
    before = list(CalendarDay.objects.values_list("date", "is_workday", "name", "source"))
    bad = FILE_2027.replace(b"2027-02-06", b"2027-02-31")
    upload = SimpleUploadedFile("2027.json", bad, content_type="application/json")
    response = client_for(world.admin).post("/calendar/import/", {"file": upload}, follow=True)
    html = response.content.decode()
    assert "未导入，日历未作任何修改：2027.json 第 3 行：日期“2027-02-31”格式不正确" in html
    assert list(CalendarDay.objects.values_list("date", "is_workday", "name", "source")) == before
    assert CalendarYear.objects.get(year=2027).status == CalendarStatus.FALLBACK
    assert AuditEvent.objects.filter(action="calendar.import_refused", actor=world.admin).exists()


def test_it_refuses_a_file_that_is_not_json(world):
    upload = SimpleUploadedFile("2027.xlsx", b"PK..", content_type="application/octet-stream")
    html = (
        client_for(world.admin)
        .post("/calendar/import/", {"file": upload}, follow=True)
        .content.decode()
    )
    assert "只接受 .json 文件" in html


def test_clerks_and_the_supervisor_cannot_upload_or_edit_days(world):
    for user in personas(world):
        client = client_for(user)
        upload = SimpleUploadedFile("2027.json", FILE_2027, content_type="application/json")
        assert client.post("/calendar/import/", {"file": upload}).status_code == 403
        response = client.post(
            "/calendar/day/", {"day": "2026-12-02", "status": "rest", "name": "x"}
        )
        assert response.status_code == 403
    assert CalendarYear.objects.get(year=2027).status == CalendarStatus.FALLBACK
    assert not CalendarDay.objects.filter(date=date(2026, 12, 2)).exists()


def test_an_admin_marks_a_day_off_and_back(world):
    client = client_for(world.admin)
    client.post("/calendar/day/", {"day": "2026-12-02", "status": "rest", "name": "抗洪停工"})
    row = CalendarDay.objects.get(date=date(2026, 12, 2))
    assert (row.is_workday, row.name, row.source) == (False, "抗洪停工", "人工修改：管理员")
    html = client.get("/calendar/month/?m=2026-12").content.decode()
    assert 'data-date="2026-12-02" data-kind="holiday"' in html
    client.post("/calendar/day/", {"day": "2026-12-02", "status": "default", "name": ""})
    assert not CalendarDay.objects.filter(date=date(2026, 12, 2)).exists()
    assert AuditEvent.objects.filter(action="calendar.day_cleared").count() == 1


def test_the_navigation_lists_both_pages_under_basic_data(world):
    html = client_for(world.clerk_a).get("/calendar/month/").content.decode()
    assert "基础数据" in html
    assert 'href="/calendar/month/" class="active"' in html
    assert 'href="/calendar/rules/"' in html


def test_on_the_rules_page_only_the_rules_entry_is_active(world):
    html = client_for(world.clerk_a).get("/calendar/rules/").content.decode()
    assert 'href="/calendar/rules/" class="active"' in html
    assert 'href="/calendar/month/" class="active"' not in html


def test_the_module_root_opens_the_month_page(world):
    response = client_for(world.clerk_b).get("/calendar/?m=2026-10")
    assert response.status_code == 302
    assert response["Location"] == "/calendar/month/?m=2026-10"


def test_admin_edits_go_through_the_services_and_are_audited(world):
    client = client_for(world.admin)
    assert client.get("/admin/workdays/calendarday/").status_code == 200
    assert client.get("/admin/workdays/deadlinerule/").status_code == 200
    response = client.post(
        "/admin/workdays/calendarday/add/",
        {"date": "2026-12-03", "is_workday": "", "name": "后台停工"},
    )
    assert response.status_code == 302
    row = CalendarDay.objects.get(date=date(2026, 12, 3))
    assert (row.is_workday, row.source) == (False, "人工修改：管理员")
    assert AuditEvent.objects.filter(action="calendar.day_set", actor=world.admin).exists()
    # Years are read-only in the admin: they change by importing a schedule.
    assert client.get("/admin/workdays/calendaryear/add/").status_code == 403
