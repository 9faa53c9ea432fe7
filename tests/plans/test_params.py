"""Numbers in query strings and forms never become a database error (#13 item 14)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import client_for
from tests.plans.work import report, work_plan

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"


def test_every_plans_list_page_takes_an_absurd_id_without_a_500(world):
    work = work_plan(world)
    report(world, work)
    pk = work.plan.pk
    query = {"unit": HUGE, "page": HUGE, "period": HUGE, "id": HUGE, "by": "unit"}
    pages = [
        reverse("plans:ledger"),
        reverse("plans:plan", args=[pk]),
        reverse("plans:matrix", args=[pk]),
        reverse("plans:export_xlsx", args=[pk]),
        reverse("plans:export_docx", args=[pk]),
        reverse("plans:mine"),
        reverse("plans:task", args=[work.review.pk]),
        reverse("plans:notices"),
        reverse("notifications"),
    ]
    for user in (world.supervisor, world.clerk_a, world.clerk_b):
        client = client_for(user)
        for url in pages:
            for value in (HUGE, "-1", "²", "1e9", ""):
                response = client.get(url, {**query, "unit": value})
                assert response.status_code in (200, 404), (url, value, response.status_code)


def test_forms_with_absurd_ids_are_refused_without_a_500(world):
    work = work_plan(world)
    client = client_for(world.supervisor)
    task = work.review.pk
    posts = [
        (reverse("plans:task_supervise", args=[task]),
         {"unit": HUGE, "reason": "x", "requirement": "y", "reply_workdays": HUGE}),
        (reverse("plans:task_assign", args=[task]), {"lead": [HUGE, "²"], "responsible": HUGE}),
        (reverse("plans:plan_reporting", args=[work.plan.pk]),
         {"frequency": "monthly", "workdays": HUGE}),
        (reverse("notifications_read"), {"id": HUGE}),
    ]  # fmt: skip
    for url, data in posts:
        assert client.post(url, data).status_code in (302, 400, 404), url
    clerk = client_for(world.clerk_a)
    response = clerk.post(
        reverse("plans:task_report", args=[task]),
        {"period_key": work.period_key, "text": "进展", "self_state": "in_progress",
         "base_id": HUGE, "remove_evidence": [HUGE]},
    )  # fmt: skip
    assert response.status_code == 302
