"""Engine v2 on a procedure declared only here: named clocks worked by hand across National
Day 2026 (10月1日—7日放假, 10月10日 星期六 上班), the sign-off chain with a refusal and
participation, parties, links, appointments, and declarations checked at start-up."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fazhi.core import services as core_services
from fazhi.core.models import AuditEvent
from fazhi.procedures import engine, services
from fazhi.procedures.models import (
    ApprovalSetting,
    Case,
    CaseParticipant,
    LegalReviewAssignment,
)
from tests.conftest import PASSWORD
from tests.procedures import testproc
from tests.procedures.signers import signer

pytestmark = pytest.mark.django_db
D = date


@pytest.fixture
def proc():
    engine.register(testproc.PROCEDURE)
    yield testproc.PROCEDURE
    engine.unregister(testproc.CODE)


FILED = D(2026, 9, 24)


def _open(world, on=FILED) -> Case:
    case, _ = services.case_open(
        actor=world.clerk_a, procedure=testproc.CODE, action="file", unit=world.gov_a,
        title="某公司未按规定报送材料案", on=on,
    )  # fmt: skip
    return case


def _act(world, case, action, on, actor=None, **inputs):
    case.refresh_from_db()
    return services.case_act(
        actor=actor or world.clerk_a, case_id=case.pk, action=action, on=on,
        version=case.version, inputs=inputs,
    )  # fmt: skip


def test_two_clocks_across_national_day_2026(world, proc):
    case = _open(world)
    # 90 days (calendar days, the day of filing not counted): 2026-09-24 + 90 = 2026-12-23.
    assert case.due_on == D(2026, 12, 23)
    # Hearing rights told on Mon 9-28: 5 working days = 9-29, 9-30, (10-1…10-7 off), 10-8,
    # 10-9, Sat 10-10 (a working day by 调休) → 10-10; it governs, being earlier.
    _act(world, case, "notify_hearing", D(2026, 9, 28))
    case.refresh_from_db()
    assert case.due_on == D(2026, 10, 10)
    assert case.due_owed_by == "applicant"
    assert "本案同时计算 2 个期限" in case.due_explanation[0]
    deadlines = services.case_deadlines(case)
    assert deadlines["hearing"].due == D(2026, 10, 10)
    assert deadlines["decision"].due == D(2026, 12, 23)
    # The party asks for a hearing on 10-9: that clock ends, the decision period governs.
    _act(world, case, "hearing_requested", D(2026, 10, 9))
    case.refresh_from_db()
    assert case.due_on == D(2026, 12, 23)
    assert set(case.clock) == {"decision"}
    # The decision period stops on Mon 10-12 while a new hearing clock runs from that day:
    # the stopped clock does not govern; 10-13, 14, 15, 16, 19 → 10-19.
    _act(world, case, "suspend", D(2026, 10, 12), reason="等待鉴定")
    _act(world, case, "notify_hearing", D(2026, 10, 12))
    case.refresh_from_db()
    assert case.due_on == D(2026, 10, 19)
    assert not case.due_paused
    # Stopping the hearing clock too: all stopped → the earliest stopped one, shown paused.
    _act(world, case, "stop_hearing", D(2026, 10, 13))
    case.refresh_from_db()
    assert case.due_paused


def test_a_clock_stopped_that_is_not_running_is_refused_and_changes_nothing(world, proc):
    case = _open(world)
    with pytest.raises(ValidationError, match="没有在计算"):
        _act(world, case, "stop_hearing", D(2026, 9, 25))
    _act(world, case, "suspend", D(2026, 9, 25), reason="等待鉴定")
    before = Case.objects.get(pk=case.pk)
    with pytest.raises(ValidationError, match="已经中止计算，不能重复中止"):
        _act(world, case, "suspend", D(2026, 9, 28), reason="再次")
    after = Case.objects.get(pk=case.pk)
    assert (after.clock, after.version, after.due_on) == (
        before.clock,
        before.version,
        before.due_on,
    )


def test_a_holiday_import_recomputes_every_clock(world, proc):
    case = _open(world)
    _act(world, case, "notify_hearing", D(2026, 9, 28))
    # Pretend the stored hearing due date was computed on an older calendar.
    Case.objects.filter(pk=case.pk).update(
        clock={**Case.objects.get(pk=case.pk).clock,
               "hearing": {**Case.objects.get(pk=case.pk).clock["hearing"], "due": "2026-10-05"}},
        due_on=D(2026, 10, 5),
    )  # fmt: skip
    assert services.recompute_open_cases(D(2026, 10, 1), D(2026, 10, 31)) == 1
    case.refresh_from_db()
    assert case.due_on == D(2026, 10, 10)
    assert case.clock["hearing"]["due"] == "2026-10-10"
    audited = AuditEvent.objects.get(action="case.due_recomputed")
    assert audited.after["cases"] == [[case.pk, "2026-10-05", "2026-10-10"]]
    assert services.recompute_open_cases(D(2026, 10, 1), D(2026, 10, 31)) == 0


def test_the_sign_off_chain_with_a_refusal_and_participation(world, proc):
    LegalReviewAssignment.objects.create(unit=world.gov_a, reviewer=world.dept_a)
    case = _open(world)
    head = signer(world.gov_a, "review")
    reviewer = signer(world.dept_a, "legal")  # 临川区司法局: not in gov_a's data scope
    boss = signer(world.gov_a, "collective")
    assert not Case.objects.visible_to(reviewer).filter(pk=case.pk).exists()
    _act(world, case, "decide", D(2026, 10, 9), result="罚款二千元")
    case.refresh_from_db()
    assert case.state == "open"
    assert case.awaiting == "review"
    approval = case.approvals.get()
    # The drafter cannot take other office steps meanwhile, nor sign their own draft.
    with pytest.raises(ValidationError, match="正在审批"):
        _act(world, case, "suspend", D(2026, 10, 9), reason="x")
    with pytest.raises(PermissionDenied):
        services.approval_decide(actor=world.clerk_a, approval_id=approval.pk, approve=True,
                                 on=D(2026, 10, 9), version=case.version)  # fmt: skip
    # Someone outside the chain (county B's head) is refused; so is the wrong step's signer.
    with pytest.raises(ValidationError):
        services.approval_decide(actor=signer(world.gov_b, "review"), approval_id=approval.pk,
                                 approve=True, on=D(2026, 10, 9), version=case.version)  # fmt: skip
    with pytest.raises(ValidationError, match="案件不存在或无权办理"):  # not yet in the case
        services.approval_decide(actor=reviewer, approval_id=approval.pk, approve=True,
                                 on=D(2026, 10, 9), version=case.version)  # fmt: skip
    # 审核 signs; the 法制审核 step brings 临川区司法局 into the case, by participation.
    services.approval_decide(actor=head, approval_id=approval.pk, approve=True,
                             on=D(2026, 10, 9), version=case.version, comment="拟同意")  # fmt: skip
    case.refresh_from_db()
    assert case.awaiting == "legal"
    assert CaseParticipant.objects.filter(case=case, unit=world.dept_a).exists()
    assert Case.objects.visible_to(reviewer).filter(pk=case.pk).exists()
    assert not Case.objects.visible_to(reviewer).exclude(pk=case.pk).exists()  # no more
    # The reviewer refuses with reasons: back to the drafter, the case unchanged.
    with pytest.raises(ValidationError, match="写明理由"):
        services.approval_decide(actor=reviewer, approval_id=approval.pk, approve=False,
                                 on=D(2026, 10, 9), version=case.version)  # fmt: skip
    services.approval_decide(actor=reviewer, approval_id=approval.pk, approve=False,
                             on=D(2026, 10, 9), version=case.version, comment="裁量理由不充分")  # fmt: skip
    case.refresh_from_db()
    assert case.awaiting == ""
    assert case.state == "open"
    assert case.events.filter(action="approval.return").exists()
    # Drafted again, signed through: 集体讨论 needs its record; then the decision runs.
    _act(world, case, "decide", D(2026, 10, 12), result="罚款一千元")
    case.refresh_from_db()
    second = case.approvals.get(state="pending")
    for actor in (head, reviewer):
        case.refresh_from_db()
        services.approval_decide(actor=actor, approval_id=second.pk, approve=True,
                                 on=D(2026, 10, 12), version=case.version)  # fmt: skip
    case.refresh_from_db()
    with pytest.raises(ValidationError, match="集体讨论记录"):
        services.approval_decide(actor=boss, approval_id=second.pk, approve=True,
                                 on=D(2026, 10, 12), version=case.version)  # fmt: skip
    services.approval_decide(actor=boss, approval_id=second.pk, approve=True, on=D(2026, 10, 12),
                             version=case.version, record="2026年10月12日局务会议，5人出席，同意",
                             dissent="王某认为应从轻")  # fmt: skip
    case.refresh_from_db()
    assert case.state == "decided"
    assert not case.is_open
    assert case.due_on is None
    decided = case.events.get(action="decide")
    assert decided.data["result"] == "罚款一千元"
    assert decided.actor == boss


def test_approving_twice_at_once_signs_once(world, proc):
    case = _open(world)
    _act(world, case, "decide", D(2026, 10, 9), result="不予处罚")
    case.refresh_from_db()
    approval = case.approvals.get()
    head = signer(world.gov_a, "review")
    other = core_services.user_create(actor=None, username="head2", name="副科长", unit=world.gov_a,
                                      password=PASSWORD, roles=["section_head"])  # fmt: skip
    version = case.version
    services.approval_decide(actor=head, approval_id=approval.pk, approve=True,
                             on=D(2026, 10, 9), version=version)  # fmt: skip
    with pytest.raises(ValidationError, match="已被他人处理"):
        services.approval_decide(actor=other, approval_id=approval.pk, approve=True,
                                 on=D(2026, 10, 9), version=version)  # fmt: skip
    assert approval.decisions.count() == 1


def test_an_optional_step_can_be_switched_off_per_unit(world, proc):
    ApprovalSetting.objects.create(unit=world.gov_a, procedure=testproc.CODE, action="decide",
                                   step="legal", enabled=False)  # fmt: skip
    case = _open(world)
    _act(world, case, "decide", D(2026, 10, 9), result="不予处罚")
    assert case.approvals.get().steps == ["review", "collective"]


def test_parties_links_and_appointments(world, proc):
    case = _open(world)
    other = _open(world)
    party = services.case_party_add(actor=world.clerk_a, case_id=case.pk, role="party",
                                    name="抚州某某有限公司", phone="13907941234")  # fmt: skip
    assert party.phone != "13907941234"
    assert "1390794" not in str(
        AuditEvent.objects.filter(action="case.party_added").values_list("after", flat=True)
    )
    services.case_link(actor=world.clerk_a, source_id=case.pk, target_id=other.pk, kind="related")
    assert case.links_out.get().target == other
    with pytest.raises(ValidationError, match="早于今天"):
        services.case_appointment_set(actor=world.clerk_a, case_id=case.pk, kind="hearing",
                                      label="听证会", on=D(2020, 1, 1))  # fmt: skip
    with pytest.raises(ValidationError):
        services.case_appointment_set(actor=world.clerk_a, case_id=case.pk, kind="hearing",
                                      label="听证会", on=D(2999, 1, 1))  # fmt: skip
    # County B may not touch county A's case.
    with pytest.raises(ValidationError):
        services.case_party_add(actor=world.clerk_b, case_id=case.pk, role="party", name="x")


def test_declarations_are_checked_with_the_name_of_what_is_wrong(proc):
    bad = engine.Procedure(
        code="typo", name="错", number_word="错", initial="a",
        states=(engine.State("a", "甲"), engine.State("island", "孤岛")),
        actions=(engine.Action("open", "开始", sources=(), target="a",
                               clock=(engine.Clock(engine.START, "penalty.decisoin"),)),),
    )  # fmt: skip
    problems = engine.problems(bad, rules=engine.known_rules(), templates=set())
    assert "typo.open: unknown deadline rule 'penalty.decisoin'" in problems
    assert "typo: state 'island' cannot be reached" in problems
    engine.register(bad)
    try:
        from fazhi.procedures.apps import check_declarations

        assert any("penalty.decisoin" in e.msg for e in check_declarations())
    finally:
        engine.unregister("typo")
    assert engine.check_all() == []
