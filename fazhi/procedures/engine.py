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


@dataclass(frozen=True)
class Clock:
    """The effect of an action on the case's running period.

    start: a new period under ``rule`` from the event date (replaces the old one);
    stop: the clock stands still from the event date; resume: it runs again from the
    event date; extend: add ``amount_input`` (or the rule's full extension) to the period;
    clear: no period runs any more (replied, withdrawn).
    """

    op: str
    rule: str = ""
    owed_by: str = "office"
    amount_input: str = ""


START, STOP, RESUME, EXTEND, CLEAR = "start", "stop", "resume", "extend", "clear"


@dataclass(frozen=True)
class Document:
    """A document an action produces from the .docx template ``template``.

    ``when`` decides from the inputs whether it is produced (default: always).
    """

    template: str
    title: str
    for_applicant: bool = True
    when: Callable[[Mapping[str, Any]], bool] | None = None


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


def register(procedure: Procedure) -> Procedure:
    _REGISTRY[procedure.code] = procedure
    return procedure


def get(code: str) -> Procedure:
    try:
        return _REGISTRY[code]
    except KeyError:
        raise LookupError(f"程序“{code}”未声明") from None


def registered() -> list[Procedure]:
    return [p for _, p in sorted(_REGISTRY.items())]
