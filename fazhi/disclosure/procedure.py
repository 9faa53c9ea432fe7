"""依申请公开 declared on the case engine: states, actions, documents and deadline effects.

Periods are the DeadlineRule rows of 政府信息公开条例 (by code, never numbers here):
``disclosure.reply`` 20 WD from receipt + extension (Art. 33), ``disclosure.correction_notice``
7 WD (Art. 30), ``disclosure.third_party`` 15 WD (Art. 32, not counted: the reply clock stops),
and ``disclosure.correction_reply`` — the applicant's 补正期限, which Art. 30 leaves to the
office ("合理的补正期限"); this module seeds it as data so that a unit can change it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from fazhi.disclosure.models import ApplicantType, Channel, LetterKind
from fazhi.procedures import engine
from fazhi.procedures.engine import (
    ALL,
    CLEAR,
    EXTEND,
    LEGAL,
    RESUME,
    REVIEW,
    SIGN,
    START,
    STOP,
    Action,
    Clock,
    Document,
)
from fazhi.procedures.engine import Input as In
from fazhi.procedures.models import Case, CaseEvent, Owed
from fazhi.workdays.deadlines import compute_rule

CODE = "disclosure"
REPLY_RULE = "disclosure.reply"
NOTICE_RULE = "disclosure.correction_notice"
CORRECTION_RULE = "disclosure.correction_reply"
THIRD_PARTY_RULE = "disclosure.third_party"

SUBMITTED, RECEIVED, CORRECTION, CONSULTING = "submitted", "received", "correction", "consulting"
REPLIED, SERVED, WITHDRAWN, ABANDONED = "replied", "served", "withdrawn", "abandoned"
ACTIVE = (RECEIVED, CORRECTION, CONSULTING)


def _choices(kind: type[models.TextChoices]) -> tuple[tuple[str, str], ...]:
    return tuple((str(c), str(label)) for c, label in kind.choices)


# The application as received: recorded in the opening event and copied to DisclosureRequest.
APPLICATION_INPUTS = (
    # With the phone's last four digits, the applicant's credential on the portal.
    In("query_code", "查询码", on_form=False, sensitive=True),
    In("channel", "申请方式", kind="choice", choices=_choices(Channel), on_form=False),
    In(
        "letter_kind",
        "信函类型",
        kind="choice",
        choices=_choices(LetterKind),
        required=False,
        on_form=False,
    ),
    In("submitted_on", "提交（到达）日期", kind="date", on_form=False),
    In("receipt_basis", "收到日期依据", required=False, on_form=False),
    In(
        "applicant_type",
        "申请人类型",
        kind="choice",
        choices=_choices(ApplicantType),
        on_form=False,
    ),
    In("applicant_name", "申请人", on_form=False),
    In("id_number", "证件号码", required=False, on_form=False, sensitive=True),
    In("phone", "联系电话", required=False, on_form=False, sensitive=True),
    In("email", "电子邮箱", required=False, on_form=False),
    In("address", "通信地址", required=False, on_form=False),
    In("description", "所需信息描述", kind="textarea", on_form=False),
    In("form", "获取信息的方式", required=False, on_form=False),
    In("fingerprint", "指纹", on_form=False, sensitive=True),
)


def _notice_in_time(case: Case, on: date, inputs: dict[str, Any]) -> None:
    """条例第三十条: the one-time 补正 notice goes out within 7 WD of receipt."""
    received = case.disclosure.received_on
    assert received is not None
    limit = compute_rule(code=NOTICE_RULE, start=received, explain=False).due
    if on > limit:
        raise ValidationError(
            f"补正告知应当在收到申请之日起 7 个工作日内一次性作出（条例第三十条）："
            f"本申请收到于 {received.isoformat()}，告知期限至 {limit.isoformat()}，"
            f"{on.isoformat()} 已超过期限，请直接依现有内容答复"
        )


def _confirm_after_submission(case: Case, on: date, inputs: dict[str, Any]) -> None:
    submitted = case.disclosure.submitted_on
    if on < submitted:
        raise ValidationError(
            f"确认收到日期 {on.isoformat()} 不能早于申请提交日期 {submitted.isoformat()}"
        )


def _correction_period_over(case: Case, on: date, inputs: dict[str, Any]) -> None:
    if case.due_on is None or case.due_owed_by != Owed.APPLICANT or on <= case.due_on:
        raise ValidationError("补正期限尚未届满，不能视为放弃申请")


def _reply_type_needs_text(case: Case, on: date, inputs: dict[str, Any]) -> None:
    from fazhi.disclosure.models import ReplyType

    if (
        inputs.get("reply_type") == ReplyType.STILL_UNCLEAR
        and not case.events.filter(action__in=("supply", "record_supply")).exists()
    ):
        raise ValidationError("“补正后申请内容仍不明确”只适用于已经补正的申请")


def _reply_types() -> tuple[tuple[str, str], ...]:
    from fazhi.disclosure.models import ReplyType

    return tuple((str(c), str(label)) for c, label in ReplyType.choices)


SERVE_METHODS = (
    ("direct", "直接送达"), ("post", "邮寄送达"), ("email", "电子邮件送达"),
    ("online", "网上送达（申请人在线查看）"),
)  # fmt: skip
CONSULT_RESULTS = (
    ("agree", "同意公开"), ("disagree", "不同意公开"), ("silent", "逾期未提出意见"),
)  # fmt: skip

PROCEDURE = engine.Procedure(
    code=CODE,
    name="政府信息公开申请",
    number_word="公开",
    states=(
        engine.State(SUBMITTED, "待确认收到"),
        engine.State(RECEIVED, "办理中"),
        engine.State(CORRECTION, "待申请人补正"),
        engine.State(CONSULTING, "征求意见中"),
        engine.State(REPLIED, "已答复待送达"),
        engine.State(SERVED, "已送达", open=False),
        engine.State(WITHDRAWN, "申请人撤回", open=False),
        engine.State(ABANDONED, "视为放弃申请", open=False),
    ),
    initial=RECEIVED,
    own_rules=(CORRECTION_RULE,),
    record_word="申请",
    actions=(
        Action(
            "register", "登记受理", sources=(), target=RECEIVED,
            inputs=APPLICATION_INPUTS,
            clock=(Clock(START, REPLY_RULE),),
            documents=(Document("disclosure.receipt", "政府信息公开申请登记回执"),),
        ),
        Action(
            "submit", "网上提交申请", sources=(), target=SUBMITTED, by="applicant",
            permission=None, inputs=APPLICATION_INPUTS,
        ),
        Action(
            "confirm", "确认收到网上申请", sources=(SUBMITTED,), target=RECEIVED,
            clock=(Clock(START, REPLY_RULE),), check=_confirm_after_submission,
            inputs=(In("receipt_basis", "收到日期依据", required=False, on_form=False),),
            documents=(Document("disclosure.receipt", "政府信息公开申请登记回执"),),
            style="primary",
        ),
        Action(
            "ask_correction", "一次性告知补正", sources=(RECEIVED,), target=CORRECTION,
            once=True, check=_notice_in_time,
            inputs=(In("items", "需要补正的事项", kind="textarea",
                       help="一次性写明需要补正的全部内容（条例第三十条）"),),
            clock=(Clock(START, CORRECTION_RULE, owed_by=Owed.APPLICANT),),
            documents=(Document("disclosure.correction", "补正申请告知书", number_word="公开补"),),
        ),
        Action(
            "supply", "申请人提交补正", sources=(CORRECTION,), target=RECEIVED,
            by="applicant", permission=None,
            inputs=(In("text", "补正内容", kind="textarea"),
                    In("attachment", "补正材料", kind="file", required=False)),
            # 条例第三十条: the reply period runs again from receipt of the corrected request.
            clock=(Clock(START, REPLY_RULE),),
        ),
        Action(
            "record_supply", "登记收到补正", sources=(CORRECTION,), target=RECEIVED,
            inputs=(In("text", "补正内容", kind="textarea"),
                    In("attachment", "补正材料", kind="file", required=False)),
            clock=(Clock(START, REPLY_RULE),),
        ),
        Action(
            "abandon", "逾期未补正，视为放弃", sources=(CORRECTION,), target=ABANDONED,
            by="system", permission=None, check=_correction_period_over, clock=(Clock(CLEAR, name=ALL),),
        ),
        Action(
            "consult", "征求第三方意见", sources=(RECEIVED,), target=CONSULTING,
            inputs=(In("party", "第三方（或其他机关）名称"),
                    In("matter", "征求意见的事项", kind="textarea")),
            # 条例第三十三条: consultation time is not counted in the reply period.
            clock=(Clock(STOP, owed_by=Owed.THIRD_PARTY),),
            documents=(Document("disclosure.consult", "征求意见函", for_applicant=False),),
        ),
        Action(
            "consult_done", "收到第三方意见", sources=(CONSULTING,), target=RECEIVED,
            inputs=(In("result", "意见", kind="choice", choices=CONSULT_RESULTS),
                    In("note", "说明", kind="textarea", required=False)),
            clock=(Clock(RESUME),),
        ),
        Action(
            "extend", "延长答复期限", sources=(RECEIVED,),
            inputs=(In("days", "延长工作日数", kind="int", initial="20",
                       help="最长 20 个工作日，按期限规则 disclosure.reply 校验（条例第三十三条）"),
                    In("approver", "批准人（政府信息公开工作机构负责人）"),
                    In("reason", "延期理由", kind="textarea")),
            clock=(Clock(EXTEND, amount_input="days"),),
            documents=(Document("disclosure.extension", "延长答复期限告知书", number_word="公开延"),),
        ),
        Action(
            "reply", "答复", sources=(RECEIVED,), target=REPLIED, style="primary",
            check=_reply_type_needs_text,
            inputs=(In("reply_type", "答复类型（条例第三十六条）", kind="choice",
                       choices=_reply_types()),
                    In("reply_text", "答复内容", kind="textarea", required=False,
                       help="填写后按模板生成答复书；也可以上传已签发的答复书"),
                    In("reply_file", "已签发的答复书", kind="file", required=False)),
            clock=(Clock(CLEAR, name=ALL),),
            # The reply reaches the applicant only when signed: 承办机构负责人审核, 法制审核
            # (a unit may switch it off: ApprovalSetting), 机关负责人签发.
            approval=(REVIEW, LEGAL, SIGN),
            documents=(Document("disclosure.reply", "政府信息公开申请答复书", number_word="公开答",
                                when=lambda inputs: bool(inputs.get("reply_text"))),),
            requires_document=True,
            requires_document_message=(
                "答复必须附答复书：请填写答复内容以按模板生成答复书，或上传已签发的答复书"
            ),
        ),
        Action(
            "serve", "登记送达", sources=(REPLIED,), target=SERVED,
            inputs=(In("method", "送达方式", kind="choice", choices=SERVE_METHODS),
                    In("note", "送达情况", required=False)),
        ),
        Action(
            "withdraw", "申请人撤回申请", sources=(SUBMITTED, *ACTIVE), target=WITHDRAWN,
            inputs=(In("reason", "撤回情况", kind="textarea"),),
            clock=(Clock(CLEAR, name=ALL),),
        ),
    ),
)  # fmt: skip


def _detail_url(case: Case) -> str:
    return reverse("disclosure:detail", args=[case.disclosure.pk])  # the request's id


def _on_event(case: Case, event: CaseEvent, inputs: dict[str, Any]) -> None:
    from fazhi.disclosure import services

    services.apply_event(case, event, inputs)


def _document_context(case: Case, event: CaseEvent, inputs: dict[str, Any]) -> dict[str, Any]:
    from fazhi.disclosure import services

    return services.document_context(case, event, inputs)


PROCEDURE.on_event = _on_event
PROCEDURE.document_context = _document_context
PROCEDURE.detail_url = _detail_url
