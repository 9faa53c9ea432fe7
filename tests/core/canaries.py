"""County-A records of the core module for the scope harness."""

from __future__ import annotations

from fazhi.core import services
from fazhi.core.models import OrgKind
from tests.conftest import PASSWORD, World
from tests.scope_harness import Canary, canary


@canary("core: a county-A unit and its user")
def units_and_users(world: World, marker: str) -> Canary:
    unit = services.organisation_create(
        actor=None, name=f"临川区{marker}局", kind=OrgKind.DEPARTMENT,
        division=world.county_a, parent=world.gov_a,
    )  # fmt: skip
    user = services.user_create(
        actor=None, username=f"u{marker.lower()}", name=f"{marker}某", unit=unit,
        password=PASSWORD, roles=["clerk"],
    )  # fmt: skip
    return Canary(ids=[unit.pk, user.pk])
