"""Cases waiting for their office, for the work queue (fazhi.core.workqueue).

A procedure opts in with :func:`register_cases`. For a member of staff who may handle cases,
the queue holds the open cases of their own unit (the unit that may act on them,
services.allowed_actions) that wait for the office:

* 待办理 — in a state from which an office action leads on, with no period running or one
  the office owes (not while the applicant or a third party is being waited for);
* the procedure's intake state (a case the applicant opened, e.g. 待确认收到) under that
  state's own name.

Both are read on the engine's index of open cases by unit and due date, so a count and a
first page cost the same for 20 cases as for 200,000 in the user's scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from fazhi.core import workqueue
from fazhi.core.models import Permission
from fazhi.core.workqueue import Kind, Provider, WorkItem
from fazhi.procedures import engine
from fazhi.procedures.models import Case, CaseApproval, CaseParticipant, Owed


@dataclass(frozen=True)
class _Registered:
    code: str
    related: tuple[str, ...]  # the fields of related rows the procedure's detail_url reads


# What a queue row reads of a case: a page loads no JSON clock, explanation or party data.
_ROW_FIELDS = ("pk", "number", "title", "state", "due_on", "due_paused", "opened_on",
               "owner_unit__name", "owner_unit__short_name")  # fmt: skip


def register_cases(procedure: str, *, related: tuple[str, ...] = ()) -> None:
    """Put the cases of ``procedure`` (already declared with engine.register) in the work
    queue; ``related`` are the fields of related rows its detail_url reads, as lookups
    (``"disclosure__id"``): they are fetched with the case and nothing else of them is."""
    reg = _Registered(procedure, related)
    workqueue.register(
        Provider(procedure, engine.get(procedure).name, lambda: _kinds_of(reg), order=50)
    )


def _intake_states(proc: engine.Procedure) -> set[str]:
    return {a.target for a in proc.actions if not a.sources and a.by != "office" and a.target}


def _office_states(proc: engine.Procedure, user: Any) -> set[str]:
    """States from which an office action ``user`` holds the permission for leads on."""
    return {
        state
        for a in proc.actions
        if a.by == "office" and a.sources and user.has_fazhi_perm(a.permission or Permission.HANDLE_CASES)
        for state in a.sources
        if proc.state(state).open
    }  # fmt: skip


def _cases(user: Any, proc: engine.Procedure, states: set[str]) -> QuerySet[Case] | None:
    unit = getattr(user, "unit", None)
    if not user.is_authenticated or unit is None or not states:
        return None
    rows: QuerySet[Case] = Case.objects.visible_to(user).filter(
        procedure=proc.code, is_open=True, owner_unit_path=unit.path, state__in=sorted(states)
    )
    return rows


def _waiting(user: Any, proc: engine.Procedure) -> QuerySet[Case] | None:
    states = _office_states(proc, user) - _intake_states(proc)
    rows = _cases(user, proc, states)
    if rows is None:
        return None
    # No period runs (nothing is owed to anyone), or the office owes the running one; a case
    # whose draft is in sign-off waits for its signers, not for the office.
    return rows.filter(
        Q(due_on__isnull=True) | Q(due_owed_by=Owed.OFFICE, due_paused=False), awaiting=""
    )


def _awaiting_me(user: Any, proc: engine.Procedure) -> QuerySet[Case] | None:
    """Drafts in sign-off whose current step this user signs (approval_allowed): a step on
    the case's own unit, or a participant's step on a case the user's unit takes part in
    (or, when no unit takes part in that role, on the case's own unit); never one's own."""
    unit = getattr(user, "unit", None)
    if not user.is_authenticated or unit is None:
        return None
    steps = {s for a in proc.actions for s in a.approval if user.has_fazhi_perm(s.permission)}
    if not steps:
        return None
    own = {s.code for s in steps if not s.participant}
    by_role: dict[str, set[str]] = {s.participant: set() for s in steps if s.participant}
    for s in steps:
        if s.participant:
            by_role[s.participant].add(s.code)
    q = Q(owner_unit_id=unit.pk, awaiting__in=sorted(own))
    for role, codes in by_role.items():
        joined = CaseParticipant.objects.filter(role=role)
        q |= Q(awaiting__in=sorted(codes), pk__in=joined.filter(unit_id=unit.pk).values("case_id"))
        q |= Q(awaiting__in=sorted(codes), owner_unit_id=unit.pk) & ~Q(
            pk__in=joined.values("case_id")
        )
    mine = CaseApproval.objects.filter(state="pending", drafted_by=user).values("case_id")
    return (
        Case.objects.visible_to(user)
        .filter(q, procedure=proc.code, is_open=True)
        .exclude(awaiting="")
        .exclude(pk__in=mine)
    )


def _intake(user: Any, proc: engine.Procedure, state: str) -> QuerySet[Case] | None:
    return _cases(user, proc, {state} & _office_states(proc, user))


def _items(
    rows: QuerySet[Case] | None, reg: _Registered, proc: engine.Procedure, kind: str, limit: int
) -> list[WorkItem]:
    if rows is None:
        return []
    today = timezone.localdate()
    joins = {lookup.rsplit("__", 1)[0] for lookup in reg.related}
    found = (
        rows.select_related("owner_unit", *sorted(joins))
        .only(*_ROW_FIELDS, *reg.related)
        .order_by(F("due_on").asc(nulls_last=True), "opened_on", "pk")[:limit]
    )
    return [
        WorkItem(
            module=proc.code,
            kind=kind,
            title=f"{c.number or '（未编号）'} {c.title}",
            url=proc.detail_url(c)
            if proc.detail_url
            else reverse("procedures:timeline", args=[c.pk]),
            due_on=c.due_on,
            overdue=c.due_on is not None and not c.due_paused and c.due_on < today,
            unit=c.owner_unit.display_name,
            note=proc.state_label(c.state),
        )
        for c in found
    ]


def _count(rows: QuerySet[Case] | None) -> int | None:
    return None if rows is None else int(rows.count())


def _kinds_of(reg: _Registered) -> list[Kind]:
    proc = engine.get(reg.code)
    kinds = [
        Kind(
            f"{proc.code}.handle", "待办理",
            lambda user: _count(_waiting(user, proc)),
            lambda user, limit: _items(_waiting(user, proc), reg, proc, "待办理", limit),
        ),
    ]  # fmt: skip
    if any(a.approval for a in proc.actions):
        kinds.append(
            Kind(
                f"{proc.code}.approval", "待审批",
                lambda user: _count(_awaiting_me(user, proc)),
                lambda user, limit: _items(_awaiting_me(user, proc), reg, proc, "待审批", limit),
            )
        )  # fmt: skip
    for state in sorted(_intake_states(proc)):
        label = proc.state_label(state)
        kinds.append(
            Kind(
                f"{proc.code}.{state}",
                label,
                lambda user, state=state: _count(_intake(user, proc, state)),  # type: ignore[misc]
                lambda user, limit, label=label, state=state: _items(  # type: ignore[misc]
                    _intake(user, proc, state), reg, proc, label, limit
                ),
            )
        )
    return kinds


def waiting_q(user: Any, procedure: str) -> Q:
    """The cases of ``procedure`` in the user's queue (待办理 and the intake kinds), as a
    filter for the module's own list ("只看我的待办"); nothing for a user with no queue."""
    proc = engine.get(procedure)
    unit = getattr(user, "unit", None)
    if not user.is_authenticated or unit is None:
        return Q(pk__in=[])
    states = _office_states(proc, user)
    if not states:
        return Q(pk__in=[])
    intake = _intake_states(proc) & states
    return Q(procedure=proc.code, is_open=True, owner_unit_path=unit.path, awaiting="") & (
        Q(state__in=sorted(intake))
        | Q(state__in=sorted(states - intake))
        & (Q(due_on__isnull=True) | Q(due_owed_by=Owed.OFFICE, due_paused=False))
    )
