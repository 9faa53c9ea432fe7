"""A plan larger than any real one is refused at upload with the limit named; a confirm is a
fixed number of statements whatever the plan's size (#13 item 15)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fazhi import plans
from fazhi.plans import services
from fazhi.plans.models import PlanDraft, SourceFile, Task
from tests.plans.work import WORK_PLAN

pytestmark = pytest.mark.django_db


def _plan(measures: int) -> str:
    lines = ["抚州市2026年法治督察工作要点", "一、督察"]
    for n in range(1, measures + 1):
        lines.append(
            f"{n}.开展第{n}项督察,2026年6月底前完成。(牵头单位:市司法局;责任单位:临川区人民政府、南城县人民政府)"
        )
    return "\n".join(lines) + "\n"


def test_a_plan_with_more_tasks_than_the_limit_is_refused_at_upload(world, monkeypatch):
    monkeypatch.setattr(plans.parsing, "MAX_TASKS", 2)
    with pytest.raises(
        ValidationError, match=r"识别出 3 项措施、3 条任务，超过.*上限（500 项措施、2 条任务）"
    ):
        services.plan_draft_create(actor=world.supervisor, name="要点.txt", data=WORK_PLAN.encode())
    assert not PlanDraft.objects.exists()
    assert not SourceFile.objects.exists()


def test_a_text_with_thousands_of_numbered_items_is_refused_before_it_is_parsed(world, monkeypatch):
    monkeypatch.setattr(plans.parsing, "MAX_MEASURES", 10)
    monkeypatch.setattr(plans.parsing, "MAX_TASKS", 10)
    with pytest.raises(ValidationError, match="带编号的条目超过 520 条"):
        services.plan_draft_create(
            actor=world.supervisor, name="要点.txt", data=_plan(600).encode()
        )
    assert not PlanDraft.objects.exists()


def _confirm_statements(world, text: str) -> int:
    draft = services.plan_draft_create(actor=world.supervisor, name="要点.txt", data=text.encode())
    with CaptureQueriesContext(connection) as queries:
        services.plan_import_confirm(actor=world.supervisor, draft_id=draft.pk)
    return len(queries)


def test_confirming_a_plan_takes_a_few_statements_however_many_tasks_it_has(world):
    _confirm_statements(world, _plan(1))  # caches filled (content types, roles)
    small = _confirm_statements(world, _plan(10))
    large = _confirm_statements(world, _plan(100))
    # Bulk inserts, split only by the database's limit on parameters per statement (SQLite).
    assert large <= small + 3
    assert large < 40
    assert Task.objects.count() == 111
    task = Task.objects.get(measure__number=100)
    assert sorted(task.responsible_units.values_list("name", flat=True)) == [
        "临川区人民政府", "南城县人民政府",
    ]  # fmt: skip
    assert str(task.due_on) == "2026-06-30"


def test_a_second_click_on_confirm_is_told_and_creates_nothing_more(world):
    draft = services.plan_draft_create(
        actor=world.supervisor, name="要点.txt", data=WORK_PLAN.encode()
    )
    services.plan_import_confirm(actor=world.supervisor, draft_id=draft.pk)
    with pytest.raises(Exception, match="导入草稿"):
        services.plan_import_confirm(actor=world.supervisor, draft_id=draft.pk)
    assert Task.objects.count() == 3
