"""The people who sign a unit's drafted actions, and a helper that takes a draft through
its whole chain (for tests whose subject is what happens after the sign-off)."""

from __future__ import annotations

from datetime import date

from fazhi.core import services as core_services
from fazhi.core.models import Organisation, User
from fazhi.procedures import engine, services
from fazhi.procedures.models import Case, CaseApproval, CaseEvent
from tests.conftest import PASSWORD

ROLES = {"review": "section_head", "legal": "legal_reviewer", "sign": "unit_head",
         "collective": "unit_head"}  # fmt: skip
NAMES = {"review": "科长", "legal": "法审", "sign": "局长", "collective": "局长"}


def signer(unit: Organisation, step: str) -> User:
    username = f"{step}_{unit.pk}"
    found = User.objects.filter(username=username).first()
    if found is not None:
        return found
    return core_services.user_create(
        actor=None, username=username, name=f"{unit.display_name}{NAMES[step]}", unit=unit,
        password=PASSWORD, roles=[ROLES[step]],
    )  # fmt: skip


def sign_off(case: Case, on: date | None = None) -> CaseEvent:
    """Sign every step of the case's pending draft; the event of the action it ran."""
    approval = CaseApproval.objects.get(case=case, state="pending")
    while True:
        approval.refresh_from_db()
        if approval.state != "pending":
            break
        case.refresh_from_db()
        step = approval.step
        spec = engine.get(case.procedure).action(approval.action)
        assert spec is not None
        units = services.step_units(case, next(s for s in spec.approval if s.code == step))
        unit = Organisation.objects.get(pk=units[0])
        services.approval_decide(
            actor=signer(unit, step), approval_id=approval.pk, approve=True,
            on=on or approval.drafted_on, version=case.version, comment="同意",
        )  # fmt: skip
    return case.events.exclude(action__startswith="approval.").order_by("-seq").first()  # type: ignore[return-value]
