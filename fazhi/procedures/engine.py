"""How a procedure is declared in code: states, actions (who, inputs, documents, clock effects).

A module declares its procedure once and registers it (see docs/procedures.md); the
services in :mod:`fazhi.procedures.services` run every action the same way: permission,
row lock, version check, state check, inputs, clock, documents, event, audit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from fazhi.core.models import Permission

if TYPE_CHECKING:
    from fazhi.procedures.models import Case, CaseEvent


@dataclass(frozen=True)
class State:
    code: str
    label: str
    open: bool = True


@dataclass(frozen=True)
class Input:
    """One thing the action asks for. ``kind``: text, textarea, date, choice, int, file."""

    name: str
    label: str
    kind: str = "text"
    required: bool = True
    choices: tuple[tuple[str, str], ...] = ()
    help: str = ""
    initial: str = ""
    # Shown on the action's form; False for values the module's own service fills in.
    on_form: bool = True
    # Personal data and credentials (ID numbers, phones, an applicant's query code, anything
    # derived from them): sealed with SM4 in the event log, masked whole in the audit trail
    # and on the case's timeline (fazhi.core.crypto.mask).
    sensitive: bool = False


MAIN = "main"  # the clock of a procedure that runs one period at a time
ALL = "*"  # CLEAR every clock of the case


@dataclass(frozen=True)
class Clock:
    """The effect of an action on one of the case's named periods (``name``; several run
    at once, e.g. a penalty case's decision period and a hearing request inside it).

    start: a new period under ``rule`` from the event date (replaces that clock);
    stop: the clock stands still from the event date; resume: it runs again from the
    event date; extend: add ``amount_input`` to the period (the rule caps the total);
    clear: the clock no longer runs (``name`` ALL: none runs any more — replied, withdrawn).
    The case's due date is the earliest due date of its running clocks.
    """

    op: str
    rule: str = ""
    owed_by: str = "office"
    amount_input: str = ""
    name: str = MAIN


START, STOP, RESUME, EXTEND, CLEAR = "start", "stop", "resume", "extend", "clear"
CLOCK_OPS = (START, STOP, RESUME, EXTEND, CLEAR)


@dataclass(frozen=True)
class Step:
    """One sign-off of an approval chain: who takes it (a permission on the case's unit, or
    on a unit that participates in the case with ``participant`` role), and whether a
    city may switch it off per unit (ApprovalSetting). ``record``: a 集体讨论 step, whose
    decision carries the meeting record and any dissent."""

    code: str
    label: str
    permission: str
    participant: str = ""
    optional: bool = False
    record: bool = False


REVIEW = Step("review", "承办机构负责人审核", Permission.APPROVE)
LEGAL = Step("legal", "法制审核", Permission.LEGAL_REVIEW, participant="legal_review",
             optional=True)  # fmt: skip
SIGN = Step("sign", "机关负责人签发", Permission.SIGN)
COLLECTIVE = Step("collective", "集体讨论决定", Permission.SIGN, record=True)


@dataclass(frozen=True)
class Document:
    """A document an action produces from the .docx template ``template``.

    ``when`` decides from the inputs whether it is produced (default: always).
    ``number_word``: the document is a numbered 法定文书 with its own 文号 series (one per
    template and unit and year, default pattern ``<unit><number_word>〔<year>〕<seq>号``,
    set per unit in 编号格式), taken when it is issued; the template shows it as
    ``{{doc_number}}``.
    """

    template: str
    title: str
    for_applicant: bool = True
    when: Callable[[Mapping[str, Any]], bool] | None = None
    number_word: str = ""


@dataclass(frozen=True)
class Action:
    code: str
    label: str
    sources: tuple[str, ...]
    target: str | None = None  # None: the state does not change
    inputs: tuple[Input, ...] = ()
    documents: tuple[Document, ...] = ()
    clock: tuple[Clock, ...] = ()
    # Who may take it: a permission for staff; None for the applicant (checked by the caller
    # who proved the applicant's identity) or the system (`fazhi tick`).
    permission: str | None = Permission.HANDLE_CASES
    by: str = "office"  # office | applicant | system
    once: bool = False
    # At least one document (generated or uploaded) must come out of the action.
    requires_document: bool = False
    requires_document_message: str = ""
    # Procedure-specific checks; raise ValidationError (Chinese) to refuse.
    check: Callable[[Case, date, dict[str, Any]], None] | None = None
    style: str = ""  # "primary" for the main step on the page
    # A sign-off chain: the action is drafted and its effects (the state change, the clock,
    # documents reaching the applicant) happen only when the last step signs; a refusal
    # returns it to the drafter with reasons.
    approval: tuple[Step, ...] = ()

    @property
    def sensitive(self) -> frozenset[str]:
        """Names of the inputs that hold personal data (Input.sensitive)."""
        return frozenset(spec.name for spec in self.inputs if spec.sensitive)


@dataclass
class Procedure:
    code: str
    name: str
    states: tuple[State, ...]
    initial: str
    actions: tuple[Action, ...]
    number_word: str  # the default pattern is "<unit>{number_word}〔{year}〕{seq}号"
    # Called inside the action's transaction after the event is written.
    on_event: Callable[[Case, CaseEvent, dict[str, Any]], None] | None = None
    # Values a document template may use, besides the case's and the event's own.
    document_context: Callable[[Case, CaseEvent, dict[str, Any]], dict[str, Any]] | None = None
    detail_url: Callable[[Case], str] | None = None
    # What the users call one case ("申请" for disclosure requests): used in messages.
    record_word: str = "案件"
    # DeadlineRule codes the module seeds itself (besides workdays' statutory rules).
    own_rules: tuple[str, ...] = ()
    _states: dict[str, State] = field(default_factory=dict, init=False, repr=False)
    _actions: dict[str, Action] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self._states = {s.code: s for s in self.states}
        self._actions = {a.code: a for a in self.actions}
        if self.initial not in self._states:
            raise ValueError(f"{self.code}: initial state {self.initial} is not declared")
        for action in self.actions:
            for name in (*action.sources, action.target):
                if name is not None and name not in self._states:
                    raise ValueError(f"{self.code}.{action.code}: unknown state {name}")

    def state(self, code: str) -> State:
        return self._states[code]

    def state_label(self, code: str) -> str:
        found = self._states.get(code)
        return found.label if found else code

    def action(self, code: str) -> Action | None:
        return self._actions.get(code)

    def actions_from(self, state: str, *, by: str = "office") -> list[Action]:
        return [a for a in self.actions if state in a.sources and a.by == by]


_REGISTRY: dict[str, Procedure] = {}


def problems(procedure: Procedure, *, rules: set[str], templates: set[str]) -> list[str]:
    """What is wrong with a declaration (empty when nothing): unknown rule codes, templates,
    clock operations, approval steps, unreachable states, an opening action missing."""
    found: list[str] = []
    where = procedure.code
    openings = [a for a in procedure.actions if not a.sources]
    if not openings:
        found.append(f"{where}: no opening action (an action with sources=())")
    known_rules = rules | set(procedure.own_rules)
    for action in procedure.actions:
        at = f"{where}.{action.code}"
        for effect in action.clock:
            if effect.op not in CLOCK_OPS:
                found.append(f"{at}: unknown clock operation {effect.op!r}")
            if effect.op == START and effect.rule not in known_rules:
                found.append(f"{at}: unknown deadline rule {effect.rule!r}")
            if effect.op == EXTEND and effect.amount_input not in {i.name for i in action.inputs}:
                found.append(f"{at}: extension input {effect.amount_input!r} is not declared")
        for document in action.documents:
            if document.template not in templates:
                found.append(f"{at}: unknown document template {document.template!r}")
        codes = [step.code for step in action.approval]
        if len(set(codes)) != len(codes):
            found.append(f"{at}: an approval step appears twice")
        for step in action.approval:
            if step.permission not in Permission.values:
                found.append(f"{at}: approval step {step.code} names unknown permission "
                             f"{step.permission!r}")  # fmt: skip
        if action.approval and action.by != "office":
            found.append(f"{at}: only an office action can need approval")
    reachable = {a.target for a in openings if a.target} | {procedure.initial}
    grew = True
    while grew:
        grew = False
        for action in procedure.actions:
            if (
                action.target
                and action.target not in reachable
                and (set(action.sources) & reachable)
            ):
                reachable.add(action.target)
                grew = True
    for state in procedure.states:
        if state.code not in reachable:
            found.append(f"{where}: state {state.code!r} cannot be reached")
    return found


def case_series(code: str) -> str:
    """The numbering series of a procedure's 案号 (fazhi.core.numbering)."""
    return f"case:{code}"


def register(procedure: Procedure) -> Procedure:
    """Declare ``procedure``; its declaration is checked when the registry is complete
    (``check_all``, run when the procedures app is ready and by ``manage.py check``)."""
    from fazhi.core import numbering

    _REGISTRY[procedure.code] = procedure
    numbering.register_series(
        case_series(procedure.code),
        f"{procedure.name}案号",
        f"{{unit}}{procedure.number_word}〔{{year}}〕{{seq}}号",
    )
    for action in procedure.actions:
        for document in action.documents:
            if document.number_word:
                numbering.register_series(
                    numbering.series_for_document(document.template),
                    f"{document.title}文号",
                    f"{{unit}}{document.number_word}〔{{year}}〕{{seq}}号",
                )
    return procedure


def unregister(code: str) -> None:
    """For tests that declare a procedure of their own."""
    _REGISTRY.pop(code, None)


def known_rules() -> set[str]:
    from fazhi.workdays.seed import RULES

    return {row[1] for row in RULES}


def check_all() -> list[str]:
    """Every problem of every registered declaration (see ``problems``)."""
    from fazhi.procedures.documents import default_templates

    rules = known_rules()
    templates = {t.code for t in default_templates()}
    return [p for proc in registered() for p in problems(proc, rules=rules, templates=templates)]


def get(code: str) -> Procedure:
    try:
        return _REGISTRY[code]
    except KeyError:
        raise LookupError(f"程序“{code}”未声明") from None


def registered() -> list[Procedure]:
    return [p for _, p in sorted(_REGISTRY.items())]
