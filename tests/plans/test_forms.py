"""Every form of the ledger's pages goes through the one input gate (fazhi.core.forms):
a control character or NUL typed or pasted into any field is refused in Chinese and
nothing is written — on SQLite and on PostgreSQL, where a NUL would otherwise be a 500."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from fazhi.core.models import AuditEvent
from fazhi.plans import services
from fazhi.plans.models import (
    Consolidation,
    PlanDraft,
    ProgressReport,
    SupervisionRecipient,
)
from tests.conftest import client_for
from tests.plans.helpers import draft
from tests.plans.work import consolidate, report, work_plan

pytestmark = pytest.mark.django_db

REFUSED = "含有不可见的控制字符"
BAD = ["\x00", "\x07", "\x1b[31m"]


def _state() -> tuple[Any, ...]:
    """Everything a refused post must leave as it was."""
    return (
        list(PlanDraft.objects.values_list("data", flat=True)),
        list(ProgressReport.objects.values_list("pk", "text", "state", "return_comment")),
        list(Consolidation.objects.values_list("pk", "text", "state", "comment")),
        list(SupervisionRecipient.objects.values_list("pk", "reply_text")),
        AuditEvent.objects.exclude(action__startswith="access.").count(),
    )


def _refused(client, url: str, data: dict[str, Any]) -> None:
    before = _state()
    response = client.post(url, data, follow=True)
    assert response.status_code in (200, 400), response.status_code
    assert REFUSED in response.content.decode()
    assert _state() == before


@pytest.mark.parametrize("bad", BAD)
def test_the_draft_pages_refuse_control_characters(world, bad):
    d = draft(world)
    client = client_for(world.supervisor)
    _refused(client, reverse("plans:draft_title", args=[d.pk]), {"title": f"要点{bad}"})
    _refused(client, reverse("plans:draft_measure", args=[d.pk, 1]), {"title": f"督察{bad}"})
    task = reverse("plans:draft_task", args=[d.pk, 1, 1])
    for field in ("text", "lead_units", "responsible_units", "deadline"):
        data = {"action": "save", "text": "开展评查", "lead_units": "市司法局",
                "responsible_units": "", "deadline": ""}  # fmt: skip
        data[field] += bad
        _refused(client, task, data)
    _refused(client, task, {"action": "split", "text": f"开展评查\n落实{bad}整改"})
    name = next(iter(d.data["units"]))
    _refused(client, reverse("plans:draft_units", args=[d.pk]), {f"unit:{name}": f"ignore{bad}"})


@pytest.mark.parametrize("bad", BAD)
def test_the_ledger_work_pages_refuse_control_characters(world, bad):
    work = work_plan(world)
    clerk = client_for(world.clerk_a)
    url = reverse("plans:task_report", args=[work.review.pk])
    data = {"period_key": work.period_key, "text": f"评查{bad}12 卷", "self_state": "in_progress"}
    _refused(clerk, url, data)
    _refused(clerk, url, {**data, "text": "评查", "self_state": f"in_progress{bad}"})

    first = report(world, work)
    lead = client_for(work.lead_clerk)
    _refused(
        lead,
        reverse("plans:task_consolidate", args=[work.review.pk]),
        {"period_key": work.period_key, "text": f"汇总{bad}", "self_state": "in_progress"},
    )
    _refused(lead, reverse("plans:report_return", args=[first.pk]), {"comment": f"补充{bad}"})

    consolidation = consolidate(world, work)
    supervisor = client_for(world.supervisor)
    _refused(
        supervisor,
        reverse("plans:decide", args=[consolidation.pk]),
        {"decision": "return", "comment": f"请补充{bad}"},
    )
    _refused(
        supervisor,
        reverse("plans:task_supervise", args=[work.late.pk]),
        {"unit": world.gov_a.pk, "reason": f"逾期{bad}", "requirement": "报送整改计划",
         "reply_workdays": 5},
    )  # fmt: skip
    _refused(
        supervisor,
        reverse("plans:plan_reporting", args=[work.plan.pk]),
        {"frequency": f"monthly{bad}", "workdays": 5},
    )
    notice = services.supervision_issue(
        actor=world.supervisor, task_id=work.late.pk, unit_ids=[world.gov_a.pk], reason="逾期",
        requirement="报送整改计划", reply_workdays=5,
    )  # fmt: skip
    _refused(clerk, reverse("plans:notice_reply", args=[notice.pk]), {"text": f"已整改{bad}"})


def test_malformed_ids_are_refused_not_dropped(world):
    """A crafted id list is refused as a whole (not silently shortened to the good ids)."""
    work = work_plan(world)
    before = list(work.county_b_only.lead_units.values_list("pk", flat=True))
    response = client_for(world.supervisor).post(
        reverse("plans:task_assign", args=[work.county_b_only.pk]),
        {"lead": [world.gov_b.pk, "1 OR 1=1"], "responsible": [world.gov_a.pk]},
        follow=True,
    )
    assert "提交的选项无效" in response.content.decode()
    assert list(work.county_b_only.lead_units.values_list("pk", flat=True)) == before


def test_the_services_refuse_control_characters_too(world):
    """The API will call the services directly: they hold the same rule."""
    work = work_plan(world)
    with pytest.raises(Exception, match=REFUSED):
        report(world, work, text="评查\x00")
    with pytest.raises(Exception, match=REFUSED):
        services.plan_draft_set_title(actor=world.supervisor, draft_id=draft(world).pk,
                                      title="要点\x07")  # fmt: skip
    assert not ProgressReport.objects.exists()


def test_no_plans_view_reads_the_post_by_hand():
    source = (Path(__file__).resolve().parents[2] / "fazhi" / "plans" / "views.py").read_text()
    assert not re.findall(r"request\.POST", source)
