"""County-A records of the plans module for the scope harness: a confirmed plan and a draft."""

from __future__ import annotations

from fazhi.core import services as core_services
from fazhi.plans import services
from tests.conftest import PASSWORD, World
from tests.scope_harness import Canary, canary


@canary("plans: a county-A plan, its tasks and an open import draft")
def county_plan(world: World, marker: str) -> Canary:
    importer = core_services.user_create(
        actor=None, username=f"p{marker.lower()}", name="县督查", unit=world.gov_a,
        password=PASSWORD, roles=["supervisor"],
    )  # fmt: skip
    text = (
        f"临川区{marker}工作要点\n一、督察\n"
        f"1.开展{marker}督察。(牵头单位:临川区人民政府;责任单位:临川区司法局)\n"
    )
    draft = services.plan_draft_create(actor=importer, name=f"{marker}.txt", data=text.encode())
    plan = services.plan_import_confirm(actor=importer, draft_id=draft.pk)
    open_draft = services.plan_draft_create(
        actor=importer, name=f"{marker}-2.txt", data=text.encode()
    )
    return Canary(ids=[plan.pk, open_draft.pk, *plan.tasks.values_list("pk", flat=True)])
