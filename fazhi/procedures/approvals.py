"""What a page shows of a drafted action in sign-off: its chain with each signature, the
current step, and whether this user may sign it (the same verdict approval_decide applies)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fazhi.procedures import engine
from fazhi.procedures.forms import ApprovalForm, CollectiveForm
from fazhi.procedures.models import ApprovalDecision, Case, CaseApproval
from fazhi.procedures.services import approval_allowed, pending_approval


@dataclass
class StepRow:
    step: engine.Step
    decision: ApprovalDecision | None
    current: bool


@dataclass
class ApprovalPanel:
    approval: CaseApproval
    rows: list[StepRow]
    form: Any  # ApprovalForm when the user may decide, else None
    reason: str  # why not, when the user may not
    previews: list[engine.Document]


def approval_panel(user: Any, case: Case, form: Any = None) -> ApprovalPanel | None:
    approval = pending_approval(case)
    if approval is None:
        return None
    approval.case = case
    procedure = engine.get(case.procedure)
    spec = procedure.action(approval.action)
    assert spec is not None
    signed = {d.step: d for d in approval.decisions.filter(approved=True)}
    rows = [
        StepRow(step, signed.get(step.code), step.code == approval.step)
        for step in spec.approval
        if step.code in approval.steps
    ]
    current = next(r.step for r in rows if r.current)
    verdict = approval_allowed(user, approval)
    if verdict and form is None:
        form_class = CollectiveForm if current.record else ApprovalForm
        form = form_class(initial={"version": case.version}, prefix="approval")
    return ApprovalPanel(
        approval=approval,
        rows=rows,
        form=form if verdict else None,
        reason="" if verdict else verdict.reason,
        previews=list(spec.documents),
    )
