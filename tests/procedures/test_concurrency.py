"""Concurrent clicks and concurrent numbering on PostgreSQL (real transactions, threads)."""

from __future__ import annotations

from datetime import date

import pytest

from fazhi.procedures import services
from tests.concurrency import in_threads
from tests.conftest import build_world
from tests.disclosure.helpers import register

pytestmark = pytest.mark.django_db(transaction=True)


def test_case_numbers_stay_gap_free_under_concurrent_registration(postgres):
    world = build_world()

    def one(i: int):
        return register(world, on=date(2026, 9, 24), applicant_name=f"申请人{i}").case.seq

    results = in_threads(12, one)
    assert sorted(results) == list(range(1, 13)), results


def test_two_simultaneous_replies_act_once_and_the_second_is_told_to_refresh(postgres):
    world = build_world()
    request = register(world, on=date(2026, 9, 24))
    version = request.case.version

    def reply(i: int):
        return services.case_act(
            actor=world.clerk_a, case_id=request.case_id, action="reply", on=date(2026, 10, 9),
            version=version, inputs={"reply_type": "public", "reply_text": "予以公开。"},
        )  # fmt: skip

    results = in_threads(2, reply)
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1, results
    assert "该申请已被他人处理，请刷新" in str(errors[0])
    assert request.case.events.filter(action="approval.submit").count() == 1
    assert request.case.approvals.count() == 1
