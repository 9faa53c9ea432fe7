"""Demo requests: a few per demo unit in different states, made through the services with
dates around the 2026 National Day. Idempotent; does nothing without the core demo's users."""

from __future__ import annotations

from datetime import date

from fazhi.core.models import Organisation, User
from fazhi.core.numbering import number_pattern_set
from fazhi.disclosure import services
from fazhi.disclosure.models import ApplicantType, Channel, DisclosureRequest
from fazhi.procedures import engine
from fazhi.procedures.engine import case_series
from fazhi.procedures.models import ApprovalSetting, Case, LegalReviewAssignment
from fazhi.procedures.services import approval_decide, pending_approval, step_signers

D = date
# (username of the handling clerk, number pattern)
UNITS = (("sfj", "抚司公开〔{year}〕{seq}号"), ("lc", "临府公开〔{year}〕{seq}号"), ("nc", None))
# 法制审核 of 临川区人民政府's replies by 临川区司法局 (participation); the other demo units
# switch that optional step off for disclosure replies (ApprovalSetting).
LEGAL_REVIEW = {"临川区人民政府": "临川区司法局"}
SCRIPTS: tuple[tuple[str, str, str, tuple[tuple[str, date, dict[str, object]], ...]], ...] = (
    ("李明", ApplicantType.PERSON, "2026年度城区道路改造工程的招标公告及中标结果", (
        ("register", D(2026, 9, 24), {}),
        ("ask_correction", D(2026, 9, 29), {"items": "请写明具体路段或工程名称"}),
        ("record_supply", D(2026, 10, 9), {"text": "中山路改造工程"}),
        ("reply", D(2026, 10, 27), {"reply_type": "public", "reply_text": "予以公开，招标公告及中标结果见附件。"}),
        ("serve", D(2026, 10, 28), {"method": "post"}),
    )),
    ("江西某律师事务所", ApplicantType.LEGAL_SERVICE, "某地块征收补偿方案及批准文件", (
        ("register", D(2026, 9, 28), {}),
        ("consult", D(2026, 10, 12), {"party": "某置业有限公司", "matter": "补偿方案是否涉及商业秘密"}),
        ("consult_done", D(2026, 10, 26), {"result": "disagree", "note": "认为涉及商业秘密"}),
        ("extend", D(2026, 11, 5), {"days": 20, "approver": "公开办主任", "reason": "需要调取档案并审查第三方意见"}),
    )),
    ("王芳", ApplicantType.PERSON, "本单位2025年行政处罚决定书清单", (
        ("register", D(2026, 10, 9), {}),
        # Drafted and left in sign-off: the 科室负责人's work queue shows it.
        ("reply", D(2026, 11, 2), {"reply_type": "public", "_unsigned": True,
                                   "reply_text": "予以公开，2025年行政处罚决定书清单见附件。"}),
    )),
    ("抚州某科技有限公司", ApplicantType.BUSINESS, "2026年企业扶持资金申报指南及评审结果", (
        ("register", D(2026, 11, 16), {}),
    )),
    ("赵强", ApplicantType.PERSON, "某小区规划许可证及附图", (
        ("register", D(2026, 9, 30), {}),
        ("withdraw", D(2026, 10, 8), {"reason": "申请人来电撤回"}),
    )),
)  # fmt: skip


def load_demo_requests() -> int:
    """Create the demo requests that are missing; returns how many were created."""
    made = 0
    for username, pattern in UNITS:
        clerk = User.objects.filter(username=username).select_related("unit").first()
        if clerk is None or clerk.unit is None:
            continue
        unit: Organisation = clerk.unit
        services.desk_set(actor=None, unit=unit, address=f"{unit.name}政务公开办公室")
        _approval_settings(unit)
        if pattern:
            number_pattern_set(
                actor=None, unit=unit, series=case_series("disclosure"), pattern=pattern
            )
        for name, kind, description, steps in SCRIPTS:
            if DisclosureRequest.objects.filter(owner_unit=unit, applicant_name=name).exists():
                continue
            _, first, _ = steps[0]
            request = services.disclosure_register(
                actor=clerk, unit=unit, channel=Channel.IN_PERSON, submitted_on=first,
                application=services.Application(
                    applicant_type=kind, applicant_name=name, description=description,
                    phone="13907940000", address="抚州市临川区",
                ),
            )  # fmt: skip
            for action, on, inputs in steps[1:]:
                request.case.refresh_from_db()
                values = dict(inputs)
                unsigned = bool(values.pop("_unsigned", False))
                services.disclosure_act(
                    actor=clerk, request_id=request.pk, action=action, on=on,
                    version=request.case.version, inputs=values,
                )  # fmt: skip
                if not unsigned:
                    _sign_through(request.case, on)
            made += 1
    return made


def _approval_settings(unit: Organisation) -> None:
    reviewer = LEGAL_REVIEW.get(unit.name)
    if reviewer is not None:
        found = Organisation.objects.filter(name=reviewer).first()
        if found is not None:
            LegalReviewAssignment.objects.get_or_create(unit=unit, defaults={"reviewer": found})
        return
    ApprovalSetting.objects.get_or_create(
        unit=unit, procedure="disclosure", action="reply", step="legal",
        defaults={"enabled": False},
    )  # fmt: skip


def _sign_through(case: Case, on: date) -> None:
    """The demo's signers sign a drafted reply on the day it was drafted."""
    procedure = engine.get(case.procedure)
    while (approval := pending_approval(Case.objects.get(pk=case.pk))) is not None:
        spec = procedure.action(approval.action)
        assert spec is not None
        step = next(s for s in spec.approval if s.code == approval.step)
        current = Case.objects.get(pk=case.pk)
        signers = [u for u in step_signers(current, step) if u.pk != approval.drafted_by_id]
        if not signers:
            return  # left waiting: the demo shows a reply in sign-off
        approval_decide(
            actor=signers[0], approval_id=approval.pk, approve=True, on=on,
            version=current.version, comment="同意",
        )  # fmt: skip
