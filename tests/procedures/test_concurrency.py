"""Concurrent clicks and concurrent numbering on PostgreSQL (real transactions, threads)."""

from __future__ import annotations

from datetime import date

import pytest

from fazhi.procedures import services
from tests.concurrency import in_threads
from tests.conftest import build_world
from tests.disclosure.helpers import register

pytestmark = pytest.mark.django_db(transaction=True)


def test_case_numbers_stay_gap_free_under_concurrent_registration(postgres):
    world = build_world()

    def one(i: int):
        return register(world, on=date(2026, 9, 24), applicant_name=f"申请人{i}").case.seq

    results = in_threads(12, one)
    assert sorted(results) == list(range(1, 13)), results


def test_two_simultaneous_replies_act_once_and_the_second_is_told_to_refresh(postgres):
    world = build_world()
    request = register(world, on=date(2026, 9, 24))
    version = request.case.version

    def reply(i: int):
        return services.case_act(
            actor=world.clerk_a, case_id=request.case_id, action="reply", on=date(2026, 10, 9),
            version=version, inputs={"reply_type": "public", "reply_text": "予以公开。"},
        )  # fmt: skip

    results = in_threads(2, reply)
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1, results
    assert "该申请已被他人处理，请刷新" in str(errors[0])
    assert request.case.events.filter(action="approval.submit").count() == 1
    assert request.case.approvals.count() == 1


def _draft_reply(world):
    """A reply drafted by the clerk and waiting in sign-off at its first step (审核)."""
    from fazhi.procedures.models import CaseApproval
    from tests.disclosure.helpers import act

    request = register(world, on=date(2026, 9, 24))
    act(world, request, "reply", date(2026, 10, 9), signed=False,
        reply_type="public", reply_text="予以公开。")  # fmt: skip
    approval = CaseApproval.objects.get(case_id=request.case_id, state="pending")
    request.case.refresh_from_db()
    return request, approval


def _heads(unit, count: int):
    """``count`` 科室负责人 of ``unit``: colleagues who may each sign its 审核 step."""
    from fazhi.core import services as core_services
    from tests.conftest import PASSWORD

    made = []
    for i in range(count):
        made.append(
            core_services.user_create(
                actor=None,
                username=f"head{i}_{unit.pk}",
                name=f"科长{i}",
                unit=unit,
                password=PASSWORD,
                roles=["section_head"],
            )
        )
    return made


def _decide(approval, actor, *, version, approve=True, comment="同意"):
    return services.approval_decide(
        actor=actor, approval_id=approval.pk, approve=approve, on=date(2026, 10, 9),
        version=version, comment=comment,
    )  # fmt: skip


def test_two_reviewers_signing_the_same_step_at_once_sign_it_once(postgres):
    from fazhi.procedures.models import ApprovalDecision

    world = build_world()
    request, approval = _draft_reply(world)
    heads = _heads(request.case.owner_unit, 2)
    version = request.case.version

    results = in_threads(2, lambda i: _decide(approval, heads[i], version=version))
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1, results
    assert "已被他人处理，请刷新" in str(errors[0])
    assert ApprovalDecision.objects.filter(approval=approval).count() == 1
    approval.refresh_from_db()
    assert (approval.state, approval.step) == ("pending", "legal")


def test_without_a_version_the_second_signature_meets_the_next_step_and_is_refused(postgres):
    # A client that sends no version (a script, the coming API) is serialised by the row lock:
    # the second signer finds the step moved on to 法制审核, which is not theirs to sign.
    from fazhi.procedures.models import ApprovalDecision

    world = build_world()
    request, approval = _draft_reply(world)
    heads = _heads(request.case.owner_unit, 2)

    results = in_threads(2, lambda i: _decide(approval, heads[i], version=None))
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1, results
    assert ApprovalDecision.objects.filter(approval=approval).count() == 1
    assert ApprovalDecision.objects.get(approval=approval).step == "review"


def test_an_approval_and_a_refusal_at_once_leave_one_decision(postgres):
    from fazhi.procedures.models import ApprovalDecision

    world = build_world()
    request, approval = _draft_reply(world)
    heads = _heads(request.case.owner_unit, 2)
    version = request.case.version

    results = in_threads(
        2,
        lambda i: _decide(approval, heads[i], version=version, approve=i == 0,
                          comment="同意" if i == 0 else "依据不足，请补充"),
    )  # fmt: skip
    assert sum(isinstance(r, Exception) for r in results) == 1, results
    decision = ApprovalDecision.objects.get(approval=approval)
    approval.refresh_from_db()
    assert approval.state == ("pending" if decision.approved else "returned")


def test_the_last_signature_clicked_twice_issues_the_reply_once(postgres):
    from fazhi.core.models import Organisation
    from fazhi.procedures import engine
    from fazhi.procedures.models import CaseApproval, CaseDocument
    from tests.procedures.signers import signer

    world = build_world()
    request, approval = _draft_reply(world)
    # Sign 审核 and 法制审核 one by one; leave 签发 to a double click.
    while approval.step != "sign":
        request.case.refresh_from_db()
        spec = engine.get("disclosure").action("reply")
        assert spec is not None
        step = next(s for s in spec.approval if s.code == approval.step)
        unit = Organisation.objects.get(pk=services.step_units(request.case, step)[0])
        _decide(approval, signer(unit, approval.step), version=request.case.version)
        approval.refresh_from_db()
    request.case.refresh_from_db()
    head = signer(request.case.owner_unit, "sign")
    version = request.case.version

    results = in_threads(2, lambda i: _decide(approval, head, version=version))
    assert sum(isinstance(r, Exception) for r in results) == 1, results
    assert CaseApproval.objects.get(pk=approval.pk).state == "approved"
    assert request.case.events.filter(action="reply").count() == 1
    numbers = list(CaseDocument.objects.filter(case_id=request.case_id)
                   .exclude(number="").values_list("number", flat=True))  # fmt: skip
    assert len(numbers) == len(set(numbers)) >= 1
