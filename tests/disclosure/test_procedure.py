"""The whole 依申请公开 procedure across the 2026 Mid-Autumn and National Day holidays.

Hand-worked from the 2026 State Council table (legal-rules §11.2): 中秋 09-25 (Fri) to 09-27
off; 国庆 10-01 (Thu) to 10-07 off; 调休 working days 09-20 (Sun) and 10-10 (Sat). The day
of the event is not counted (民事诉讼法第八十五条). Working days after 2026-09-24 (Thu):
09-28 (1), 09-29, 09-30, 10-08, 10-09, 10-10 (Sat, 6), 10-12 (7), 10-13 … 10-16 (11),
10-19 … 10-23 (16), 10-26 … 10-29 (20).
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from fazhi.disclosure import services
from fazhi.disclosure.models import Channel, LetterKind, Outcome
from fazhi.procedures.documents import document_text
from fazhi.procedures.models import Owed
from fazhi.procedures.services import Upload
from tests.disclosure.helpers import D, act, application, fresh, register

pytestmark = pytest.mark.django_db


def test_the_whole_procedure_with_every_due_date_worked_by_hand(world):
    # Received at the counter on Thu 2026-09-24: 20 WD → Thu 2026-10-29 (see module doc).
    request = register(world, on=D(2026, 9, 24))
    case = request.case
    assert (case.state, case.due_on, case.due_owed_by) == ("received", D(2026, 10, 29), Owed.OFFICE)
    assert request.received_on == D(2026, 9, 24)
    assert "第三十一条第一项" in request.receipt_basis
    assert any("国庆节放假" in line for line in case.due_explanation)

    # 补正 notice on Tue 09-29, inside the 7-WD window (09-24 + 7 WD = 10-12). The applicant's
    # period (rule disclosure.correction_reply, 15 WD) from 09-29: 09-30 (1), 10-08 … 10-10
    # (4), 10-12 … 10-16 (9), 10-19 … 10-23 (14), 10-26 (15) → Mon 2026-10-26.
    act(world, request, "ask_correction", D(2026, 9, 29), items="请写明具体路段和工程名称")
    request = fresh(request)
    assert (request.case.state, request.case.due_on) == ("correction", D(2026, 10, 26))
    assert request.case.due_owed_by == Owed.APPLICANT
    notice = request.case.documents.get(kind="disclosure.correction")
    assert "请写明具体路段和工程名称" in document_text(bytes(notice.file.content))
    assert "2026年10月26日" in document_text(bytes(notice.file.content))

    # The applicant supplies on Fri 10-09: the reply clock restarts (Art. 30). 20 WD after
    # 10-09: 10-10 (Sat, 1), 10-12 … 10-16 (6), 10-19 … 10-23 (11), 10-26 … 10-30 (16),
    # 11-02 … 11-05 (20) → Thu 2026-11-05.
    # (The portal path, by query code, is tested in test_portal; here the office records it.)
    act(world, request, "record_supply", D(2026, 10, 9), text="中山路改造工程")
    request = fresh(request)
    assert (request.case.state, request.case.due_on) == ("received", D(2026, 11, 5))

    # Third party consulted on Tue 10-13: the reply clock stops (Art. 33). The third party's
    # own 15 WD from 10-13: 10-14 … 10-16 (3), 10-19 … 10-23 (8), 10-26 … 10-30 (13), 11-02,
    # 11-03 (15) → 2026-11-03.
    act(world, request, "consult", D(2026, 10, 13), party="某建设公司", matter="是否涉及商业秘密")
    request = fresh(request)
    assert request.case.state == "consulting"
    assert request.case.due_paused
    assert request.case.due_owed_by == Owed.THIRD_PARTY
    from fazhi.disclosure.selectors import side_deadlines

    sides = {d.label: d.deadline.due for d in side_deadlines(request)}
    assert sides["第三方提出意见期限"] == D(2026, 11, 3)

    # Opinion received Tue 10-20: 5 WD stood still (10-14, 15, 16, 19, 20), so the due date
    # moves 5 WD past 11-05: 11-06, 11-09, 11-10, 11-11, 11-12 → Thu 2026-11-12.
    act(world, request, "consult_done", D(2026, 10, 20), result="disagree", note="涉及商业秘密")
    request = fresh(request)
    assert (request.case.state, request.case.due_on, request.case.due_paused) == (
        "received",
        D(2026, 11, 12),
        False,
    )

    # Extension of 20 WD approved on Mon 11-02: 11-12 + 20 WD: 11-13 (1), 11-16 … 11-20 (6),
    # 11-23 … 11-27 (11), 11-30 … 12-04 (16), 12-07 … 12-10 (20) → Thu 2026-12-10.
    act(world, request, "extend", D(2026, 11, 2), days=20, approver="张主任", reason="需要调取档案")
    request = fresh(request)
    assert request.case.due_on == D(2026, 12, 10)
    assert request.case.documents.filter(kind="disclosure.extension").exists()
    # The law allows 20 WD in all: one more day is refused by the rule.
    with pytest.raises(ValidationError, match="超过"):
        act(world, request, "extend", D(2026, 11, 3), days=1, approver="张主任", reason="再延")

    # Reply on Fri 11-27, before 12-10: on time. Then service.
    act(
        world,
        request,
        "reply",
        D(2026, 11, 27),
        reply_type="partial",
        reply_text="部分公开，附招标公告。",
    )
    request = fresh(request)
    assert (request.case.state, request.case.due_on) == ("replied", None)
    assert (request.replied_on, request.reply_due_on, request.replied_on_time) == (
        D(2026, 11, 27),
        D(2026, 12, 10),
        True,
    )
    reply = request.case.documents.get(kind="disclosure.reply")
    assert "部分公开" in document_text(bytes(reply.file.content))
    act(world, request, "serve", D(2026, 11, 27), method="post")
    request = fresh(request)
    assert (request.case.state, request.case.is_open, request.case.closed_on) == (
        "served",
        False,
        D(2026, 11, 27),
    )
    assert list(request.case.events.values_list("action", flat=True)) == [
        "register",
        "ask_correction",
        "record_supply",
        "consult",
        "consult_done",
        "extend",
        "approval.submit",  # the reply is drafted, reviewed, legally checked and signed
        "approval.approve",
        "approval.approve",
        "approval.approve",
        "reply",
        "serve",
    ]


def test_a_late_reply_counts_as_not_on_time(world):
    # Mon 09-28 + 20 WD: 09-29, 09-30 (2), 10-08 … 10-10 (5), 10-12 … 10-16 (10),
    # 10-19 … 10-23 (15), 10-26 … 10-30 (20) → Fri 2026-10-30.
    request = register(world, on=D(2026, 9, 28))
    assert request.case.due_on == D(2026, 10, 30)
    act(
        world,
        request,
        "reply",
        D(2026, 11, 2),
        reply_type="not_held",
        reply_text="经检索，本机关不掌握。",
    )
    request = fresh(request)
    assert request.replied_on_time is False
    assert request.reply_due_on == D(2026, 10, 30)


def test_receipt_dates_follow_article_31_per_channel(world):
    app = application()
    # Registered post arriving Wed 09-30, signed for Thu 10-08 → receipt 10-08; 20 WD after:
    # 10-09, 10-10 (2), 10-12 … 10-16 (7), 10-19 … 10-23 (12), 10-26 … 10-30 (17),
    # 11-02, 11-03, 11-04 (20) → 2026-11-04.
    letter = services.disclosure_register(
        actor=world.clerk_a, unit=world.gov_a, application=app, channel=Channel.LETTER,
        letter_kind=LetterKind.REGISTERED, submitted_on=D(2026, 9, 30), signed_on=D(2026, 10, 8),
    )  # fmt: skip
    assert (letter.received_on, letter.case.due_on) == (D(2026, 10, 8), D(2026, 11, 4))
    assert "签收之日" in letter.receipt_basis
    fax = services.disclosure_register(
        actor=world.clerk_a, unit=world.gov_a, application=application(applicant_name="王芳"),
        channel=Channel.FAX, submitted_on=D(2026, 9, 24), confirmed_on=D(2026, 9, 24),
    )  # fmt: skip
    assert (fax.received_on, fax.case.due_on) == (D(2026, 9, 24), D(2026, 10, 29))
    with pytest.raises(ValidationError, match="双方确认之日"):
        services.disclosure_register(
            actor=world.clerk_a, unit=world.gov_a, application=app, channel=Channel.ONLINE,
            submitted_on=D(2026, 9, 24),
        )  # fmt: skip
    with pytest.raises(ValidationError, match="签收日期"):
        services.disclosure_register(
            actor=world.clerk_a, unit=world.gov_a, application=app, channel=Channel.LETTER,
            letter_kind=LetterKind.REGISTERED, submitted_on=D(2026, 9, 24),
        )  # fmt: skip


def test_it_refuses_a_request_without_contact_or_description(world):
    with pytest.raises(ValidationError) as refused:
        register(world, on=D(2026, 9, 24), phone="", address="", email="", description="  ")
    text = "；".join(refused.value.messages)
    assert "联系方式" in text
    assert "所需政府信息" in text
    assert fresh_count() == 0


def fresh_count() -> int:
    from fazhi.disclosure.models import DisclosureRequest

    return DisclosureRequest.objects.count()


def test_it_allows_only_one_correction_notice(world):
    request = register(world, on=D(2026, 9, 24))
    act(world, request, "ask_correction", D(2026, 9, 29), items="请写明路段")
    act(world, request, "record_supply", D(2026, 10, 9), text="中山路")
    with pytest.raises(ValidationError, match="只能进行一次"):
        act(world, request, "ask_correction", D(2026, 10, 12), items="再补")
    assert fresh(request).case.state == "received"


def test_it_refuses_a_correction_notice_after_seven_working_days(world):
    # 09-24 + 7 WD = Mon 10-12 (legal-rules §12); a notice on Tue 10-13 is too late.
    request = register(world, on=D(2026, 9, 24))
    with pytest.raises(ValidationError, match="2026-10-12"):
        act(world, request, "ask_correction", D(2026, 10, 13), items="请写明路段")
    act(world, request, "ask_correction", D(2026, 10, 12), items="请写明路段")
    assert fresh(request).case.state == "correction"


def test_a_reply_needs_a_document(world):
    request = register(world, on=D(2026, 9, 24))
    with pytest.raises(ValidationError, match="答复必须附答复书"):
        act(world, request, "reply", D(2026, 10, 9), reply_type="public", reply_text="")
    assert fresh(request).case.state == "received"
    signed = Upload("reply_file", "答复书.pdf", b"%PDF-1.4 signed")
    act(
        world,
        request,
        "reply",
        D(2026, 10, 9),
        reply_type="public",
        reply_text="",
        uploads=[signed],
    )
    request = fresh(request)
    assert request.case.state == "replied"
    assert request.case.documents.get(kind="reply_file").filename == "答复书.pdf"


def test_it_refuses_a_reply_after_withdrawal(world):
    request = register(world, on=D(2026, 9, 24))
    act(world, request, "withdraw", D(2026, 9, 29), reason="申请人电话撤回")
    with pytest.raises(ValidationError, match="申请人撤回"):
        act(world, request, "reply", D(2026, 10, 9), reply_type="public", reply_text="x")
    request = fresh(request)
    assert (request.outcome, request.case.is_open, request.case.due_on) == (
        Outcome.WITHDRAWN,
        False,
        None,
    )


def test_no_correction_within_the_period_is_treated_as_abandoned_by_tick(world):
    from django.core.management import call_command

    request = register(world, on=D(2026, 9, 24))
    act(world, request, "ask_correction", D(2026, 9, 29), items="请写明路段")
    # The period ends on 10-26 (worked above); the tick on 10-26 leaves it alone.
    assert services.disclosure_expire_corrections(D(2026, 10, 26)) == 0
    assert services.disclosure_expire_corrections(D(2026, 10, 27)) == 1
    request = fresh(request)
    assert (request.case.state, request.outcome, request.concluded_on) == (
        "abandoned",
        Outcome.ABANDONED,
        D(2026, 10, 27),
    )
    call_command("tick")  # nothing left to do, and it does not fail


def test_an_open_request_past_its_due_date_is_overdue(world):
    from fazhi.disclosure.selectors import row_status

    request = register(world, on=D(2026, 9, 28))  # due 2026-10-30
    status = row_status(fresh(request).case, today=D(2026, 11, 2))
    assert status.label == "已超期"
    assert row_status(fresh(request).case, today=D(2026, 10, 28)).label == "临期"
    assert row_status(fresh(request).case, today=D(2026, 10, 9)).label == "未到期"
