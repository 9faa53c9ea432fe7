"""Building disclosure requests through the services, for the tests."""

from __future__ import annotations

from datetime import date
from typing import Any

from fazhi.disclosure import services
from fazhi.disclosure.models import ApplicantType, Channel, DisclosureRequest

D = date


def application(**overrides: Any) -> services.Application:
    fields: dict[str, Any] = {
        "applicant_type": ApplicantType.PERSON,
        "applicant_name": "李明",
        "description": "2025年度临川区城区道路改造工程的招标公告及中标结果",
        "phone": "13907941234",
        "address": "抚州市临川区赣东大道1号",
    }
    fields.update(overrides)
    return services.Application(**fields)


def register(world, *, on: date, unit=None, actor=None, **overrides: Any) -> DisclosureRequest:
    """A request handed in at the counter on ``on`` (receipt date = ``on``, Art. 31(1))."""
    return services.disclosure_register(
        actor=actor or world.clerk_a,
        unit=unit or world.gov_a,
        application=application(**overrides),
        channel=Channel.IN_PERSON,
        submitted_on=on,
    )


def act(
    world,
    request: DisclosureRequest,
    action: str,
    on: date,
    actor=None,
    uploads=None,
    signed: bool = True,
    **inputs,
):
    """Take ``action``; one that needs sign-off (答复) is signed through its chain on the same
    day unless ``signed`` is False (then the draft waits)."""
    from fazhi.disclosure.procedure import PROCEDURE
    from tests.procedures.signers import sign_off

    request.refresh_from_db()
    request.case.refresh_from_db()
    event = services.disclosure_act(
        actor=actor or world.clerk_a,
        request_id=request.pk,
        action=action,
        on=on,
        version=request.case.version,
        inputs=inputs,
        uploads=uploads,
    )
    spec = PROCEDURE.action(action)
    if signed and spec is not None and spec.approval:
        return sign_off(request.case, on)
    return event


def fresh(request):
    return DisclosureRequest.objects.select_related("case").get(pk=request.pk)
