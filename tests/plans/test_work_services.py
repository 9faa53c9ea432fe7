"""The work on the ledger through the services: report, consolidate, decide, 督办, status."""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from fazhi.core.models import AuditEvent, Notification
from fazhi.plans import services
from fazhi.plans.models import Consolidation, Evidence, ProgressReport, Task
from fazhi.plans.periods import parse_period, period_of
from fazhi.plans.selectors import my_tasks, task_rows
from fazhi.plans.status import Status, task_status
from fazhi.workdays.index import current_calendar
from tests.plans.work import consolidate, report, work_plan

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def _status(task: Task) -> Status:
    task = Task.objects.select_related("current_consolidation").get(pk=task.pk)
    return task_status(task, today=timezone.localdate(), calendar=current_calendar())


def test_importing_a_plan_notifies_the_units_of_their_new_tasks(world):
    work_plan(world)
    texts = list(
        Notification.objects.filter(recipient=world.clerk_a).values_list("text", flat=True)
    )
    assert texts == ["《抚州市2024年法治督察工作要点》已导入，本单位牵头或参与 2 项任务"]


def test_the_whole_loop_report_consolidate_return_fix_accept(world):
    work = work_plan(world)
    assert _status(work.review) == Status.NOT_STARTED
    first = report(world, work, files=[("评查表.pdf", PDF), ("现场.png", PNG)])
    assert first.version == 1
    assert Evidence.objects.filter(report=first).count() == 2
    assert _status(work.review) == Status.IN_PROGRESS
    c1 = consolidate(world, work)
    assert list(c1.reports.all()) == [first]
    services.consolidation_decide(
        actor=world.supervisor, consolidation_id=c1.pk, accept=False, comment="请补充评查结果。"
    )
    assert _status(work.review) == Status.RETURNED
    # The lead unit sends the county's report back itself; the county corrects it.
    services.progress_report_return(
        actor=work.lead_clerk, report_id=first.pk, comment="请写明评查发现的问题。"
    )
    with pytest.raises(ValidationError, match="临川区人民政府"):
        consolidate(world, work, base_id=c1.pk)  # the county has not fixed its report yet
    fixed = report(world, work, text="已评查 12 卷，发现问题 3 个，已整改。", base_id=first.pk)
    assert fixed.version == 2
    first.refresh_from_db()
    assert not first.is_current
    c2 = consolidate(world, work, base_id=c1.pk, self_state="completed")
    services.consolidation_decide(actor=world.supervisor, consolidation_id=c2.pk, accept=True)
    assert _status(work.review) == Status.DONE
    fixed.refresh_from_db()
    assert fixed.state == "accepted"
    assert AuditEvent.objects.filter(action="consolidation.return").count() == 1
    assert AuditEvent.objects.filter(action="consolidation.accept").count() == 1
    assert Consolidation.objects.filter(task=work.review).count() == 2


def _returns(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user, kind="return").values_list("text", flat=True)
    )


def test_returning_a_consolidation_returns_only_the_consolidation_to_the_lead_unit(world):
    work = work_plan(world)
    county_a = report(world, work, text="临川评查 12 卷。")
    county_b = report(world, work, user=world.clerk_b, text="南城评查 8 卷。")
    c1 = consolidate(world, work)
    services.consolidation_decide(
        actor=world.supervisor, consolidation_id=c1.pk, accept=False, comment="汇总请写明合格率。"
    )
    for r in (county_a, county_b):
        r.refresh_from_db()
        assert (r.state, r.return_comment, r.is_current) == ("submitted", "", True)
    assert _returns(world.clerk_a) == []
    assert _returns(world.clerk_b) == []
    assert _returns(work.lead_clerk) == [
        f"汇总进展被退回待改：1.1（{work.period_key}），意见：汇总请写明合格率。"
    ]
    assert [(r.task.code, str(r.status)) for r in my_tasks(world.clerk_a)][1] == ("1.1", "推进中")
    # The lead unit consolidates again at once, on the same reports.
    c2 = consolidate(world, work, text="全市评查 20 卷，合格率 95%。", base_id=c1.pk)
    assert set(c2.reports.all()) == {county_a, county_b}


def test_a_unit_report_is_returned_to_that_unit_alone(world):
    work = work_plan(world)
    county_a = report(world, work, text="临川评查 12 卷。")
    county_b = report(world, work, user=world.clerk_b, text="南城评查 8 卷。")
    with pytest.raises(PermissionDenied):
        services.progress_report_return(
            actor=world.clerk_b, report_id=county_a.pk, comment="不是牵头单位"
        )
    with pytest.raises(ValidationError, match="退回意见不能为空"):
        services.progress_report_return(actor=work.lead_clerk, report_id=county_a.pk, comment=" ")
    services.progress_report_return(
        actor=work.lead_clerk, report_id=county_a.pk, comment="请补充案卷清单。"
    )
    county_a.refresh_from_db()
    county_b.refresh_from_db()
    assert (county_a.state, county_a.return_comment) == ("returned", "请补充案卷清单。")
    assert county_b.state == "submitted"
    assert _returns(world.clerk_a) == [
        f"本单位进展被退回待改：1.1（{work.period_key}），意见：请补充案卷清单。"
    ]
    assert _returns(world.clerk_b) == []
    assert AuditEvent.objects.filter(action="progress_report.return").count() == 1
    with pytest.raises(ValidationError, match="不能再退回"):
        services.progress_report_return(
            actor=world.supervisor, report_id=county_a.pk, comment="再退一次"
        )


def test_it_refuses_a_report_for_a_period_not_yet_open(world):
    work = work_plan(world)
    future = period_of(work.plan.report_frequency, timezone.localdate() + timedelta(days=200))
    with pytest.raises(ValidationError, match="尚未开始"):
        report(world, work, period_key=future.key)
    with pytest.raises(ValidationError, match="报告期“2024-13”无效"):
        report(world, work, period_key="2024-13")
    assert not ProgressReport.objects.exists()


def test_it_refuses_a_unit_reporting_on_a_task_not_its_own(world):
    work = work_plan(world)
    with pytest.raises(PermissionDenied, match="不是该任务的牵头单位或责任单位"):
        report(world, work, task=work.county_b_only)
    assert AuditEvent.objects.filter(action="progress_report.refused").exists()
    with pytest.raises(PermissionDenied, match="只有该任务的牵头单位"):
        services.consolidation_submit(
            actor=world.clerk_a, task_id=work.review.pk, period_key=work.period_key,
            text="汇总", self_state="in_progress",
        )  # fmt: skip
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("照片.jpg", PDF, "内容与扩展名不符（扩展名为 .jpg，实际是PDF）"),
        ("说明.pdf", b"just text", "内容与扩展名不符"),
        ("方案.docx", b"PK\x03\x04not a zip", "内容与扩展名不符"),
        ("表格.xlsx", _docx(), "实际是Word 文档"),
        ("程序.exe", b"MZ", "类型不支持"),
    ],
)
def test_it_refuses_evidence_whose_content_is_not_its_extension(world, name, data, message):
    work = work_plan(world)
    with pytest.raises(ValidationError, match=message):
        report(world, work, files=[("好的.pdf", PDF), (name, data)])
    assert not ProgressReport.objects.exists()
    assert not Evidence.objects.exists()


def test_it_refuses_evidence_over_the_size_limit(world, settings):
    settings.FAZHI_EVIDENCE_MAX_BYTES = 1024
    work = work_plan(world)
    with pytest.raises(ValidationError, match="超过"):
        report(world, work, files=[("大.pdf", PDF + b"0" * 2000)])
    assert not ProgressReport.objects.exists()


def test_evidence_is_kept_with_its_hash(world):
    import hashlib

    work = work_plan(world)
    data = _docx()  # built once: a zip's entries carry the time they were written
    r = report(world, work, files=[("报告.docx", data)])
    evidence = Evidence.objects.get(report=r)
    assert evidence.file.kind == "docx"
    assert evidence.file.sha256 == hashlib.sha256(data).hexdigest()


def test_the_second_of_two_simultaneous_reports_is_told_and_nothing_is_lost(world):
    work = work_plan(world)
    from fazhi.core import services as core_services
    from tests.conftest import PASSWORD

    colleague = core_services.user_create(
        actor=None, username="lc2", name="赵临川", unit=world.gov_a, password=PASSWORD,
        roles=["clerk"],
    )  # fmt: skip
    report(world, work, text="张的版本")
    # The colleague opened the empty form before the first report arrived (no base).
    with pytest.raises(
        ValidationError, match=r"本期进展已由张临川于.*提交（第1版），您的内容未保存"
    ):
        report(world, work, user=colleague, text="赵的版本")
    current = ProgressReport.objects.get(task=work.review, is_current=True)
    assert current.text == "张的版本"


def test_two_decisions_on_one_report_the_second_is_told(world):
    work = work_plan(world)
    report(world, work)
    c = consolidate(world, work)
    services.consolidation_decide(actor=world.supervisor, consolidation_id=c.pk, accept=True)
    with pytest.raises(ValidationError, match="已由王督查处理（已通过）"):
        services.consolidation_decide(
            actor=world.supervisor, consolidation_id=c.pk, accept=False, comment="再看看"
        )


def test_a_return_needs_a_comment_and_a_clerk_cannot_decide(world):
    work = work_plan(world)
    report(world, work)
    c = consolidate(world, work)
    with pytest.raises(ValidationError, match="退回时请填写退回意见"):
        services.consolidation_decide(actor=world.supervisor, consolidation_id=c.pk, accept=False)
    with pytest.raises(PermissionDenied):
        services.consolidation_decide(actor=world.clerk_a, consolidation_id=c.pk, accept=True)


def test_a_late_task_is_overdue_and_gets_a_supervision_notice_due_in_working_days(world):
    work = work_plan(world)
    assert work.late.due_on == date(2023, 12, 31)
    assert _status(work.late) == Status.OVERDUE
    notice = services.supervision_issue(
        actor=world.supervisor, task_id=work.late.pk, unit_ids=[world.gov_a.pk],
        reason="复议规范化建设逾期未完成", requirement="说明原因并报送整改计划", reply_workdays=5,
    )  # fmt: skip
    # Numbered in the issuing unit's series plans.notice: 依法治市办督〔year〕1号.
    assert notice.number == f"依法治市办督〔{notice.issued_on.year}〕1号"
    cal = current_calendar()
    assert cal.workdays_between(notice.issued_on, notice.reply_due_on) == 5
    assert Notification.objects.filter(recipient=world.clerk_a, kind="supervise").exists()
    with pytest.raises(PermissionDenied):
        services.supervision_reply(actor=world.clerk_b, notice_id=notice.pk, text="不是我")
    services.supervision_reply(actor=world.clerk_a, notice_id=notice.pk, text="已制定整改计划")
    with pytest.raises(ValidationError, match="已回复"):
        services.supervision_reply(actor=world.clerk_a, notice_id=notice.pk, text="再回一次")
    with pytest.raises(ValidationError, match="只能向该任务的牵头单位或责任单位督办"):
        services.supervision_issue(
            actor=world.supervisor, task_id=work.late.pk, unit_ids=[world.gov_b.pk], reason="x",
            requirement="y", reply_workdays=5,
        )  # fmt: skip


def test_the_supervisor_reassigns_a_task_and_it_is_audited(world):
    work = work_plan(world)
    services.task_assign(
        actor=world.supervisor, task_id=work.county_b_only.pk, lead_unit_ids=[world.gov_b.pk],
        responsible_unit_ids=[world.dept_a.pk],
    )  # fmt: skip
    task = Task.objects.get(pk=work.county_b_only.pk)
    assert task.responsible_names == ["临川区司法局"]
    event = AuditEvent.objects.get(action="task.assign")
    assert event.before == {"lead": ["南城县人民政府"], "responsible": []}
    with pytest.raises(PermissionDenied):
        services.task_assign(
            actor=world.clerk_a, task_id=task.pk, lead_unit_ids=[world.gov_a.pk],
            responsible_unit_ids=[],
        )  # fmt: skip
    with pytest.raises(ValidationError, match="至少要有一个牵头单位"):
        services.task_assign(
            actor=world.supervisor, task_id=task.pk, lead_unit_ids=[], responsible_unit_ids=[]
        )


def test_my_tasks_lists_the_units_tasks_urgent_first(world):
    work = work_plan(world)
    rows = my_tasks(world.clerk_a)
    assert [r.task.code for r in rows] == ["2.1", "1.1"]
    assert [str(r.status) for r in rows] == ["逾期", "未开始"]
    assert {r.role for r in rows} == {"责任"}
    assert [r.task.code for r in my_tasks(world.clerk_b)] == ["1.1", "3.1"]
    assert [r.task.code for r in my_tasks(work.lead_clerk)] == ["2.1", "1.1"]


def test_a_county_b_clerk_never_reads_county_a_progress(world):
    work = work_plan(world)
    report(world, work, text="临川的进展")
    period = parse_period(work.plan.report_frequency, work.period_key)
    b = {r.task.code: r.progress for r in task_rows(world.clerk_b, work.plan, period=period)}
    assert b["1.1"] == ""
    lead = {r.task.code: r.progress for r in task_rows(work.lead_clerk, work.plan, period=period)}
    assert lead["1.1"] == "【临川区人民政府】临川的进展"


def test_a_yearly_task_accepted_as_done_rolls_to_next_year(world):
    text = (
        "某要点\n一、章\n1.每年3月1日前报送年度报告。(牵头单位:市司法局;责任单位:临川区人民政府)\n"
    )
    work_ = work_plan(world, text)
    task = Task.objects.get(plan=work_.plan)
    assert task.deadline_recurring == "yearly"
    due = task.due_on
    services.consolidation_submit(
        actor=work_.lead_clerk, task_id=task.pk, period_key=work_.period_key, text="已报送",
        self_state="completed",
    )  # fmt: skip
    c = Consolidation.objects.get(task=task)
    services.consolidation_decide(actor=world.supervisor, consolidation_id=c.pk, accept=True)
    task.refresh_from_db()
    assert task.due_on == due.replace(year=due.year + 1)
    assert _status(task) == Status.DONE


def test_reminders_are_sent_once_per_due_date(world):
    work = work_plan(world)
    notice = services.supervision_issue(
        actor=world.supervisor, task_id=work.late.pk, unit_ids=[world.gov_a.pk], reason="逾期",
        requirement="回复", reply_workdays=2,
    )  # fmt: skip
    first = services.reminders_send()
    assert first >= 1
    assert services.reminders_send() == 0
    assert (
        Notification.objects.filter(
            recipient=world.clerk_a, kind="due", text__contains=notice.number
        ).count()
        == 1
    )


def test_the_daily_tick_sends_the_reminders(world):
    from fazhi.core import jobs

    work = work_plan(world)
    services.supervision_issue(
        actor=world.supervisor, task_id=work.late.pk, unit_ids=[world.gov_a.pk], reason="逾期",
        requirement="回复", reply_workdays=1,
    )  # fmt: skip
    job = jobs.get("plans.reminders")
    assert job.label == "任务与督办单临期提醒"
    assert job.run(timezone.localdate()).endswith(" 条")
    assert Notification.objects.filter(recipient=world.clerk_a, kind="due").count() == 1


def test_a_corrected_report_keeps_the_files_of_the_version_it_corrects(world):
    work = work_plan(world)
    first = report(world, work, files=[("评查表.pdf", PDF), ("现场.png", PNG)])
    photo = Evidence.objects.get(report=first, name="现场.png")
    second = report(
        world, work, text="已评查 12 卷，已整改。", base_id=first.pk,
        files=[("报告.docx", _docx())], remove_evidence=[photo.pk],
    )  # fmt: skip
    kept = list(Evidence.objects.filter(report=second).order_by("pk"))
    assert [(e.name, bytes(e.file.content)) for e in kept] == [
        ("评查表.pdf", PDF),
        ("报告.docx", _docx()),
    ]
    assert Evidence.objects.filter(report=first).count() == 2  # version 1 is untouched
    third = report(world, work, text="第三版", base_id=second.pk)
    assert list(Evidence.objects.filter(report=third).values_list("name", flat=True)) == [
        "评查表.pdf", "报告.docx",
    ]  # fmt: skip
    after = AuditEvent.objects.filter(action="progress_report.submit").order_by("pk")[1].after
    assert [e["name"] for e in after["carried"]] == ["评查表.pdf"]
    assert [e["name"] for e in after["removed"]] == ["现场.png"]
    assert [e["name"] for e in after["evidence"]] == ["报告.docx"]


def test_the_evidence_limit_counts_the_files_carried_over(world, monkeypatch):
    monkeypatch.setattr(services, "MAX_EVIDENCE_FILES", 2)
    work = work_plan(world)
    first = report(world, work, files=[("a.pdf", PDF), ("b.png", PNG)])
    with pytest.raises(ValidationError, match="最多 2 个佐证材料（沿用上一版 2 个，新上传 1 个）"):
        report(world, work, text="第二版", base_id=first.pk, files=[("c.pdf", PDF)])
    assert ProgressReport.objects.get(is_current=True).pk == first.pk
    b = Evidence.objects.get(report=first, name="b.png")
    second = report(
        world, work, text="第二版", base_id=first.pk, files=[("c.pdf", PDF)],
        remove_evidence=[b.pk],
    )  # fmt: skip
    assert sorted(Evidence.objects.filter(report=second).values_list("name", flat=True)) == [
        "a.pdf", "c.pdf",
    ]  # fmt: skip


def test_removing_a_file_not_of_the_current_version_is_refused(world):
    work = work_plan(world)
    first = report(world, work, files=[("a.pdf", PDF)])
    other = report(world, work, user=world.clerk_b, files=[("b.pdf", PDF)])
    stray = Evidence.objects.get(report=other)
    with pytest.raises(ValidationError, match="不属于当前版本"):
        report(world, work, text="第二版", base_id=first.pk, remove_evidence=[stray.pk])
    assert ProgressReport.objects.get(owner_unit=world.gov_a, is_current=True).pk == first.pk
