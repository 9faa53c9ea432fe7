"""Every write to a case: open it, take an action, number it, recompute due dates, templates.

Each action runs in one transaction with the case row locked (select_for_update); the form
carries the case version it showed, so the second of two concurrent clicks is refused with
a clear message instead of acting twice. Every action is permission-checked and audited.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any, NoReturn

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from fazhi.core import audit, crypto, numbering
from fazhi.core.models import Organisation, Permission, User
from fazhi.core.services import _require
from fazhi.core.text import check_plain, tidy, typed
from fazhi.core.uploads import Checked, check_all, file_store
from fazhi.procedures import documents as docs
from fazhi.procedures import engine
from fazhi.procedures.models import (
    CASE_UPLOADS,
    AppointmentKind,
    ApprovalDecision,
    ApprovalSetting,
    ApprovalState,
    Case,
    CaseAppointment,
    CaseApproval,
    CaseDocument,
    CaseEvent,
    CaseLink,
    CaseParticipant,
    CaseParty,
    DocumentSource,
    DocumentTemplate,
    LegalReviewAssignment,
    LinkKind,
    Owed,
    ParticipantRole,
    PartyRole,
)
from fazhi.workdays.deadlines import Deadline, compute_rule, rules_by_code
from fazhi.workdays.index import current_calendar

STALE = "该{word}已被他人处理，请刷新"


class StaleCase(ValidationError):
    """The case changed since the page was shown (a second click, or a colleague)."""

    def __init__(self, word: str = "案件") -> None:
        super().__init__(STALE.format(word=word))


@dataclass(frozen=True)
class Upload:
    """A file given with an action for its input ``input``; checked here (CASE_UPLOADS)."""

    input: str
    name: str
    data: bytes


# --- clocks --------------------------------------------------------------------------
#
# A case runs several named periods at once (engine.Clock.name); each is stored with what
# recomputes it (rule, start, pauses, extensions) and its due date; the case's due_on is the
# earliest due date of the clocks that run (a stopped clock does not govern while another
# runs), and its explanation says which clock governs.


def _deadline(
    clock: Mapping[str, Any], *, explain: bool = True, calendar: Any = None, rules: Any = None
) -> Deadline | None:
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
        calendar=calendar if calendar is not None else (None if explain else current_calendar()),
        rules=rules,
    )


def clocks_of(case: Case) -> dict[str, dict[str, Any]]:
    """The case's named clocks (name → stored clock)."""
    return {name: dict(clock) for name, clock in (case.clock or {}).items()}


def case_deadlines(case: Case) -> dict[str, Deadline]:
    """Every running period of the case with its explanation, by clock name."""
    found: dict[str, Deadline] = {}
    for name, clock in clocks_of(case).items():
        deadline = _deadline(clock)
        if deadline is not None:
            found[name] = deadline
    return found


def _governing(deadlines: Mapping[str, Deadline]) -> tuple[str, Deadline] | None:
    """The clock whose due date is the case's: the earliest of those that run, else (all
    stopped) the earliest of the stopped ones."""
    if not deadlines:
        return None
    running = [(d.due, name) for name, d in deadlines.items() if not d.paused]
    pool = running or [(d.due, name) for name, d in deadlines.items()]
    _, name = min(pool)
    return name, deadlines[name]


def case_deadline(case: Case) -> Deadline | None:
    """The period that governs the case's due date, with its explanation."""
    found = _governing(case_deadlines(case))
    return found[1] if found else None


def _clock_label(name: str, clock: Mapping[str, Any] | None, rules: Any = None) -> str:
    if clock and clock.get("rule"):
        from fazhi.workdays.models import DeadlineRule

        if rules is not None and rules.get(clock["rule"]):
            return str(rules[clock["rule"]][0].name)
        rule = (
            DeadlineRule.objects.filter(code=clock["rule"]).values_list("name", flat=True).first()
        )
        if rule:
            return str(rule)
    return "办理期限" if name == engine.MAIN else name


def _apply_clock(
    clocks: dict[str, dict[str, Any]], effect: engine.Clock, on: date, inputs: Mapping[str, Any]
) -> dict[str, dict[str, Any]]:
    day = on.isoformat()
    clocks = {name: dict(clock) for name, clock in clocks.items()}
    if effect.op == engine.START:
        clocks[effect.name] = {"rule": effect.rule, "start": day, "pauses": [],
                               "extensions": [], "owed_by": effect.owed_by}  # fmt: skip
        return clocks
    if effect.op == engine.CLEAR:
        if effect.name == engine.ALL:
            return {}
        clocks.pop(effect.name, None)
        return clocks
    clock = clocks.get(effect.name)
    if not clock:
        raise ValidationError(f"期限“{_clock_label(effect.name, None)}”没有在计算")
    clock["pauses"] = [list(p) for p in clock.get("pauses", [])]
    pauses = clock["pauses"]
    if effect.op == engine.STOP:
        if pauses and pauses[-1][1] is None:
            raise ValidationError(f"“{_clock_label(effect.name, clock)}”已经中止计算，不能重复中止")
        pauses.append([day, None])
        clock["owed_by"] = effect.owed_by
    elif effect.op == engine.RESUME:
        if not pauses or pauses[-1][1] is not None:
            raise ValidationError(f"“{_clock_label(effect.name, clock)}”没有中止，无需恢复")
        pauses[-1][1] = day
        clock["owed_by"] = effect.owed_by
    elif effect.op == engine.EXTEND:
        raw = inputs.get(effect.amount_input) if effect.amount_input else None
        amount = int(raw) if raw not in (None, "") else 0
        if amount < 1:
            raise ValidationError("延长的期限必须为正整数")
        clock["extensions"] = [*clock.get("extensions", []), [amount, inputs.get("reason", "")]]
    clocks[effect.name] = clock
    return clocks


def _set_due(
    case: Case,
    clocks: dict[str, dict[str, Any]],
    *,
    calendar: Any = None,
    rules: Any = None,
    computed: Mapping[str, Deadline] | None = None,
    memo: _Memo | None = None,
) -> None:
    """Store the clocks with their due dates and the case's governing due date (explained:
    the governing clock in full, the others by name and date). ``computed``: the clocks'
    deadlines already computed (without explanation) on the same calendar."""
    cal = calendar if calendar is not None else current_calendar()
    deadlines: dict[str, Deadline] = dict(computed or {})
    for name, clock in clocks.items():
        if name not in deadlines:
            found = _deadline(clock, explain=False, calendar=cal, rules=rules)
            assert found is not None
            deadlines[name] = found
        clock["due"] = deadlines[name].due.isoformat()
    governing = _governing(deadlines)
    case.clock = clocks
    if governing is None:
        case.due_on, case.due_paused, case.due_complete = None, False, True
        case.due_owed_by, case.due_explanation = "", []
        return
    name, _ = governing
    if memo is not None:
        deadline = memo.get_deadline(clocks[name], cal, rules, explain=True)
    else:
        found = _deadline(clocks[name], calendar=cal, rules=rules)
        assert found is not None
        deadline = found
    deadlines[name] = deadline
    case.due_on = deadline.due
    case.due_paused = deadline.paused
    case.due_complete = all(d.calendar_complete for d in deadlines.values())
    case.due_owed_by = clocks[name].get("owed_by", "")
    case.due_explanation = _explanation(name, deadline, deadlines, clocks, rules)


def _explanation(
    name: str,
    deadline: Deadline,
    deadlines: Mapping[str, Deadline],
    clocks: Mapping[str, Mapping[str, Any]],
    rules: Any = None,
) -> list[str]:
    lines = list(deadline.explanation)
    if len(deadlines) > 1:
        others = "；".join(
            f"“{_clock_label(n, clocks[n], rules)}”至 {d.due.isoformat()}{'（中止计算）' if d.paused else ''}"
            for n, d in sorted(deadlines.items(), key=lambda item: item[1].due)
            if n != name
        )
        lines.insert(0, f"本案同时计算 {len(deadlines)} 个期限，以最早届满的"
                        f"“{_clock_label(name, clocks[name], rules)}”为准；另有{others}。")  # fmt: skip
    return lines


# --- actions -------------------------------------------------------------------------


def _check_inputs(
    action: engine.Action,
    inputs: Mapping[str, Any],
    uploads: list[Upload],
    *,
    drafted: bool = False,
) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    given_files = {u.input for u in uploads}
    for spec in action.inputs:
        if spec.kind == "file":
            if spec.required and spec.name not in given_files and not drafted:
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
    drafted: CaseApproval | None = None,
) -> CaseEvent:
    clean = _check_inputs(action, inputs, uploads, drafted=drafted is not None)
    files = list(zip([u.input for u in uploads], _check_files(uploads), strict=True))
    if action.check is not None:
        action.check(case, on, clean)
    clocks = clocks_of(case)
    for effect in action.clock:
        clocks = _apply_clock(clocks, effect, on, clean)
    state_before = case.state if case.pk else ""
    if action.target is not None:
        case.state = action.target
    state = procedure.state(case.state)
    case.is_open = state.open
    if not state.open and case.closed_on is None:
        case.closed_on = on
    if not state.open:
        clocks = {}
    _set_due(case, clocks)
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
    made = _documents(case, event, procedure, action, clean, files)
    if drafted is not None:
        made += list(CaseDocument.objects.filter(case=case, approval=drafted))
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


def document_context(
    case: Case, event: CaseEvent, procedure: engine.Procedure, inputs: Mapping[str, Any]
) -> dict[str, Any]:
    """The values a document template of the case may use."""
    context: dict[str, Any] = {
        "doc_number": "",
        "number": case.number,  # a numbered document shows its own 文号 here
        "case_number": case.number,
        "unit": case.owner_unit.name,
        "title": case.title,
        "date": event.on,
        "due_on": case.due_on or "",
        **inputs,
    }
    if procedure.document_context is not None:
        context.update(procedure.document_context(case, event, dict(inputs)))
    return context


def _unsealed(action: engine.Action, approval: CaseApproval) -> dict[str, Any]:
    """The inputs of a draft as typed: its sensitive ones were sealed when it was drafted."""
    return {
        k: crypto.unseal(v) if k in action.sensitive and isinstance(v, str) else v
        for k, v in approval.inputs.items()
    }


def approval_preview(case: Case, approval: CaseApproval, template: str) -> bytes:
    """The document the drafted action will issue, as it reads now (marked 草稿 by the
    caller's file name): for the signers to read before they sign."""
    procedure = engine.get(case.procedure)
    spec = procedure.action(approval.action)
    if spec is None or template not in {d.template for d in spec.documents}:
        raise ValidationError("该事项没有这份文书")
    clean = _check_inputs(spec, _unsealed(spec, approval), [], drafted=True)
    found = next(d for d in spec.documents if d.template == template)
    if found.when is not None and not found.when(clean):
        raise ValidationError("按拟办内容，该文书不会生成")
    event = CaseEvent(case=case, on=timezone.localdate(), action=spec.code, label=spec.label)
    context = document_context(case, event, procedure, clean)
    if found.number_word:
        context["doc_number"] = context["number"] = "（签发时编号）"
    return docs.render(template, context)


def _check_files(uploads: list[Upload]) -> list[Checked]:
    """The files by content (CASE_UPLOADS), before anything of the action is written."""
    return check_all(CASE_UPLOADS, [(u.name, u.data) for u in uploads])


def _documents(
    case: Case,
    event: CaseEvent,
    procedure: engine.Procedure,
    action: engine.Action,
    inputs: dict[str, Any],
    files: list[tuple[str, Checked]],
) -> list[CaseDocument]:
    made: list[CaseDocument] = []
    labels = {spec.name: spec.label for spec in action.inputs}
    for name, item in files:
        made.append(
            CaseDocument.objects.create(
                case=case,
                event=event,
                kind=name,
                title=labels.get(name, name),
                filename=item.name,
                file=file_store(data=item.data, kind=item.kind, content_type=item.content_type),
                source=DocumentSource.UPLOADED,
                for_applicant=action.by == "applicant",
            )
        )
    for spec in action.documents:
        if spec.when is not None and not spec.when(inputs):
            continue
        context = document_context(case, event, procedure, inputs)
        number = ""
        if spec.number_word:  # a numbered 法定文书: its own 文号 series, taken on issue
            _, number = numbering.number_take(
                unit=case.owner_unit, series=numbering.series_for_document(spec.template),
                year=event.on.year,
            )  # fmt: skip
            context["doc_number"] = context["number"] = number
        data = docs.render(spec.template, context)
        made.append(
            CaseDocument.objects.create(
                case=case,
                event=event,
                kind=spec.template,
                title=spec.title,
                number=number,
                filename=f"{case.number or case.pk}-{spec.title}.docx",
                file=file_store(data=data, kind="docx", content_type=docs.DOCX),
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
    if case.awaiting and spec.by == "office":
        pending = case.approvals.filter(state=ApprovalState.PENDING).first()
        what = f"“{pending.label}”" if pending else "拟办事项"
        return Verdict(
            False,
            f"本案{what}正在审批（{_step_label(procedure, pending)}），签发或退回后才能办理其他事项",
            "case",
        )
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
            raise StaleCase(engine.get(case.procedure).record_word)
        verdict = _case_verdict(case, proc, spec)
        if not verdict:
            raise ValidationError(verdict.reason)
        _check_date(case, on)
        if number and not case.number:
            _assign_number(case, proc, on.year)
        if spec.approval:
            return _draft(
                case=case, procedure=proc, action=spec, actor=actor,
                actor_name=_actor_name(actor, actor_name), on=on, inputs=inputs or {},
                uploads=uploads or [],
            )  # fmt: skip
        return _run(
            case=case, procedure=proc, action=spec, actor=actor,
            actor_name=_actor_name(actor, actor_name), on=on, inputs=inputs or {},
            uploads=uploads or [],
        )  # fmt: skip


# --- sign-off (Action.approval) -----------------------------------------------------------
#
# An action with an approval chain is drafted: its inputs are checked and kept (sealed as in
# an event), its uploads attached to the case but not sent, and the case waits for the
# chain's first step. Each step is signed by someone the step names (a permission on the
# case's unit, or on a unit taking part in the case); when the last signs, the action runs
# as if taken then — the state changes, the clocks move and the documents are made and reach
# the applicant. A refusal at any step returns the draft to its drafter with the reasons.


def _step_label(procedure: engine.Procedure, approval: CaseApproval | None) -> str:
    if approval is None:
        return ""
    spec = procedure.action(approval.action)
    for step in spec.approval if spec else ():
        if step.code == approval.step:
            return step.label
    return approval.step


def steps_in_force(case: Case, action: engine.Action) -> list[engine.Step]:
    """The steps of ``action``'s chain for this case's unit: an optional step (法制审核) may
    be switched off per unit and procedure action (ApprovalSetting)."""
    off = set(
        ApprovalSetting.objects.filter(
            unit_id=case.owner_unit_id, procedure=case.procedure, action=action.code,
            enabled=False,
        ).values_list("step", flat=True)
    )  # fmt: skip
    return [s for s in action.approval if not (s.optional and s.code in off)]


def _step(procedure: engine.Procedure, approval: CaseApproval) -> engine.Step:
    spec = procedure.action(approval.action)
    assert spec is not None
    return next(s for s in spec.approval if s.code == approval.step)


def _enter_step(case: Case, step: engine.Step, label: str = "") -> None:
    """A step taken by a participating unit brings that unit into the case; whoever signs
    the step is told that the case waits for them."""
    from django.urls import reverse

    from fazhi.core import notifications

    case.awaiting = step.code
    if step.participant == ParticipantRole.LEGAL_REVIEW:
        assigned = LegalReviewAssignment.objects.filter(unit_id=case.owner_unit_id).first()
        if assigned is not None:
            CaseParticipant.objects.get_or_create(
                case=case, unit_id=assigned.reviewer_id, role=ParticipantRole.LEGAL_REVIEW
            )
    signers = step_signers(case, step)
    if signers:
        notifications.notify_users(
            signers, kind="case.sign" if step.code in ("sign", "collective") else "case.review",
            text=f"{case.number or case.title}{f'“{label}”' if label else ''}待{step.label}",
            url=reverse("procedures:timeline", args=[case.pk]),
        )  # fmt: skip


def step_units(case: Case, step: engine.Step) -> list[int]:
    """The units whose staff (with the step's permission) sign this step of the case."""
    if step.participant:
        joined = list(
            CaseParticipant.objects.filter(case=case, role=step.participant).values_list(
                "unit_id", flat=True
            )
        )
        if joined:
            return joined
    return [case.owner_unit_id] if case.owner_unit_id else []


def step_signers(case: Case, step: engine.Step) -> list[User]:
    """The active users who may sign ``step`` of the case (to tell them it waits for them)."""
    users = User.objects.filter(unit_id__in=step_units(case, step), is_active=True)
    return [u for u in users.order_by("pk") if u.has_fazhi_perm(step.permission)]


def _append_event(
    case: Case, *, action: str, label: str, on: date, actor: User | None, actor_name: str,
    data: dict[str, Any], state_before: str,
) -> CaseEvent:  # fmt: skip
    seq = (case.events.order_by("-seq").values_list("seq", flat=True).first() or 0) + 1
    return CaseEvent.objects.create(
        case=case, seq=seq, action=action, label=label, on=on, actor=actor,
        actor_name=actor_name, state_before=state_before, state_after=case.state, data=data,
        due_after=case.due_on, explanation=case.due_explanation,
    )  # fmt: skip


def _draft(
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
    files = list(zip([u.input for u in uploads], _check_files(uploads), strict=True))
    if action.check is not None:
        action.check(case, on, clean)
    would_make = bool(uploads) or any(d.when is None or d.when(clean) for d in action.documents)
    if action.requires_document and not would_make:
        raise ValidationError(action.requires_document_message or f"“{action.label}”必须附文书")
    steps = steps_in_force(case, action)
    approval = CaseApproval.objects.create(
        case=case, action=action.code, label=action.label, steps=[s.code for s in steps],
        step=steps[0].code, inputs=_protected(action, clean, crypto.seal), drafted_by=actor,
        drafted_by_name=actor_name, drafted_on=on,
    )  # fmt: skip
    _enter_step(case, steps[0], action.label)
    case.version += 1
    case.save(update_fields=["awaiting", "version", "updated_at"])
    event = _append_event(
        case, action="approval.submit", label=f"{action.label}（拟稿送审）", on=on, actor=actor,
        actor_name=actor_name, state_before=case.state,
        data={"approval": approval.pk, "for": action.code, "step": steps[0].code},
    )  # fmt: skip
    labels = {spec.name: spec.label for spec in action.inputs}
    for name, item in files:
        CaseDocument.objects.create(
            case=case, event=event, approval=approval, kind=name,
            title=labels.get(name, name), filename=item.name,
            file=file_store(data=item.data, kind=item.kind, content_type=item.content_type),
            source=DocumentSource.UPLOADED, for_applicant=False,
        )  # fmt: skip
    audit.record(
        action="case.approval_submitted", actor=actor, actor_name=actor_name, obj=case,
        after={"approval": approval.pk, "for": action.code, "step": steps[0].code,
               **_protected(action, clean, crypto.mask)},
    )  # fmt: skip
    return event


def approval_allowed(actor: User | None, approval: CaseApproval) -> Verdict:
    """Whether ``actor`` may sign (or refuse) the current step of ``approval`` now: the page
    offers 同意/退回 exactly when this allows it, and approval_decide refuses otherwise."""
    case = approval.case
    procedure = engine.get(case.procedure)
    if approval.state != ApprovalState.PENDING:
        return Verdict(False, "该事项已经审批完毕", "case")
    if actor is None:
        return Verdict(False, "审批须由工作人员进行", "actor")
    if not _visible(actor, case):
        return Verdict(False, NOT_FOUND, "actor")
    step = _step(procedure, approval)
    if not actor.has_fazhi_perm(step.permission):
        return Verdict(False, f"“{step.label}”须由具有“{Permission(step.permission).label}”"
                              "权限的人员进行", "permission")  # fmt: skip
    if not actor.is_superuser:
        if actor.unit_id not in step_units(case, step):
            return Verdict(False, f"“{step.label}”不由您所在的单位办理", "actor")
        if approval.drafted_by_id == actor.pk:
            return Verdict(False, "拟稿人不能审批自己起草的事项", "actor")
        if approval.decisions.filter(approved=True, actor=actor).exists():
            return Verdict(False, "同一人不能在审批链中签批两次", "actor")
    return ALLOWED


def pending_approval(case: Case) -> CaseApproval | None:
    return case.approvals.filter(state=ApprovalState.PENDING).first() if case.awaiting else None


def approval_decide(
    *,
    actor: User | None,
    approval_id: int,
    approve: bool,
    on: date,
    version: int | None,
    comment: str = "",
    record: str = "",
    dissent: str = "",
) -> CaseApproval:
    """Sign the current step (``approve``) or refuse it with reasons. The last signature runs
    the drafted action; a refusal returns the draft to its drafter."""
    shown = CaseApproval.objects.select_related("case").filter(pk=approval_id).first()
    if shown is None or (actor is not None and not _visible(actor, shown.case)):
        raise ValidationError(NOT_FOUND)
    if version is not None and shown.case.version != version:
        raise StaleCase(engine.get(shown.case.procedure).record_word)  # a second click
    verdict = approval_allowed(actor, shown)
    if not verdict:
        _refuse(actor, verdict, action=f"approval.{shown.step}", case=shown.case,
                procedure=shown.case.procedure)  # fmt: skip
    comment = typed(comment, "审批意见", limit=2000)
    record = typed(record, "集体讨论记录", limit=20000)
    dissent = typed(dissent, "不同意见", limit=5000)
    if not approve and not comment:
        raise ValidationError("退回时请写明理由")
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=shown.case_id)
        if version is not None and case.version != version:
            raise StaleCase(engine.get(case.procedure).record_word)
        approval = CaseApproval.objects.select_for_update().get(pk=approval_id)
        approval.case = case
        verdict = approval_allowed(actor, approval)
        if not verdict:
            raise ValidationError(verdict.reason)
        procedure = engine.get(case.procedure)
        step = _step(procedure, approval)
        if step.record and approve and not record:
            raise ValidationError(f"“{step.label}”须填写集体讨论记录（出席人员、讨论意见、决定）")
        _check_date(case, on)
        name = _actor_name(actor, "")
        ApprovalDecision.objects.create(
            approval=approval, step=step.code, approved=approve, comment=comment, record=record,
            dissent=dissent, actor=actor, actor_name=name,
            unit_name=actor.unit.name if actor and actor.unit else "", on=on,
        )  # fmt: skip
        spec = procedure.action(approval.action)
        assert spec is not None
        steps = [s for s in spec.approval if s.code in approval.steps]
        position = [s.code for s in steps].index(step.code)
        data = {"approval": approval.pk, "for": approval.action, "step": step.code}
        if not approve:
            approval.state, approval.step = ApprovalState.RETURNED, ""
            approval.save(update_fields=["state", "step"])
            case.awaiting = ""
            case.version += 1
            case.save(update_fields=["awaiting", "version", "updated_at"])
            _append_event(
                case, action="approval.return", label=f"{step.label}：退回",
                on=on, actor=actor, actor_name=name, state_before=case.state,
                data={**data, "comment": comment},
            )  # fmt: skip
            audit.record(action="case.approval_returned", actor=actor, obj=case,
                         after={**data, "comment": comment})  # fmt: skip
            return approval
        _append_event(
            case, action="approval.approve", label=f"{step.label}：同意", on=on, actor=actor,
            actor_name=name, state_before=case.state,
            data={**data, "comment": comment, **({"record": record, "dissent": dissent}
                                                 if step.record else {})},
        )  # fmt: skip
        if position + 1 < len(steps):
            approval.step = steps[position + 1].code
            approval.save(update_fields=["step"])
            _enter_step(case, steps[position + 1], spec.label)
            case.version += 1
            case.save(update_fields=["awaiting", "version", "updated_at"])
            audit.record(action="case.approval_signed", actor=actor, obj=case,
                         after={**data, "next": approval.step})  # fmt: skip
            return approval
        approval.state, approval.step = ApprovalState.APPROVED, ""
        approval.save(update_fields=["state", "step"])
        case.awaiting = ""
        audit.record(action="case.approval_signed", actor=actor, obj=case,
                     after={**data, "next": ""})  # fmt: skip
        _run(
            case=case, procedure=procedure, action=spec, actor=actor, actor_name=name, on=on,
            inputs=_unsealed(spec, approval), uploads=[], drafted=approval,
        )  # fmt: skip
    return approval


# --- parties, participating units, links, appointments -------------------------------------
#
# One rule for the timeline page that offers the forms and the services that write: the
# staff of the case's own unit with 办理案件 (case_edit_allowed). Whoever else sees the case
# (a participating unit, another unit's staff with a wider scope, a supervisor) reads its
# parties, units, links and 日程, and changes none of them.

CASE_EDIT = engine.Action("case.edit", "办理案件", sources=("*",))


def case_edit_allowed(actor: User | None, case: Case) -> Verdict:
    """Whether ``actor`` may change the case's parties, participating units, links and 日程:
    the actor rule of every office step (action_allowed) without the case's state, so that
    a closed case can still be linked to the 复议 case that came out of it."""
    if not _visible(actor, case):
        return Verdict(False, NOT_FOUND, "actor")
    return _actor_verdict(actor, CASE_EDIT, case.owner_unit_id)


def case_edit_check(*, actor: User | None, case_id: int) -> Case:
    """The case if case_edit_allowed, else refused (audited, and the audit event stays: call
    it before the write's transaction, whose rollback would take the event with it)."""
    shown: Case | None = (
        Case.objects.visible_to(actor).filter(pk=case_id).first() if actor else None
    )
    if shown is None:
        raise ValidationError(NOT_FOUND)
    verdict = case_edit_allowed(actor, shown)
    if not verdict:
        _refuse(actor, verdict, action=CASE_EDIT.code, case=shown, procedure=shown.procedure)
    return shown


@contextmanager
def _editing(actor: User | None, case_id: int) -> Iterator[Case]:
    """The case, locked, for a write to its parts by a member of staff of its own unit,
    inside the write's transaction. The check runs first outside it (so that a refusal
    stays audited), and again on the locked row."""
    case_edit_check(actor=actor, case_id=case_id)
    with transaction.atomic():
        locked: Case = Case.objects.select_for_update().get(pk=case_id)
        verdict = case_edit_allowed(actor, locked)
        if not verdict:
            raise ValidationError(verdict.reason)
        yield locked


def case_party_add(
    *, actor: User | None, case_id: int, role: str, name: str, id_number: str = "",
    phone: str = "", address: str = "",
) -> CaseParty:  # fmt: skip
    """Register a party; the ID number and phone are sealed (SM4), the audit masks them."""
    from fazhi.core.validators import validate_phone, validate_ric

    if role not in PartyRole.values:
        raise ValidationError("请选择当事人身份")
    name = typed(name, "姓名或名称", limit=128, required="请填写“姓名或名称”")
    address = typed(address, "地址", limit=255)
    id_number, phone = tidy(id_number), tidy(phone)
    if id_number:
        id_number = validate_ric(id_number)
    if phone:
        phone = validate_phone(phone)
    with _editing(actor, case_id) as case:
        party = CaseParty.objects.create(
            case=case, role=role, name=name, address=address,
            id_number=crypto.seal(id_number) if id_number else "",
            phone=crypto.seal(phone) if phone else "",
        )  # fmt: skip
        audit.record(action="case.party_added", actor=actor, obj=case,
                     after={"party": party.pk, "role": role, "name": name,
                            "id_number": crypto.mask(id_number),
                            "phone": crypto.mask(phone)})  # fmt: skip
    return party


def case_party_remove(*, actor: User | None, case_id: int, party_id: int) -> CaseParty:
    """Remove a wrongly entered party: the row goes (with its sealed personal data), the audit
    keeps who it was, masked."""
    with _editing(actor, case_id) as case:
        party = CaseParty.objects.filter(case=case, pk=party_id).first()
        if party is None:
            raise ValidationError("未找到该当事人：可能已被删除，请刷新页面")
        audit.record(action="case.party_removed", actor=actor, obj=case,
                     before={"party": party.pk, "role": party.role, "name": party.name,
                             "id_number": crypto.masked(party.id_number),
                             "phone": crypto.masked(party.phone)})  # fmt: skip
        party.delete()
    return party


def case_participant_add(
    *, actor: User | None, case_id: int, unit: Organisation, role: str
) -> CaseParticipant:
    """Bring a unit from another branch into the case (it sees the case, and takes the steps
    of its role: nothing else)."""
    if role not in ParticipantRole.values:
        raise ValidationError("请选择参与单位的角色")
    if not unit.is_active:
        raise ValidationError(f"“{unit.name}”已停用，不能参与案件")
    with _editing(actor, case_id) as case:
        if unit.pk == case.owner_unit_id:
            raise ValidationError(f"本案由“{unit.name}”承办，无需再作为参与单位")
        row, created = CaseParticipant.objects.get_or_create(case=case, unit=unit, role=role)
        if not created:
            raise ValidationError(f"“{unit.name}”已作为“{ParticipantRole(role).label}”参与本案")
        audit.record(action="case.participant_added", actor=actor, obj=case,
                     after={"unit": unit.name, "role": role})  # fmt: skip
    return row


def case_link(
    *, actor: User | None, source_id: int, target_id: int, kind: str, note: str = ""
) -> CaseLink:
    """Record that ``target`` came out of ``source`` (a refusal → its 复议 case). The actor
    must be able to see both; the link is written on the source's side."""
    if kind not in LinkKind.values:
        raise ValidationError("请选择案件之间的关系")
    if source_id == target_id:
        raise ValidationError("案件不能与自身关联")
    note = typed(note, "说明", limit=255)
    if actor is None or not Case.objects.visible_to(actor).filter(pk=target_id).exists():
        raise ValidationError(NOT_FOUND)
    with _editing(actor, source_id) as source:
        link, created = CaseLink.objects.get_or_create(
            source=source, target_id=target_id, kind=kind, defaults={"note": note}
        )
        if not created:
            raise ValidationError(f"两案已有“{LinkKind(kind).label}”的关联")
        audit.record(action="case.linked", actor=actor, obj=source,
                     after={"target": target_id, "kind": kind})  # fmt: skip
    return link


def case_appointment_set(
    *, actor: User | None, case_id: int, kind: str, label: str = "", on: date,
    place: str = "", note: str = "",
) -> CaseAppointment:  # fmt: skip
    """Fix a future-dated event (听证会, 开庭): it may not lie in the past, nor absurdly far.
    ``label`` names it (default: the name of its ``kind``)."""
    from fazhi.core import dates

    if kind not in AppointmentKind.values:
        raise ValidationError("请选择日程类别")
    label = typed(label, "事项", limit=64) or AppointmentKind(kind).label
    place, note = typed(place, "地点", limit=255), typed(note, "说明", limit=2000)
    dates.check(on, label="日程日期")
    if on < timezone.localdate():
        raise ValidationError(
            f"日程日期 {on.isoformat()} 早于今天：已经发生的事项请作为办理步骤登记"
        )
    with _editing(actor, case_id) as case:
        row = CaseAppointment.objects.create(
            case=case, kind=kind, label=label, on=on, place=place, note=note
        )
        audit.record(action="case.appointment_set", actor=actor, obj=case,
                     after={"appointment": row.pk, "kind": kind, "name": label, "on": on,
                            "place": place})  # fmt: skip
    return row


def case_appointment_cancel(
    *, actor: User | None, case_id: int, appointment_id: int
) -> CaseAppointment:
    """Cancel a 日程 (entered wrongly, or called off): kept, marked cancelled, audited."""
    with _editing(actor, case_id) as case:
        row = CaseAppointment.objects.filter(case=case, pk=appointment_id).first()
        if row is None:
            raise ValidationError("未找到该日程，请刷新页面")
        if row.cancelled:
            raise ValidationError(f"“{row.label}”已经取消")
        row.cancelled = True
        row.save(update_fields=["cancelled"])
        audit.record(action="case.appointment_cancelled", actor=actor, obj=case,
                     before={"appointment": row.pk, "name": row.label, "on": row.on},
                     after={"cancelled": True})  # fmt: skip
    return row


# --- recomputation when the calendar changes --------------------------------------------


RECOMPUTE_CHUNK = 2000
_RECOMPUTED = ("clock", "due_on", "due_paused", "due_complete", "due_owed_by", "due_explanation")


def recompute_open_cases(first_day: date, last_day: date) -> int:
    """Recompute the stored due dates of open cases whose periods may span the changed days
    (called when a holiday year is imported). Every clock is recomputed from its rule, with
    the rules and the calendar loaded once; only the cases whose due dates or calendar
    completeness change are written (one statement per chunk) and audited: one chained
    audit event per chunk of up to RECOMPUTE_CHUNK cases, listing each case with its due
    date before and after."""
    calendar = current_calendar()
    rules = rules_by_code()
    memo = _Memo()
    changed = 0
    candidates = (
        Case.objects.filter(is_open=True, due_on__isnull=False, due_on__gte=first_day)
        .order_by("pk")
        .only("pk", *_RECOMPUTED)
    )
    last_pk = 0
    with transaction.atomic():
        while True:
            chunk = list(candidates.filter(pk__gt=last_pk).select_for_update()[:RECOMPUTE_CHUNK])
            if not chunk:
                break
            last_pk = chunk[-1].pk
            updates: list[Case] = []
            listed: list[list[Any]] = []
            for case in chunk:
                before = case.due_on
                if _recompute(case, first_day, last_day, calendar, rules, memo):
                    updates.append(case)
                    listed.append([case.pk, before, case.due_on])
            if updates:
                _write_due(updates)
                audit.record(
                    action="case.due_recomputed", actor_name="系统",
                    object_type="procedures.case", object_id=f"{updates[0].pk}-{updates[-1].pk}",
                    object_repr=f"{len(updates)} 件案件",
                    after={"count": len(updates), "cases": listed},
                )  # fmt: skip
                changed += len(updates)
    return changed


def _write_due(cases: list[Case]) -> None:
    """Write the recomputed fields of a chunk of cases. On PostgreSQL the rows are copied
    (COPY) into a temporary table and written by one UPDATE … FROM; elsewhere one UPDATE per
    case is sent as one batch (executemany). Django's bulk_update builds a CASE expression
    per field and row, which costs more than the computation."""
    import json

    from django.db import connection

    table = connection.ops.quote_name(Case._meta.db_table)
    now = timezone.now()
    rows = [
        (c.pk, json.dumps(c.clock, ensure_ascii=False), c.due_on, c.due_paused, c.due_complete,
         c.due_owed_by, json.dumps(c.due_explanation, ensure_ascii=False))
        for c in cases
    ]  # fmt: skip
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        with connection.connection.cursor() as cursor:  # psycopg's own: COPY
            cursor.execute(
                "CREATE TEMPORARY TABLE IF NOT EXISTS fazhi_recomputed_due (id bigint, "
                "clock jsonb, due_on date, due_paused boolean, due_complete boolean, "
                "due_owed_by varchar(16), due_explanation jsonb) ON COMMIT DROP"
            )
            with cursor.copy("COPY fazhi_recomputed_due FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(
                f"UPDATE {table} AS c SET clock = v.clock, due_on = v.due_on, "  # noqa: S608
                "due_paused = v.due_paused, due_complete = v.due_complete, "
                "due_owed_by = v.due_owed_by, due_explanation = v.due_explanation, "
                "updated_at = %s FROM fazhi_recomputed_due AS v WHERE c.id = v.id",
                [now],
            )
            cursor.execute("TRUNCATE fazhi_recomputed_due")
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET clock = %s, due_on = %s, due_paused = %s, "  # noqa: S608
            "due_complete = %s, due_owed_by = %s, due_explanation = %s, updated_at = %s "
            "WHERE id = %s",
            [(*row[1:], now, row[0]) for row in rows],
        )


class _Memo(dict[tuple[Any, ...], Deadline]):
    """Deadlines computed during one recompute, by what determines them: cases received the
    same day under the same rule share their periods, so each is computed once."""

    def get_deadline(
        self, clock: Mapping[str, Any], calendar: Any, rules: Any, *, explain: bool
    ) -> Deadline:
        key = (clock["rule"], clock["start"], repr(clock.get("pauses")),
               repr(clock.get("extensions")), explain)  # fmt: skip
        found = self.get(key)
        if found is None:
            found = _deadline(clock, explain=explain, calendar=calendar, rules=rules)
            assert found is not None
            self[key] = found
        return found


def _recompute(
    case: Case, first_day: date, last_day: date, calendar: Any, rules: Any, memo: _Memo
) -> bool:
    """Recompute ``case``'s clocks in place; True when anything stored changes."""
    clocks = clocks_of(case)
    if not any(date.fromisoformat(c["start"]) <= last_day for c in clocks.values()):
        return False
    fresh = {
        name: memo.get_deadline(clock, calendar, rules, explain=False)
        for name, clock in clocks.items()
    }
    complete = all(d.calendar_complete for d in fresh.values())
    if complete == case.due_complete and all(
        clocks[name].get("due") == d.due.isoformat() for name, d in fresh.items()
    ):
        return False
    _set_due(case, clocks, calendar=calendar, rules=rules, computed=fresh, memo=memo)
    return True


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
    "approval_allowed",
    "approval_decide",
    "case_act",
    "case_appointment_cancel",
    "case_appointment_set",
    "case_deadline",
    "case_edit_allowed",
    "case_edit_check",
    "case_link",
    "case_open",
    "case_participant_add",
    "case_party_add",
    "case_party_remove",
    "check_open",
    "open_allowed",
    "pending_approval",
    "recompute_open_cases",
    "step_signers",
    "step_units",
    "steps_in_force",
    "template_replace",
    "template_reset",
]
