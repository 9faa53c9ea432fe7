"""Concurrent 三统一 registrations on PostgreSQL (real transactions, threads)."""

from __future__ import annotations

from datetime import date

import pytest

from fazhi.laws import services
from fazhi.laws.models import NormativeDocument
from tests.concurrency import in_threads
from tests.conftest import build_world

pytestmark = pytest.mark.django_db(transaction=True)

TEXT = "第一条 为了规范本区事项，制定本办法。\n\n第二条 本办法自公布之日起施行。"


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

    results = in_threads(10, register)
    assert not [r for r in results if isinstance(r, Exception)], results
    numbers = sorted(
        NormativeDocument.objects.values_list("registration_number", flat=True),
        key=lambda n: int(n.split("〕")[1].rstrip("号")),
    )
    assert numbers == [f"抚规〔2026〕{n}号" for n in range(1, 11)]
