"""A case page offers exactly the actions the engine accepts from that user: for every
registered procedure, every action, a set of users, in every state the test can reach.

The rule (procedures.services.action_allowed): an office step needs the action's permission
and a case of the actor's own unit (a wider data scope shows a case, it does not hand it
over; a superuser may act anywhere); applicant and system steps are never taken by staff;
the case must be in one of the action's source states, and a ``once`` action not yet taken.

Every procedure's page marks an offered action with ``data-action="<code>"``, and each
procedure registers below how a test opens a case of it (a new procedure without an opener
fails the first test).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from fazhi.core import services as core_services
from fazhi.core.models import AuditEvent, Organisation, User
from fazhi.disclosure import services as disclosure_services
from fazhi.disclosure.models import Channel
from fazhi.procedures import engine, services
from fazhi.procedures.models import Case
from tests.conftest import PASSWORD, client_for
from tests.disclosure.helpers import application

pytestmark = pytest.mark.django_db


@dataclass
class Scene:
    unit: Organisation  # owns every case: 临川区司法局
    users: dict[str, User]


@pytest.fixture
def scene(world) -> Scene:
    def user(username: str, unit: Organisation, roles: list[str]) -> User:
        return core_services.user_create(
            actor=None, username=username, name=username, unit=unit, password=PASSWORD,
            roles=roles,
        )  # fmt: skip

    return Scene(
        unit=world.dept_a,
        users={
            "owning unit's clerk": user("clerk_dept_a", world.dept_a, ["clerk"]),
            "owning unit's section head": user("section_dept_a", world.dept_a, ["section_head"]),
            "owning unit's head": user("head_dept_a", world.dept_a, ["unit_head"]),
            "parent government's clerk and unit admin": user(
                "admin_gov_a", world.gov_a, ["clerk", "unit_admin"]
            ),
            "legal reviewer of the parent": user("reviewer_gov_a", world.gov_a, ["legal_reviewer"]),
            "other county's clerk": world.clerk_b,
            "supervisor": world.supervisor,
            "superuser": world.admin,
        },
    )


# --- how a test opens a case of each procedure ---------------------------------------


def _disclosure_at_the_counter(scene: Scene) -> Case:
    created = disclosure_services.disclosure_register(
        actor=scene.users["owning unit's clerk"], unit=scene.unit, application=application(),
        channel=Channel.IN_PERSON, submitted_on=timezone.localdate(),
    )  # fmt: skip
    return created.case


_portal_applicants = itertools.count(1)


def _disclosure_on_the_portal(scene: Scene) -> Case:
    disclosure_services.desk_set(actor=None, unit=scene.unit)
    name = f"申请人{next(_portal_applicants)}"  # not refused as a repeated submission
    created = disclosure_services.disclosure_submit(
        unit_id=scene.unit.pk, application=application(applicant_name=name)
    )
    return created.case


OPENERS: dict[str, tuple[Callable[[Scene], Case], ...]] = {
    "disclosure": (_disclosure_at_the_counter, _disclosure_on_the_portal),
}


# --- taking an action with inputs that fit its declaration ---------------------------


def _inputs(action: engine.Action) -> tuple[dict[str, Any], list[services.Upload]]:
    values: dict[str, Any] = {}
    uploads: list[services.Upload] = []
    for spec in action.inputs:
        if spec.kind == "file":
            if spec.required:
                uploads.append(services.Upload(spec.name, "材料.pdf", b"%PDF-1.4 test"))
        elif spec.kind == "choice":
            values[spec.name] = spec.choices[0][0]
        elif spec.kind == "int":
            values[spec.name] = 1
        elif spec.kind == "date":
            values[spec.name] = timezone.localdate().isoformat()
        else:
            values[spec.name] = f"测试{spec.label}"
    return values, uploads


def _take(actor: User | None, case: Case, action: engine.Action, *, signed: bool = True) -> None:
    """Take the action; one that needs sign-off is signed through by the superuser unless
    ``signed`` is False (the draft then waits, a state of its own)."""
    case.refresh_from_db()
    inputs, uploads = _inputs(action)
    services.case_act(
        actor=actor, case_id=case.pk, action=action.code, on=timezone.localdate(),
        version=case.version, inputs=inputs, uploads=uploads,
    )  # fmt: skip
    if not action.approval or not signed:
        return
    signer = User.objects.get(username="admin")
    while (approval := services.pending_approval(Case.objects.get(pk=case.pk))) is not None:
        services.approval_decide(
            actor=signer, approval_id=approval.pk, approve=True, on=timezone.localdate(),
            version=Case.objects.get(pk=case.pk).version,
        )  # fmt: skip


class _Undo(Exception):
    pass


def _accepted(actor: User | None, case: Case, action: engine.Action) -> bool:
    """Whether the engine takes the action; nothing it wrote is kept."""
    try:
        with transaction.atomic():
            _take(actor, case, action)
            raise _Undo
    except _Undo:
        return True
    except (ValidationError, PermissionDenied):
        return False


def _key(case: Case, procedure: engine.Procedure) -> tuple[str, frozenset[str]]:
    once = {a.code for a in procedure.actions if a.once}
    done = set(case.events.filter(action__in=once).values_list("action", flat=True))
    if case.awaiting:  # a draft in sign-off is a state of its own
        done.add(f"awaiting:{case.awaiting}")
    return case.state, frozenset(done)


def _reachable(scene: Scene, procedure: engine.Procedure) -> dict[Any, Case]:
    """One case for every (state, once-actions taken) the actions lead to, each taken by
    whoever may take it: the superuser for office steps, the applicant or the system."""

    def by(action: engine.Action) -> User | None:
        return scene.users["superuser"] if action.by == "office" else None

    cases: dict[Any, Case] = {}
    paths: list[tuple[Callable[[Scene], Case], tuple[tuple[engine.Action, bool], ...]]] = [
        (opener, ()) for opener in OPENERS[procedure.code]
    ]
    while paths:
        opener, path = paths.pop(0)
        case = opener(scene)
        for step, signed in path:
            _take(by(step), case, step, signed=signed)
        case.refresh_from_db()
        key = _key(case, procedure)
        if key in cases:
            continue
        cases[key] = case
        if case.awaiting:
            continue
        for action in procedure.actions:
            if action.sources and _accepted(by(action), case, action):
                paths.append((opener, (*path, (action, True))))
                if action.approval:
                    paths.append((opener, (*path, (action, False))))
    return cases


def _page(user: User, case: Case, procedure: engine.Procedure) -> str:
    assert procedure.detail_url is not None, f"{procedure.code} 没有办理页面"
    response = client_for(user).get(procedure.detail_url(case))
    if response.status_code == 404:
        return ""
    assert response.status_code == 200
    return str(response.content.decode())


def _offered(user: User, case: Case, procedure: engine.Procedure) -> set[str]:
    return set(re.findall(r'data-action="([a-z_]+)"', _page(user, case, procedure)))


def test_every_registered_procedure_has_a_way_to_open_a_case_here():
    assert {p.code for p in engine.registered()} <= set(OPENERS)


@pytest.mark.parametrize("code", sorted(OPENERS))
def test_a_page_offers_exactly_the_actions_the_engine_accepts(scene, code):
    procedure = engine.get(code)
    cases = _reachable(scene, procedure)
    assert len(cases) >= 2
    accepted_somewhere = set()
    signed_somewhere: set[str] = set()
    mismatches: list[Any] = []
    for (state, done), case in cases.items():
        for who, user in scene.users.items():
            offered = _offered(user, case, procedure)
            accepted = {a.code for a in procedure.actions if a.sources and _accepted(user, case, a)}
            allowed = {
                a.code for a in procedure.actions
                if a.sources and services.action_allowed(user, case, a.code).allowed
            }  # fmt: skip
            accepted_somewhere |= accepted
            if not offered == accepted == allowed:
                mismatches.append((state, sorted(done), who, offered, accepted, allowed))
            approval = services.pending_approval(case)
            if approval is not None:
                # The sign-off form is offered exactly to whom approval_decide accepts.
                may_sign = bool(services.approval_allowed(user, approval))
                signs_here = "data-approval-form" in _page(user, case, procedure)
                signed_somewhere |= {who} if may_sign else set()
                if may_sign != signs_here:
                    mismatches.append((state, sorted(done), who, "sign-off", signs_here, may_sign))
    assert mismatches == []
    if any(a.approval for a in procedure.actions):
        assert signed_somewhere  # not vacuous
    # Not vacuous: every office step was taken by someone in some state.
    office = {a.code for a in procedure.actions if a.sources and a.by == "office"}
    assert office <= accepted_somewhere


def test_a_refusal_is_audited_with_its_reason(scene):
    case = _disclosure_at_the_counter(scene)
    parent_admin = scene.users["parent government's clerk and unit admin"]
    verdict = services.action_allowed(parent_admin, case, "reply")
    assert not verdict.allowed
    assert "本单位" in verdict.reason
    with pytest.raises(ValidationError, match="本单位"):
        _take(parent_admin, case, engine.get("disclosure").action("reply"))
    refused = AuditEvent.objects.get(action="case.action_refused")
    assert refused.actor == parent_admin
    assert refused.after["action"] == "reply"
