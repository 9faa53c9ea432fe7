"""County-A disclosure requests for the scope harness: one registered at the counter and
taken through 补正 and a reply (so it has documents), and one submitted on the portal."""

from __future__ import annotations

from datetime import date

from fazhi.disclosure import services
from fazhi.disclosure.models import Channel
from tests.conftest import World
from tests.disclosure.helpers import act, application
from tests.scope_harness import Canary, canary


@canary("disclosure: county-A requests (office intake with documents, portal submission)")
def county_requests(world: World, marker: str) -> Canary:
    services.desk_set(actor=None, unit=world.gov_a)
    office = services.disclosure_register(
        actor=world.clerk_a, unit=world.gov_a, channel=Channel.IN_PERSON,
        submitted_on=date(2026, 9, 24),
        application=application(applicant_name=f"{marker}某", description=f"{marker}道路工程招标公告"),
    )  # fmt: skip
    act(world, office, "ask_correction", date(2026, 9, 29), items=f"请写明{marker}路段")
    act(world, office, "record_supply", date(2026, 10, 9), text=f"{marker}中山路")
    act(
        world,
        office,
        "reply",
        date(2026, 10, 20),
        reply_type="public",
        reply_text=f"{marker}予以公开",
    )
    portal = services.disclosure_submit(
        unit_id=world.gov_a.pk,
        application=application(applicant_name=f"{marker}网民", description=f"{marker}预算公开"),
    )
    ids = [office.pk, office.case_id, portal.pk, portal.case_id]
    ids += list(office.case.documents.values_list("pk", flat=True))
    return Canary(ids=ids, keys=[office.query_code, portal.query_code])
