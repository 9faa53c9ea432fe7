"""Concurrent clicks and concurrent numbering on PostgreSQL (real transactions, threads)."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connection, connections

from fazhi.procedures import services
from tests.conftest import build_world
from tests.disclosure.helpers import register

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip("并发测试需要 PostgreSQL（SQLite 的写事务本身就是串行的）")


def _in_threads(count: int, fn) -> list[object]:
    results: list[object] = [None] * count
    barrier = threading.Barrier(count)

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = fn(i)
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_case_numbers_stay_gap_free_under_concurrent_registration(postgres):
    world = build_world()

    def one(i: int):
        return register(world, on=date(2026, 9, 24), applicant_name=f"申请人{i}").case.seq

    results = _in_threads(12, one)
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

    results = _in_threads(2, reply)
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1, results
    assert "该申请已被他人处理，请刷新" in str(errors[0])
    assert request.case.events.filter(action="reply").count() == 1
