"""County-A records of the indicators module for the scope harness: a self-reported value
with its note and evidence, a score and a deduction, all carrying the marker."""

from __future__ import annotations

from fazhi.indicators import services
from fazhi.indicators.models import Rule
from fazhi.indicators.services import Upload
from tests.conftest import World
from tests.indicators.helpers import PLAN, by_name, import_plan
from tests.scope_harness import Canary, canary


@canary("indicators: a county-A self-reported value, evidence, score and deduction")
def county_values(world: World, marker: str) -> Canary:
    plan = import_plan(world, PLAN.replace("工作要点", "工作要点X"))
    lectures = by_name(plan, "讲座")
    value = services.indicator_value_report(
        actor=world.clerk_a,
        indicator_id=lectures.pk,
        unit=world.gov_a,
        year=2025,
        value="1",
        note=f"{marker}讲座",
        files=[Upload(f"{marker}.pdf", b"%PDF-1.7 " + marker.encode())],
    )
    scheme = services.scheme_create(
        actor=world.supervisor, year=2025, title="2025年度考核", units=[world.gov_a, world.gov_b]
    )
    item = services.scheme_item_add(
        actor=world.supervisor,
        scheme_id=scheme.pk,
        name="督察整改",
        points="20",
        rule=Rule.ASSESSOR,
    )
    score = services.score_set(
        actor=world.supervisor,
        item_id=item.pk,
        unit=world.gov_a,
        score="10",
        reason=f"{marker}整改",
        files=[Upload(f"{marker}-score.pdf", b"%PDF-1.7")],
    )
    cut = services.deduction_add(
        actor=world.supervisor,
        scheme_id=scheme.pk,
        unit=world.gov_a,
        points="1",
        reason=f"{marker}扣分",
    )
    evidence = list(value.evidence.values_list("pk", flat=True))
    return Canary(ids=[value.pk, lectures.pk, scheme.pk, score.pk, cut.pk, *evidence])
