"""Who sees which plan and task: the owner's scope, plus the units a task is assigned to."""

from __future__ import annotations

import pytest

from fazhi.plans.models import Plan, PlanDraft, Task
from tests.plans.helpers import COUNTY_A_PLAN, confirmed, county_group, draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def plans(world):
    county_group(world)
    return {"shared": confirmed(world), "county_a": confirmed(world, COUNTY_A_PLAN)}


def test_the_supervisor_sees_every_plan_and_task_owned_in_the_city(world, plans):
    assert set(Plan.objects.visible_to(world.supervisor)) == set(plans.values())
    assert Task.objects.visible_to(world.supervisor).count() == 4


def test_a_county_clerk_sees_plans_with_a_task_for_their_unit(world, plans):
    assert set(Plan.objects.visible_to(world.clerk_a)) == {plans["shared"], plans["county_a"]}
    assert set(Plan.objects.visible_to(world.clerk_b)) == {plans["shared"]}


def test_a_county_clerk_sees_only_the_tasks_their_unit_leads_or_shares(world, plans):
    mine = Task.objects.visible_to(world.clerk_a).filter(plan=plans["shared"])
    assert sorted(t.measure.number for t in mine) == [1, 2]  # 1 via 各县(区)政府, 2 as lead
    theirs = Task.objects.visible_to(world.clerk_b).filter(plan=plans["shared"])
    assert sorted(t.measure.number for t in theirs) == [1, 3]
    assert not Task.objects.visible_to(world.clerk_b).filter(plan=plans["county_a"]).exists()


def test_visibility_has_no_duplicates_when_a_unit_is_both_lead_and_responsible(world):
    county_group(world)
    text = "方案\n一、章\n1.一事。(牵头单位:临川区人民政府;责任单位:各县(区)政府)\n"
    plan = confirmed(world, text)
    assert list(Plan.objects.visible_to(world.clerk_a)) == [plan]
    assert Task.objects.visible_to(world.clerk_a).count() == 1


def test_an_anonymous_user_sees_nothing(world, plans):
    from django.contrib.auth.models import AnonymousUser

    assert not Plan.objects.visible_to(AnonymousUser()).exists()
    assert not Task.objects.visible_to(AnonymousUser()).exists()


def test_a_draft_is_seen_by_its_importer_only(world):
    d = draft(world, COUNTY_A_PLAN)
    assert list(PlanDraft.objects.visible_to(world.supervisor)) == [d]
    assert not PlanDraft.objects.visible_to(world.admin).exists()
    assert not PlanDraft.objects.visible_to(world.clerk_a).exists()
