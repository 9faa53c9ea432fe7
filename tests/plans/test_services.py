"""Import through the services: a draft until confirmed, one transaction, audited."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fazhi.core.models import AuditEvent
from fazhi.plans import services
from fazhi.plans.models import Chapter, Measure, Plan, PlanDraft, SourceFile, Target, Task
from tests.plans.helpers import SHARED_PLAN, confirmed, county_group, draft

pytestmark = pytest.mark.django_db


def test_an_upload_makes_only_a_draft(world):
    county_group(world)
    d = draft(world)
    assert PlanDraft.objects.count() == 1
    assert (Plan.objects.count(), Measure.objects.count(), Task.objects.count()) == (0, 0, 0)
    assert d.data["units"]["市司法局"]["match"] == f"org:{world.justice.pk}"
    assert d.data["units"]["各县(区)政府"]["match"].startswith("group:")
    assert d.data["units"]["市住建局"]["match"] is None
    assert AuditEvent.objects.filter(action="plan_draft.create").count() == 1


def test_confirming_builds_the_ledger_at_once_and_audits_it(world):
    county_group(world)
    plan = confirmed(world)
    assert plan.owner_unit == world.city_office
    assert bytes(plan.source.content) == SHARED_PLAN.encode()
    assert Chapter.objects.filter(plan=plan).count() == 2
    assert Measure.objects.filter(plan=plan).count() == 3
    tasks = list(Task.objects.filter(plan=plan).order_by("measure__number"))
    assert [t.lead_names for t in tasks] == [["市司法局"], ["临川区人民政府"], ["南城县人民政府"]]
    assert set(tasks[0].responsible_units.all()) == {world.gov_a, world.gov_b}
    assert list(tasks[2].responsible_units.all()) == []  # 市住建局 kept as written only
    assert tasks[2].responsible_names == ["市住建局"]
    assert tasks[1].due_on == date(2024, 6, 30)
    target = Target.objects.get(plan=plan)
    assert (target.metric, target.comparator, int(target.value), target.unit) == (
        "行政机关负责人出庭应诉率", ">=", 95, "%",
    )  # fmt: skip
    assert not PlanDraft.objects.exists()
    event = AuditEvent.objects.get(action="plan.import")
    assert event.after is not None
    assert event.after["tasks"] == 3


def test_it_refuses_to_confirm_while_a_unit_is_unmatched(world):
    county_group(world)
    d = draft(world)
    with pytest.raises(ValidationError, match="市住建局"):
        services.plan_import_confirm(actor=world.supervisor, draft_id=d.pk)
    assert not Plan.objects.exists()
    assert not Task.objects.exists()


def test_it_refuses_to_confirm_a_task_without_a_lead(world):
    county_group(world)
    text = SHARED_PLAN + "4.推行柔性执法。(各县(区)政府按职责分工负责)\n"
    d = draft(world, text)
    services.plan_draft_choose_unit(
        actor=world.supervisor, draft_id=d.pk, name="市住建局", choice="ignore"
    )
    with pytest.raises(ValidationError, match="第4项措施第1条任务没有牵头单位"):
        services.plan_import_confirm(actor=world.supervisor, draft_id=d.pk)
    services.plan_draft_update_task(
        actor=world.supervisor, draft_id=d.pk, measure=4, task=1, text="推行柔性执法。",
        lead_units="市司法局", responsible_units="各县(区)政府", deadline="长期坚持",
    )  # fmt: skip
    plan = services.plan_import_confirm(actor=world.supervisor, draft_id=d.pk)
    task = Task.objects.get(plan=plan, measure__number=4)
    assert list(task.lead_units.all()) == [world.justice]
    assert task.deadline_ongoing
    assert task.due_on is None


def test_unmatched_names_get_suggestions_and_the_user_can_pick_one(world):
    text = "某方案\n一、章\n1.做一件事。(牵头单位:抚州市司法局机关)\n"
    d = draft(world, text)
    entry = d.data["units"]["抚州市司法局机关"]
    assert entry["match"] is None
    assert entry["suggestions"][0] == f"org:{world.justice.pk}"
    services.plan_draft_choose_unit(
        actor=world.supervisor,
        draft_id=d.pk,
        name="抚州市司法局机关",
        choice=f"org:{world.justice.pk}",
    )
    plan = services.plan_import_confirm(actor=world.supervisor, draft_id=d.pk)
    assert list(Task.objects.get(plan=plan).lead_units.all()) == [world.justice]


def test_an_edit_changes_the_draft_marks_its_warning_and_is_audited(world):
    text = "某方案\n一、章\n1.做一件事。牵头单位:市司法局)\n"
    d = draft(world, text)
    assert d.data["warnings"][0]["task"] == 1
    assert not d.data["warnings"][0]["resolved"]
    d = services.plan_draft_update_task(
        actor=world.supervisor, draft_id=d.pk, measure=1, task=1, text="做好一件事。",
        lead_units="市司法局、临川区人民政府", responsible_units="", deadline="2024年底前",
    )  # fmt: skip
    task = d.data["measures"][0]["tasks"][0]
    assert task["text"] == "做好一件事。"
    assert task["lead_units"] == ["市司法局", "临川区人民政府"]
    assert task["deadline"]["date"] == "2024-12-31"
    assert d.data["warnings"][0]["resolved"]
    assert "临川区人民政府" in d.data["units"]
    assert AuditEvent.objects.filter(action="plan_draft.update_task").count() == 1


def test_a_task_splits_at_the_line_break_and_merges_back(world):
    county_group(world)
    d = draft(world)
    d = services.plan_draft_split_task(
        actor=world.supervisor,
        draft_id=d.pk,
        measure=1,
        task=1,
        text="开展案卷评查。\n通报评查结果。",
    )
    tasks = d.data["measures"][0]["tasks"]
    assert [t["text"] for t in tasks] == ["开展案卷评查。", "通报评查结果。"]
    assert tasks[1]["lead_units"] == ["市司法局"]
    d = services.plan_draft_merge_task(actor=world.supervisor, draft_id=d.pk, measure=1, task=1)
    assert [t["text"] for t in d.data["measures"][0]["tasks"]] == ["开展案卷评查。通报评查结果。"]


def test_a_bad_edit_changes_nothing(world):
    county_group(world)
    d = draft(world)
    before = PlanDraft.objects.get(pk=d.pk).data
    with pytest.raises(ValidationError):
        services.plan_draft_update_task(
            actor=world.supervisor, draft_id=d.pk, measure=1, task=1, text="  ",
            lead_units="", responsible_units="", deadline="",
        )  # fmt: skip
    with pytest.raises(ValidationError):
        services.plan_draft_split_task(
            actor=world.supervisor, draft_id=d.pk, measure=1, task=1, text="没有换行"
        )
    with pytest.raises(ValidationError):
        services.plan_draft_merge_task(actor=world.supervisor, draft_id=d.pk, measure=3, task=1)
    assert PlanDraft.objects.get(pk=d.pk).data == before


def test_a_clerk_cannot_import_and_the_refusal_is_audited(world):
    with pytest.raises(PermissionDenied):
        services.plan_draft_create(actor=world.clerk_a, name="a.txt", data=SHARED_PLAN.encode())
    assert AuditEvent.objects.filter(action="auth.permission_denied", actor=world.clerk_a).exists()
    assert not PlanDraft.objects.exists()


def test_nobody_else_may_touch_a_draft(world):
    d = draft(world)
    with pytest.raises(PermissionDenied):
        services.plan_import_confirm(actor=world.admin, draft_id=d.pk)
    with pytest.raises(PermissionDenied):
        services.plan_draft_set_title(actor=world.admin, draft_id=d.pk, title="别人的")


def test_a_document_without_structure_is_refused(world):
    with pytest.raises(ValidationError, match="未识别出方案结构"):
        services.plan_draft_create(
            actor=world.supervisor, name="x.txt", data="一段没有编号的文字。".encode()
        )
    assert not SourceFile.objects.exists()


def test_discarding_removes_the_draft_and_its_file(world):
    d = draft(world)
    services.plan_draft_discard(actor=world.supervisor, draft_id=d.pk)
    assert not PlanDraft.objects.exists()
    assert not SourceFile.objects.exists()


def test_the_seed_imports_whole_against_the_demo_units(world, seed_bytes):
    from fazhi.core.demo import load_demo

    load_demo()
    d = services.plan_draft_create(actor=world.supervisor, name="seed.txt", data=seed_bytes)
    unmatched = sorted(n for n, e in d.data["units"].items() if not e["match"])
    assert unmatched == ["市住建局", "立法项目起草部门"]
    for name in unmatched:
        services.plan_draft_choose_unit(
            actor=world.supervisor, draft_id=d.pk, name=name, choice="ignore"
        )
    plan = services.plan_import_confirm(actor=world.supervisor, draft_id=d.pk)
    assert Task.objects.filter(plan=plan).count() == 46
    assert Measure.objects.filter(plan=plan).count() == 26
    task = Task.objects.get(plan=plan, measure__number=13, position=3)
    assert sorted(o.short_name for o in task.lead_units.all()) == ["市司法局", "市应急管理局"]
    assert task.responsible_units.count() == 13  # 11 county governments and the 2 zones
    assert Target.objects.filter(plan=plan, measure=None, section="三、组织保障").count() == 1
