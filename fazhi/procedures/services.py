"""Every write to a case: open it, take an action, number it, recompute due dates, templates.

Each action runs in one transaction with the case row locked (select_for_update); the form
carries the case version it showed, so the second of two concurrent clicks is refused with
a clear message instead of acting twice. Every action is permission-checked and audited.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, NoReturn

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from fazhi.core import audit, crypto, numbering
from fazhi.core.models import Organisation, Permission, User
from fazhi.core.services import _require
from fazhi.core.text import check_plain, tidy
from fazhi.procedures import documents as docs
from fazhi.procedures import engine
from fazhi.procedures.models import (
    Case,
    CaseDocument,
    CaseEvent,
    DocumentSource,
    DocumentTemplate,
    Owed,
)
from fazhi.workdays.deadlines import Deadline, compute_rule
from fazhi.workdays.index import current_calendar

STALE = "该申请已被他人处理，请刷新"


class StaleCase(ValidationError):
    """The case changed since the page was shown (a second click, or a colleague)."""

    def __init__(self) -> None:
        super().__init__(STALE)


@dataclass(frozen=True)
class Upload:
    """A file given with an action, already checked for size and type by the caller."""

    input: str
    name: str
    content_type: str
    data: bytes


# --- clock ---------------------------------------------------------------------------


def _deadline(clock: Mapping[str, Any], *, explain: bool = True) -> Deadline | None:
    if not clock:
        return None
    return compute_rule(
        code=clock["rule"],
        start=date.fromisoformat(clock["start"]),
        pauses=[
            (date.fromisoformat(a), date.fromisoformat(b) if b else None)
            for a, b in clock.get("pauses", [])
        ],
        extensions=[(int(n), str(reason)) for n, reason in clock.get("extensions", [])],
        explain=explain,
        calendar=None if explain else current_calendar(),
    )


def case_deadline(case: Case) -> Deadline | None:
    """The running period with its explanation, computed from the stored clock."""
    return _deadline(case.clock)


def _apply_clock(
    clock: dict[str, Any], effect: engine.Clock, on: date, inputs: Mapping[str, Any]
) -> dict[str, Any]:
    day = on.isoformat()
    if effect.op == engine.START:
        return {"rule": effect.rule, "start": day, "pauses": [], "extensions": [],
                "owed_by": effect.owed_by}  # fmt: skip
    if effect.op == engine.CLEAR:
        return {}
    if not clock:
        raise ValidationError("当前没有正在计算的期限")
    clock = {**clock, "pauses": [list(p) for p in clock.get("pauses", [])]}
    pauses = clock["pauses"]
    if effect.op == engine.STOP:
        if pauses and pauses[-1][1] is None:
            raise ValidationError("计时已经中止，不能重复中止")
        pauses.append([day, None])
        clock["owed_by"] = effect.owed_by
    elif effect.op == engine.RESUME:
        if not pauses or pauses[-1][1] is not None:
            raise ValidationError("计时没有中止，无需恢复")
        pauses[-1][1] = day
        clock["owed_by"] = effect.owed_by
    elif effect.op == engine.EXTEND:
        raw = inputs.get(effect.amount_input) if effect.amount_input else None
        amount = int(raw) if raw not in (None, "") else 0
        if amount < 1:
            raise ValidationError("延长的期限必须为正整数")
        clock["extensions"] = [*clock.get("extensions", []), [amount, inputs.get("reason", "")]]
    return clock


# --- actions -------------------------------------------------------------------------


def _check_inputs(
    action: engine.Action, inputs: Mapping[str, Any], uploads: list[Upload]
) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    given_files = {u.input for u in uploads}
    for spec in action.inputs:
        if spec.kind == "file":
            if spec.required and spec.name not in given_files:
                raise ValidationError(f"请上传“{spec.label}”")
            continue
        value = inputs.get(spec.name)
        if isinstance(value, str):
            value = check_plain(tidy(value), spec.label)
        if value in (None, ""):
            if spec.required:
                raise ValidationError(f"请填写“{spec.label}”")
            clean[spec.name] = ""
            continue
        if spec.kind == "choice" and value not in {c for c, _ in spec.choices}:
            raise ValidationError(f"“{spec.label}”的取值“{value}”无效")
        if spec.kind == "int":
            try:
                value = int(value)
            except (TypeError, ValueError):
                raise ValidationError(f"“{spec.label}”必须为整数") from None
        if spec.kind == "date" and isinstance(value, str):
            try:
                value = date.fromisoformat(value)
            except ValueError:
                raise ValidationError(f"“{spec.label}”格式不正确，应为 YYYY-MM-DD") from None
        clean[spec.name] = value
    return clean


def _check_date(case: Case | None, on: date) -> None:
    if on > timezone.localdate():
        raise ValidationError(f"日期 {on.isoformat()} 晚于今天，不能登记尚未发生的事项")
    if case is not None:
        last = case.events.order_by("-seq").values_list("on", flat=True).first()
        if last is not None and on < last:
            raise ValidationError(
                f"日期 {on.isoformat()} 早于上一步的日期 {last.isoformat()}，请核对"
            )


def _json(inputs: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in inputs.items()}


def _run(
    *,
    case: Case,
    procedure: engine.Procedure,
    action: engine.Action,
    actor: User | None,
    actor_name: str,
    on: date,
    inputs: Mapping[str, Any],
    uploads: list[Upload],
) -> CaseEvent:
    clean = _check_inputs(action, inputs, uploads)
    if action.check is not None:
        action.check(case, on, clean)
    clock = dict(case.clock)
    for effect in action.clock:
        clock = _apply_clock(clock, effect, on, clean)
    deadline = _deadline(clock)
    state_before = case.state if case.pk else ""
    if action.target is not None:
        case.state = action.target
    state = procedure.state(case.state)
    case.is_open = state.open
    if not state.open and case.closed_on is None:
        case.closed_on = on
    case.clock = clock
    case.due_on = deadline.due if deadline else None
    case.due_paused = bool(deadline and deadline.paused)
    case.due_complete = bool(deadline is None or deadline.calendar_complete)
    case.due_owed_by = clock.get("owed_by", "") if clock else ""
    case.due_explanation = list(deadline.explanation) if deadline else []
    case.version += 1
    case.save()
    seq = (case.events.order_by("-seq").values_list("seq", flat=True).first() or 0) + 1
    event = CaseEvent.objects.create(
        case=case,
        seq=seq,
        action=action.code,
        label=action.label,
        on=on,
        actor=actor,
        actor_name=actor_name,
        state_before=state_before,
        state_after=case.state,
        data=_protected(action, clean, crypto.seal),
        due_after=case.due_on,
        explanation=case.due_explanation,
    )
    if procedure.on_event is not None:
        procedure.on_event(case, event, clean)
    made = _documents(case, event, procedure, action, clean, uploads)
    if action.requires_document and not made:
        raise ValidationError(action.requires_document_message or f"“{action.label}”必须附文书")
    audit.record(
        action=f"case.{procedure.code}.{action.code}",
        actor=actor,
        actor_name=actor_name,
        obj=case,
        before={"state": state_before},
        after={
            "state": case.state,
            "due_on": case.due_on,
            "event": seq,
            **_protected(action, clean, crypto.mask),
        },
    )
    return event


def _protected(
    action: engine.Action, inputs: Mapping[str, Any], how: Callable[[str], str]
) -> dict[str, Any]:
    """The inputs as stored, with the action's sensitive ones passed through ``how``:
    crypto.seal for the event log, crypto.mask for the audit trail."""
    sensitive = action.sensitive
    return {
        k: how(v) if k in sensitive and isinstance(v, str) else v for k, v in _json(inputs).items()
    }


def _documents(
    case: Case,
    event: CaseEvent,
    procedure: engine.Procedure,
    action: engine.Action,
    inputs: dict[str, Any],
    uploads: list[Upload],
) -> list[CaseDocument]:
    made: list[CaseDocument] = []
    labels = {spec.name: spec.label for spec in action.inputs}
    for upload in uploads:
        made.append(
            CaseDocument.objects.create(
                case=case,
                event=event,
                kind=upload.input,
                title=labels.get(upload.input, upload.input),
                filename=upload.name[:255],
                content_type=upload.content_type,
                content=upload.data,
                size=len(upload.data),
                source=DocumentSource.UPLOADED,
                for_applicant=action.by == "applicant",
            )
        )
    for spec in action.documents:
        if spec.when is not None and not spec.when(inputs):
            continue
        context: dict[str, Any] = {
            "number": case.number,
            "unit": case.owner_unit.name,
            "title": case.title,
            "date": event.on,
            "due_on": case.due_on or "",
            **inputs,
        }
        if procedure.document_context is not None:
            context.update(procedure.document_context(case, event, inputs))
        data = docs.render(spec.template, context)
        made.append(
            CaseDocument.objects.create(
                case=case,
                event=event,
                kind=spec.template,
                title=spec.title,
                filename=f"{case.number or case.pk}-{spec.title}.docx",
                content_type=docs.DOCX,
                content=data,
                size=len(data),
                source=DocumentSource.GENERATED,
                for_applicant=spec.for_applicant,
            )
        )
    return made


# --- who may take an action -------------------------------------------------------------
#
# One rule for the page that offers an action and the service that takes it:
# * an office step needs the action's permission and a case of the actor's own unit: a
#   case is handled by the staff of the unit that received it; a wider data scope (本单位及
#   下级, 本级及下级, 全部) lets a user see other units' cases, not act on them. A superuser
#   may act on any case;
# * an applicant's step is taken on the portal by whoever proved to be the applicant, a
#   system step by `fazhi tick`: never by a member of staff;
# * the case is in one of the action's source states, and a ``once`` action was not taken.


@dataclass(frozen=True)
class Verdict:
    """Whether ``actor`` may take an action now, and if not why (Chinese). ``kind``:
    "permission" (a missing permission), "actor" (unit, staff/applicant/system) or "case"
    (state, once); empty when allowed."""

    allowed: bool
    reason: str = ""
    kind: str = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = Verdict(True)
NOT_FOUND = "案件不存在或无权办理"


def _actor_verdict(actor: User | None, spec: engine.Action, unit_id: int | None) -> Verdict:
    if spec.by == "office":
        if actor is None:
            return Verdict(False, f"“{spec.label}”须由工作人员办理", "actor")
        permission = spec.permission or Permission.HANDLE_CASES
        if not actor.has_fazhi_perm(permission):
            return Verdict(False, f"您没有“{Permission(permission).label}”的权限。", "permission")
        if not actor.is_superuser and (actor.unit_id is None or actor.unit_id != unit_id):
            return Verdict(
                False, "只能办理本单位收到的案件：本案属于其他单位，您可以查看但不能办理", "actor"
            )
        return ALLOWED
    if actor is not None:
        if spec.by == "system":
            return Verdict(False, f"“{spec.label}”由系统按期自动办理，不能手工进行", "actor")
        return Verdict(False, f"“{spec.label}”须由申请人本人办理，工作人员不能代为办理", "actor")
    return ALLOWED


def _case_verdict(case: Case, procedure: engine.Procedure, spec: engine.Action) -> Verdict:
    if case.state not in spec.sources:
        return Verdict(
            False,
            f"本案当前状态为“{procedure.state_label(case.state)}”，不能进行“{spec.label}”",
            "case",
        )
    if spec.once and case.events.filter(action=spec.code).exists():
        return Verdict(False, f"“{spec.label}”只能进行一次，本案已经进行过", "case")
    return ALLOWED


def _visible(actor: User | None, case: Case) -> bool:
    return actor is None or Case.objects.visible_to(actor).filter(pk=case.pk).exists()


def action_allowed(actor: User | None, case: Case, action: str) -> Verdict:
    """Whether ``actor`` (None: the applicant or the system) may take ``action`` on ``case``
    now. The page offers exactly the actions for which this is allowed; case_act refuses
    exactly when it is not."""
    procedure = engine.get(case.procedure)
    spec = procedure.action(action)
    if spec is None or not spec.sources:
        return Verdict(False, f"{procedure.name}没有“{action}”这一步", "case")
    if not _visible(actor, case):
        return Verdict(False, NOT_FOUND, "actor")
    verdict = _actor_verdict(actor, spec, case.owner_unit_id)
    return verdict if not verdict else _case_verdict(case, procedure, spec)


def allowed_actions(actor: User | None, case: Case, *, by: str = "office") -> list[engine.Action]:
    """The actions ``actor`` may take on ``case`` now (action_allowed for each), for a page."""
    procedure = engine.get(case.procedure)
    if not _visible(actor, case):
        return []
    return [
        spec
        for spec in procedure.actions
        if spec.sources and spec.by == by
        and _actor_verdict(actor, spec, case.owner_unit_id)
        and _case_verdict(case, procedure, spec)
    ]  # fmt: skip


def open_allowed(
    actor: User | None, procedure: str, action: str, unit: Organisation | None
) -> Verdict:
    """Whether ``actor`` may open a case of ``procedure`` with ``action`` for ``unit``; the
    intake page is offered exactly when this is allowed, and case_open refuses otherwise."""
    proc = engine.get(procedure)
    spec = proc.action(action)
    if spec is None or spec.sources:
        return Verdict(False, f"“{action}”不是{proc.name}的开始步骤", "case")
    if actor is not None and unit is None and not actor.is_superuser:
        return Verdict(False, "您未分配单位，不能登记案件", "actor")
    return _actor_verdict(actor, spec, unit.pk if unit is not None else None)


def check_open(
    *, actor: User | None, procedure: str, action: str, unit: Organisation | None
) -> None:
    """Refuse (audited) unless open_allowed; for a module that checks before its own
    transaction, where the audit event of a refusal would be rolled back."""
    verdict = open_allowed(actor, procedure, action, unit)
    if not verdict:
        _refuse(actor, verdict, action=action, procedure=procedure)


def _refuse(
    actor: User | None,
    verdict: Verdict,
    *,
    action: str,
    procedure: str,
    case: Case | None = None,
) -> NoReturn:
    """Audit the refusal (in its own transaction, so that it stays) and raise it:
    PermissionDenied for a missing permission (audited as core's _require does), else
    ValidationError."""
    denied = verdict.kind == "permission"
    with transaction.atomic():
        audit.record(
            action="auth.permission_denied" if denied else "case.action_refused",
            actor=actor, obj=case, object_type="" if case else "procedures.case",
            after={"procedure": procedure, "action": action, "reason": verdict.reason},
        )  # fmt: skip
    if denied:
        raise PermissionDenied(verdict.reason)
    raise ValidationError(verdict.reason)


def _actor_name(actor: User | None, given: str) -> str:
    if actor is not None:
        return actor.name or actor.username
    return given or "系统"


def case_open(
    *,
    actor: User | None,
    procedure: str,
    action: str,
    unit: Organisation,
    title: str,
    on: date,
    inputs: Mapping[str, Any] | None = None,
    uploads: list[Upload] | None = None,
    number: bool = True,
    actor_name: str = "",
) -> tuple[Case, CaseEvent]:
    """Open a case with the procedure's opening ``action`` (one declared with no sources)."""
    proc = engine.get(procedure)
    check_open(actor=actor, procedure=procedure, action=action, unit=unit)
    spec = proc.action(action)
    assert spec is not None
    title = title.strip()
    if not title:
        raise ValidationError("标题不能为空")
    _check_date(None, on)
    with transaction.atomic():
        case = Case(
            procedure=proc.code,
            title=title[:255],
            owner_unit=unit,
            created_by=actor,
            state=proc.initial,
            opened_on=on,
        )
        if number:
            _assign_number(case, proc, on.year)
        event = _run(
            case=case, procedure=proc, action=spec, actor=actor,
            actor_name=_actor_name(actor, actor_name), on=on, inputs=inputs or {},
            uploads=uploads or [],
        )  # fmt: skip
    return case, event


def _assign_number(case: Case, procedure: engine.Procedure, year: int) -> None:
    case.year = year
    case.seq, case.number = numbering.number_take(
        unit=case.owner_unit, series=engine.case_series(procedure.code), year=year
    )


def case_act(
    *,
    actor: User | None,
    case_id: int,
    action: str,
    on: date,
    version: int | None,
    inputs: Mapping[str, Any] | None = None,
    uploads: list[Upload] | None = None,
    actor_name: str = "",
    number: bool = False,
) -> CaseEvent:
    """Take ``action`` on the case. ``version`` is what the page showed (None: no check).

    ``actor`` None means the applicant (after the caller proved who they are) or the
    system. Refused, audited, exactly when action_allowed says no.
    """
    # Who may act is checked before the transaction, so that a refusal's audit event stays;
    # the state and `once` on the locked row.
    seen = Case.objects.visible_to(actor) if actor is not None else Case.objects.all()
    shown = seen.filter(pk=case_id).first()
    if shown is None:
        raise ValidationError(NOT_FOUND)
    proc = engine.get(shown.procedure)
    spec = proc.action(action)
    if spec is None or not spec.sources:
        raise ValidationError(f"{proc.name}没有“{action}”这一步")
    verdict = _actor_verdict(actor, spec, shown.owner_unit_id)
    if not verdict:
        _refuse(actor, verdict, action=action, case=shown, procedure=proc.code)
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case_id)
        if version is not None and case.version != version:
            raise StaleCase()
        verdict = _case_verdict(case, proc, spec)
        if not verdict:
            raise ValidationError(verdict.reason)
        _check_date(case, on)
        if number and not case.number:
            _assign_number(case, proc, on.year)
        return _run(
            case=case, procedure=proc, action=spec, actor=actor,
            actor_name=_actor_name(actor, actor_name), on=on, inputs=inputs or {},
            uploads=uploads or [],
        )  # fmt: skip


# --- recomputation when the calendar changes --------------------------------------------


def recompute_open_cases(first_day: date, last_day: date) -> int:
    """Recompute the stored due date of open cases whose period may span the changed days."""
    changed = 0
    candidates = Case.objects.filter(is_open=True, due_on__isnull=False, due_on__gte=first_day)
    with transaction.atomic():
        for case in candidates.select_for_update().order_by("pk").iterator(chunk_size=500):
            start = case.clock.get("start")
            if not start or date.fromisoformat(start) > last_day:
                continue
            deadline = _deadline(case.clock)
            assert deadline is not None
            if (
                deadline.due == case.due_on
                and deadline.calendar_complete == case.due_complete
                and list(deadline.explanation) == case.due_explanation
            ):
                continue
            before = case.due_on
            case.due_on = deadline.due
            case.due_complete = deadline.calendar_complete
            case.due_explanation = list(deadline.explanation)
            case.save(update_fields=["due_on", "due_complete", "due_explanation", "updated_at"])
            audit.record(
                action="case.due_recomputed",
                actor_name="系统",
                obj=case,
                before={"due_on": before},
                after={"due_on": case.due_on},
            )
            changed += 1
    return changed


# --- templates -------------------------------------------------------------------------


def template_replace(*, actor: User | None, code: str, data: bytes) -> DocumentTemplate:
    """An administrator replaces the .docx template ``code`` (the default stays shipped)."""
    _require(actor, Permission.MANAGE_SYSTEM)
    known = {t.code for t in docs.default_templates()}
    if code not in known:
        raise ValidationError(f"文书模板“{code}”不存在")
    fields = docs.check_template(data)
    with transaction.atomic():
        row, _ = DocumentTemplate.objects.update_or_create(
            code=code,
            defaults={"name": docs.template_name(code), "content": data, "updated_by": actor},
        )
        audit.record(
            action="case.template_replaced", actor=actor, obj=row,
            after={"size": len(data), "placeholders": fields},
        )  # fmt: skip
    return row


def template_reset(*, actor: User | None, code: str) -> None:
    """Go back to the shipped default."""
    _require(actor, Permission.MANAGE_SYSTEM)
    with transaction.atomic():
        deleted, _ = DocumentTemplate.objects.filter(code=code).delete()
        if deleted:
            audit.record(
                action="case.template_reset", actor=actor,
                object_type="procedures.documenttemplate", object_id=code,
            )  # fmt: skip


__all__ = [
    "STALE",
    "Owed",
    "StaleCase",
    "Upload",
    "Verdict",
    "action_allowed",
    "allowed_actions",
    "case_act",
    "case_deadline",
    "case_open",
    "check_open",
    "open_allowed",
    "recompute_open_cases",
    "template_replace",
    "template_reset",
]
