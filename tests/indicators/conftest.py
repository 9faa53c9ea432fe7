"""Fixtures for the indicators tests: the seed plan (skipped when ../shared is absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "000_242dd94098f8f416.txt"


@pytest.fixture
def seed_text() -> str:
    if not SEED.exists():
        pytest.skip(f"参考方案不存在：{SEED}（需要 /work/shared）")
    return SEED.read_text(encoding="utf-8")
