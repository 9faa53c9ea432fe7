"""Concurrent 三统一 registrations on PostgreSQL (real transactions, threads)."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connection, connections

from fazhi.laws import services
from fazhi.laws.models import NormativeDocument
from tests.conftest import build_world

pytestmark = pytest.mark.django_db(transaction=True)

TEXT = "第一条 为了规范本区事项，制定本办法。\n\n第二条 本办法自公布之日起施行。"


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


def test_ten_simultaneous_registrations_get_ten_consecutive_numbers(postgres):
    world = build_world()
    drafts = [
        services.normative_create(
            actor=world.clerk_a,
            title=f"临川区第{i}号办法",
            issuing_body="临川区人民政府",
            text=TEXT,
        )
        for i in range(10)
    ]

    def register(i: int) -> str | None:
        return services.normative_register(
            actor=None, document=drafts[i], on=date(2026, 3, 2)
        ).registration_number

    results = _in_threads(10, register)
    assert not [r for r in results if isinstance(r, Exception)], results
    numbers = sorted(
        NormativeDocument.objects.values_list("registration_number", flat=True),
        key=lambda n: int(n.split("〕")[1].rstrip("号")),
    )
    assert numbers == [f"抚规〔2026〕{n}号" for n in range(1, 11)]
